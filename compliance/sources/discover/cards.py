"""Model and dataset cards (Hugging Face front matter), READMEs and root license files.

Front matter (YAML between the first two `---` lines) gives the strongest statements: license,
base_model, datasets, model-index name. The title and first paragraph of a README give the
artifact's name and description; the prose is read by `prose.py`. A LICENSE file at the root is
the repository's own outgoing licence.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from compliance.sources.discover.model import Claim, FileScan, Loc
from compliance.sources.discover.prose import prose_claims

CARD_NAMES = re.compile(r"^(readme|model[_-]?card|dataset[_-]?card|datasheet|data[_-]?card)[^/]*\.md$", re.I)
LICENSE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("LLAMA-2", re.compile(r"LLAMA 2 COMMUNITY LICENSE", re.I)),
    ("LLAMA-3.1", re.compile(r"Llama 3\.1 Community License", re.I)),
    ("LLAMA-3", re.compile(r"META LLAMA 3 COMMUNITY LICENSE", re.I)),
    ("Apache-2.0", re.compile(r"Apache License,?\s+Version 2\.0", re.I)),
    ("MIT", re.compile(r"\bMIT License\b|Permission is hereby granted, free of charge", re.I)),
    ("GPL-3.0", re.compile(r"GNU GENERAL PUBLIC LICENSE\s+Version 3", re.I)),
    ("AGPL-3.0", re.compile(r"GNU AFFERO GENERAL PUBLIC LICENSE\s+Version 3", re.I)),
    ("LGPL-3.0", re.compile(r"GNU LESSER GENERAL PUBLIC LICENSE\s+Version 3", re.I)),
    ("GPL-2.0", re.compile(r"GNU GENERAL PUBLIC LICENSE\s+Version 2", re.I)),
    ("BSD-3-Clause", re.compile(r"Neither the name of .{0,80} nor the names of its\s+contributors", re.I | re.S)),
    ("BSD-2-Clause", re.compile(r"Redistributions in binary form must reproduce", re.I)),
    ("MPL-2.0", re.compile(r"Mozilla Public License,?\s+(Version|v\.)\s*2\.0", re.I)),
    ("CC-BY-NC-4.0", re.compile(r"Attribution-NonCommercial 4\.0 International", re.I)),
    ("CC-BY-4.0", re.compile(r"Attribution 4\.0 International", re.I)),
    ("Unlicense", re.compile(r"This is free and unencumbered software released into the public domain", re.I)),
)
BADGE = re.compile(r"^\s*(!\[|<|\[!\[|\||```|>|-{3,}|={3,}|\*\*?[A-Z][^*]*:\*?\*?\s*$)")


def is_card(name: str) -> bool:
    return bool(CARD_NAMES.match(name))


def front_matter(text: str) -> tuple[dict[str, Any] | None, int]:
    """(front matter mapping, first body line) of a card; (None, 1) when there is none."""
    if not text.startswith("---"):
        return None, 1
    end = text.find("\n---", 3)
    if end < 0:
        return None, 1
    try:
        data = yaml.safe_load(text[3:end])
    except yaml.YAMLError:
        return None, 1
    return (data if isinstance(data, dict) else None), text.count("\n", 0, end) + 2


def _find(lines: list[str], path: str, key: str, value: str = "") -> Loc:
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith(key) or (value and value in line and (key in line or line.lstrip().startswith("-"))):
            if not value or value in line or line.rstrip().endswith(":"):
                return Loc(path, number, line.strip())
    return Loc(path, 1, lines[0].strip() if lines else "")


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, (str, int, float))]
    return []


def scan_card(path: str, text: str, root_level: bool) -> FileScan | None:
    """Claims of a card or README: front matter, title, description, and prose statements."""
    lines = text.splitlines()
    scan = FileScan(path, "card")
    meta, body_start = front_matter(text)
    if meta:
        for base in _as_list(meta.get("base_model")):
            scan.claims.append(Claim(_find(lines, path, "base_model", base), "base-model", base, 0.9, "card"))
        for dataset in _as_list(meta.get("datasets")):
            scan.claims.append(Claim(_find(lines, path, "datasets", dataset), "trained-on", dataset, 0.9, "card"))
        license_ = meta.get("license_name") if meta.get("license") == "other" else meta.get("license")
        for value in _as_list(license_)[:1]:
            scan.claims.append(Claim(_find(lines, path, "license", value), "license", value, 0.9, "card"))
        index = meta.get("model-index")
        if isinstance(index, list) and index and isinstance(index[0], dict) and index[0].get("name"):
            name = str(index[0]["name"])
            scan.claims.append(Claim(_find(lines, path, "- name", name), "released-as", name, 0.8, "card"))
        if meta.get("base_model") or meta.get("model-index") or meta.get("pipeline_tag"):
            scan.claims.append(Claim(Loc(path, 1, "---"), "published-card", path, 0.8, "card"))
        creators = _as_list(meta.get("annotations_creators")) + _as_list(meta.get("language_creators"))
        if "machine-generated" in creators:
            scan.notes.append("dataset card: machine-generated annotations")
    title, description = _title_and_description(lines, body_start, path)
    if title is not None and root_level:
        scan.claims.append(title)
    if description is not None and root_level:
        scan.claims.append(description)
    scan.claims += prose_claims(path, lines, body_start)
    notice = re.search(r"built\s+with\s+llama", text, re.I)
    if notice and root_level:
        line = text.count("\n", 0, notice.start()) + 1
        scan.claims.append(Claim(Loc(path, line, lines[line - 1].strip()), "notice", "Built with Llama", 0.9, "prose"))
    return scan if scan.claims or scan.notes else None


def _title_and_description(lines: list[str], start: int, path: str) -> tuple[Claim | None, Claim | None]:
    title = description = None
    paragraph: list[str] = []
    para_line = 0
    for number in range(start, len(lines) + 1):
        line = lines[number - 1]
        stripped = line.strip()
        if title is None and stripped.startswith("# "):
            name = re.sub(r"[*_`]", "", stripped[2:]).split(":")[0].strip()
            if name:
                title = Claim(Loc(path, number, stripped), "released-as", name, 0.5, "prose")
            continue
        if stripped.startswith("#"):
            if paragraph:
                break
            continue
        if not stripped or BADGE.match(line):
            if paragraph:
                break
            continue
        if not paragraph:
            para_line = number
        paragraph.append(stripped)
    if paragraph:
        text = " ".join(paragraph)[:600]
        description = Claim(Loc(path, para_line, paragraph[0]), "description", text, 0.5, "prose")
    return title, description


def scan_license(path: str, text: str) -> FileScan | None:
    head = text[:6000]
    for spdx, pattern in LICENSE_PATTERNS:
        match = pattern.search(head)
        if match:
            line = head.count("\n", 0, match.start()) + 1
            lines = text.splitlines()
            scan = FileScan(path, "license")
            scan.claims.append(Claim(Loc(path, line, lines[line - 1].strip() if line <= len(lines) else ""),
                                     "license", spdx, 0.95, "license-file"))
            return scan
    return None
