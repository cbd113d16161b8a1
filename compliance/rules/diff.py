"""`rules diff`: what changed between two versions of a document, or between two documents.

Clauses are paired by clause type first, then by how alike their quotes are (rapidfuzz), so a
clause that moved to a new section or got new wording still pairs with its predecessor. Each pair
is `unchanged` or `reworded` (with a word diff); what is left over is `removed` or `added`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, utils

from compliance.errors import InputError
from compliance.rules.loader import CompiledRule, RulePack, RuleSet
from compliance.rules.verify import normalize

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class WordOp:
    """One step of a word diff: `equal`, `delete`, `insert` or `replace`."""

    op: str
    old: str
    new: str

    def to_json(self) -> dict[str, str]:
        return {"op": self.op, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class ClauseChange:
    status: str  # added | removed | reworded | unchanged
    clause: str
    old: CompiledRule | None
    new: CompiledRule | None
    similarity: float | None = None
    words: tuple[WordOp, ...] = ()

    def to_json(self) -> dict[str, Any]:
        def side(rule: CompiledRule | None) -> dict[str, Any] | None:
            if rule is None:
                return None
            return {"rule": rule.id, "section": rule.spec.section, "quote": " ".join(rule.spec.quote.split())}

        out: dict[str, Any] = {"status": self.status, "clause": self.clause, "old": side(self.old), "new": side(self.new)}
        if self.similarity is not None:
            out["similarity"] = round(self.similarity, 1)
        if self.words:
            out["word_diff"] = [w.to_json() for w in self.words]
            out["word_diff_text"] = render_words(self.words)
        return out


@dataclass
class DocumentDiff:
    old: RulePack
    new: RulePack
    changes: list[ClauseChange] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {"added": 0, "removed": 0, "reworded": 0, "unchanged": 0}
        for change in self.changes:
            counts[change.status] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        def doc(pack: RulePack) -> dict[str, Any]:
            d = pack.document
            return {
                "id": d.id, "version": d.version, "title": d.title, "url": d.url, "path": pack.path,
                "effective_from": d.effective_from.isoformat() if d.effective_from else None,
                "valid_until": d.valid_until.isoformat() if d.valid_until else None,
            }

        return {"old": doc(self.old), "new": doc(self.new), "summary": self.counts(),
                "changes": [c.to_json() for c in self.changes]}


def find_pack(rules: RuleSet, ref: str) -> RulePack:
    """A pack by `document-id@version`, or by `document-id` when only one version is loaded."""
    doc_id, _, version = ref.partition("@")
    candidates = [p for p in rules.packs if p.document.id == doc_id]
    if not candidates:
        known = sorted({p.document.id for p in rules.packs})
        close = difflib.get_close_matches(doc_id, known, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise InputError(None, None, f"no rule pack for document {doc_id!r}{hint}")
    if version:
        for pack in candidates:
            if pack.document.version == version:
                return pack
        versions = ", ".join(sorted(p.pack_id for p in candidates))
        raise InputError(None, None, f"no version {version!r} of {doc_id}; known: {versions}")
    if len(candidates) > 1:
        versions = ", ".join(sorted(p.pack_id for p in candidates))
        raise InputError(None, None, f"{doc_id} has several versions; name one: {versions}")
    return candidates[0]


def word_diff(old: str, new: str) -> tuple[WordOp, ...]:
    """Word-level diff of two quotes, after the same normalisation `rules verify` uses."""
    a, b = _WORD.findall(normalize(old)), _WORD.findall(normalize(new))
    ops: list[WordOp] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        ops.append(WordOp(tag, " ".join(a[i1:i2]), " ".join(b[j1:j2])))
    return tuple(ops)


def render_words(ops: tuple[WordOp, ...]) -> str:
    """`[-removed-]{+added+}` markup, as `git diff --word-diff=plain` prints it."""
    parts: list[str] = []
    for w in ops:
        if w.op == "equal":
            parts.append(w.old)
            continue
        if w.old:
            parts.append(f"[-{w.old}-]")
        if w.new:
            parts.append(f"{{+{w.new}+}}")
    return " ".join(parts)


def similarity(a: CompiledRule, b: CompiledRule) -> float:
    return float(fuzz.ratio(normalize(a.spec.quote), normalize(b.spec.quote), processor=utils.default_process))


def _same(a: CompiledRule, b: CompiledRule) -> bool:
    return normalize(a.spec.quote) == normalize(b.spec.quote)


def diff_packs(old: RulePack, new: RulePack) -> DocumentDiff:
    """Pair the two packs' clauses by clause type and quote similarity; report what changed."""
    result = DocumentDiff(old, new)
    clauses = sorted({r.spec.clause for r in old.rules} | {r.spec.clause for r in new.rules})
    for clause in clauses:
        left = [r for r in old.rules if r.spec.clause == clause]
        right = [r for r in new.rules if r.spec.clause == clause]
        scored = sorted(
            ((similarity(a, b), i, j) for i, a in enumerate(left) for j, b in enumerate(right)),
            key=lambda t: (-t[0], t[1], t[2]),
        )
        used_left: set[int] = set()
        used_right: set[int] = set()
        for score, i, j in scored:
            if i in used_left or j in used_right:
                continue
            used_left.add(i)
            used_right.add(j)
            a, b = left[i], right[j]
            if _same(a, b):
                result.changes.append(ClauseChange("unchanged", clause, a, b, score))
            else:
                result.changes.append(ClauseChange("reworded", clause, a, b, score, word_diff(a.spec.quote, b.spec.quote)))
        result.changes += [ClauseChange("removed", clause, a, None) for i, a in enumerate(left) if i not in used_left]
        result.changes += [ClauseChange("added", clause, None, b) for j, b in enumerate(right) if j not in used_right]
    order = {"reworded": 0, "removed": 1, "added": 2, "unchanged": 3}
    result.changes.sort(key=lambda c: (order[c.status], c.clause, (c.old or c.new).id))  # type: ignore[union-attr]
    return result


