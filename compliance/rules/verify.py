"""`rules verify`: every quote must appear in its source text, up to whitespace and Markdown.

Source texts are looked up in the corpus folders given on the command line, then in the copies
bundled under `rules/sources/` (public texts that are not in the shared research corpus, each with
a header line naming where it was copied from).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from compliance.markdown import strip_inline
from compliance.rules.loader import RuleSet

_LINE_MARK = re.compile(r"(?m)^\s*(?:#{1,6}\s+|>\s?|[-*+]\s+(?=\S))")


def normalize(text: str) -> str:
    """Drop Markdown syntax (links keep their text) and fold all whitespace to single spaces."""
    return " ".join(strip_inline(_LINE_MARK.sub(" ", text)).split())


@dataclass(frozen=True)
class QuoteCheck:
    rule_id: str
    pack: str
    source: str | None
    found: bool
    line: int | None
    reason: str = ""


def _line_of(raw: str, quote: str) -> int | None:
    """1-based line of the source where the quote starts (searching on normalised lines)."""
    head = normalize(quote)[:60]
    lines = raw.splitlines()
    for index in range(len(lines)):
        window = normalize(" ".join(lines[index:index + 40]))
        if head and window.startswith(head[: max(10, len(head) // 2)]) or (head and head in normalize(lines[index])):
            return index + 1
    for index in range(len(lines)):
        if head[:30] and head[:30] in normalize(" ".join(lines[index:index + 3])):
            return index + 1
    return None


def bundled_sources_dir() -> Path:
    """`rules/sources/`: copies of public texts the packs quote that the research corpus lacks."""
    from compliance.rules.loader import bundled_rules_dir

    return bundled_rules_dir() / "sources"


def source_folders(corpora: list[Path], include_bundled: bool = True) -> list[Path]:
    """Where source texts are looked up, in order: the given corpus folders, then the bundled copies."""
    folders = list(corpora)
    bundled = bundled_sources_dir()
    if include_bundled and bundled.is_dir() and bundled not in folders:
        folders.append(bundled)
    return folders


def verify_quotes(rules: RuleSet, corpora: list[Path]) -> list[QuoteCheck]:
    """Check each rule's quote against the first folder of `corpora` that holds its pack's source text."""
    checks: list[QuoteCheck] = []
    cache: dict[str, tuple[str, str] | None] = {}
    for pack in rules.packs:
        source = pack.document.source_text
        for rule in pack.rules:
            if not rule.spec.quote.strip():
                continue
            if source is None:
                checks.append(QuoteCheck(rule.id, pack.path, None, False, None, "pack names no source_text"))
                continue
            if source not in cache:
                cache[source] = None
                for corpus in corpora:
                    candidate = corpus / source
                    if candidate.is_file():
                        raw = candidate.read_text(encoding="utf-8", errors="replace")
                        cache[source] = (raw, normalize(raw))
                        break
            loaded = cache[source]
            if loaded is None:
                checks.append(QuoteCheck(rule.id, pack.path, source, False, None, "source text not found in the corpus folders or rules/sources/"))
                continue
            raw, flat = loaded
            quote = normalize(rule.spec.quote)
            if quote in flat:
                checks.append(QuoteCheck(rule.id, pack.path, source, True, _line_of(raw, rule.spec.quote)))
            else:
                checks.append(QuoteCheck(rule.id, pack.path, source, False, None, "quote not found in the source text"))
    return checks
