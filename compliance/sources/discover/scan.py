"""Stream over a repository once, sending each file to the scanner for its kind.

Cheap before expensive: files are chosen by name, then a substring prefilter decides which Python
files are parsed at all; only what a file contributed is kept, never its text or tree, so memory
stays flat as the tree grows.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from compliance.sources.discover.cards import is_card, scan_card, scan_license
from compliance.sources.discover.configs import (
    scan_config,
    scan_requirements,
    scan_setup_py,
)
from compliance.sources.discover.jscode import scan_js
from compliance.sources.discover.model import FileScan
from compliance.sources.discover.notebook import scan_notebook
from compliance.sources.discover.python_code import scan_python
from compliance.sources.discover.shell import scan_shell
from compliance.sources.discover.walk import LICENSE_NAMES, Skips, Walker, read_text

PY_PREFILTER = re.compile(
    r"openai|anthropic|generativeai|google\.genai|from google import genai|vertexai|mistralai|cohere|groq|together|"
    r"litellm|langchain|llama_index|dspy|transformers|\btrl\b|peft|unsloth|setfit|sentence_transformers|sklearn|"
    r"load_dataset|push_to_hub|from_pretrained|\.jsonl?\b|\.csv\b|\.parquet\b|\.tsv\b|base_url|gpt-|claude|gemini|"
    r"llama|deepseek|mistral|qwen")
INTERESTING_CONSTANT = re.compile(r"gpt|claude|gemini|llama|mistral|deepseek|qwen|davinci|command|grok|phi|gemma|"
                                  r"https?://|\.(jsonl?|csv|tsv|parquet|arrow|ya?ml|toml)$|/", re.I)
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx")


@dataclass
class Discovery:
    """What the walk found, before files are linked."""

    root: Path
    scans: list[FileScan] = field(default_factory=list)
    configs: dict[str, tuple[dict[str, str], list[str]]] = field(default_factory=dict)
    skips: Skips = field(default_factory=Skips)
    read: Counter[str] = field(default_factory=Counter)
    parsed: Counter[str] = field(default_factory=Counter)
    unparsable: list[str] = field(default_factory=list)

    @property
    def files_read(self) -> int:
        return sum(self.read.values())


def _trim(scan: FileScan) -> FileScan:
    """Keep only constants another file could import that look like model names, URLs or paths."""
    scan.constants = {k: v for k, v in scan.constants.items() if v.text and INTERESTING_CONSTANT.search(v.text)}
    return scan


def scan_file(rel: str, text: str, configs: dict[str, tuple[dict[str, str], list[str]]]) -> tuple[str, FileScan | None, str]:
    """(kind, findings, status) for one file's text; status is parsed, unparsable or not-relevant."""
    name = rel.rsplit("/", 1)[-1].lower()
    if name == "setup.py":
        return "dependencies", scan_setup_py(rel, text), "parsed"
    if name.endswith(".py"):
        if not PY_PREFILTER.search(text):
            return "python", None, "not-relevant"
        scan = scan_python(rel, text)
        return ("python", _trim(scan), "parsed") if scan is not None else ("python", None, "unparsable")
    if name.endswith(".ipynb"):
        scan = scan_notebook(rel, text)
        return ("notebook", scan, "parsed") if scan is not None else ("notebook", None, "unparsable")
    if name.endswith((".sh", ".bash", ".zsh")):
        return "shell", scan_shell(rel, text), "parsed"
    if name.endswith(JS_SUFFIXES):
        if "openai" not in text and "anthropic" not in text:
            return "javascript", None, "not-relevant"
        return "javascript", scan_js(rel, text), "parsed"
    if name.startswith("requirements") and name.endswith((".txt", ".in")):
        return "dependencies", scan_requirements(rel, text), "parsed"
    if name.endswith((".yaml", ".yml", ".json", ".toml")):
        return "config", scan_config(rel, text, configs), "parsed"
    if name.endswith(".md"):
        if not is_card(name):
            return "markdown", None, "not-relevant"
        return "card", scan_card(rel, text, root_level="/" not in rel), "parsed"
    if name.startswith(LICENSE_NAMES) and "/" not in rel:
        return "license", scan_license(rel, text), "parsed"
    return "other", None, "not-relevant"


def discover_tree(root: Path, exclude: list[str] | None = None) -> Discovery:
    """Walk `root` once and collect every file's findings."""
    walker = Walker(root, exclude)
    found = Discovery(root)
    for entry in walker:
        text = read_text(entry, walker.skips)
        if text is None:
            continue
        kind, scan, status = scan_file(entry.rel, text, found.configs)
        found.read[kind] += 1
        if status == "parsed":
            found.parsed[kind] += 1
        elif status == "unparsable":
            found.unparsable.append(entry.rel)
        if scan is not None and (not scan.empty() or scan.constants or scan.arg_defaults or scan.notes):
            found.scans.append(scan)
    found.skips = walker.skips
    return found