def render_text(d: DocumentDiff) -> str:
    """A plain-text report of a document diff."""

    def title(pack: RulePack) -> str:
        doc = pack.document
        window = f"{doc.effective_from or '?'} – {doc.valid_until or 'current'}"
        return f"{pack.pack_id}  {doc.title} (in force {window})"

    counts = d.counts()
    lines = [
        f"--- {title(d.old)}",
        f"+++ {title(d.new)}",
        ", ".join(f"{n} {status}" for status, n in counts.items()),
    ]
    for c in d.changes:
        lines.append("")
        if c.status == "reworded":
            assert c.old is not None and c.new is not None
            lines.append(f"~ reworded  {c.clause}  (similarity {c.similarity:.0f})")
            lines.append(f"    old {c.old.id}" + (f"  [{c.old.spec.section}]" if c.old.spec.section else ""))
            lines.append(f"    new {c.new.id}" + (f"  [{c.new.spec.section}]" if c.new.spec.section else ""))
            lines.append(f"    {render_words(c.words)}")
        elif c.status == "removed":
            assert c.old is not None
            lines.append(f"- removed   {c.clause}  {c.old.id}" + (f"  [{c.old.spec.section}]" if c.old.spec.section else ""))
            lines.append(f"    “{' '.join(c.old.spec.quote.split())}”")
        elif c.status == "added":
            assert c.new is not None
            lines.append(f"+ added     {c.clause}  {c.new.id}" + (f"  [{c.new.spec.section}]" if c.new.spec.section else ""))
            lines.append(f"    “{' '.join(c.new.spec.quote.split())}”")
        else:
            assert c.new is not None
            lines.append(f"= unchanged {c.clause}  {c.new.id}")
    return "\n".join(lines) + "\n"
