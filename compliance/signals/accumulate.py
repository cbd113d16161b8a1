"""Bounded, mergeable per-account state: what the signals need, never a list of records.

One `Accumulator` per input partition sees every record of that partition once; partitions merge
in a fixed order, so the result does not depend on how many processes ran. Memory per account is
bounded: day and model counters (days × counts), at most `TemplateTable.CAP` prompt templates per
signal that needs them (singletons are evicted first), capped distinct-value sets, and a few
sample records for evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from compliance.redact import snippet
from compliance.signals.features import NATIVE, blocks

SAMPLES = 3
DISTINCT_CAP = 4096
MODELS_CAP = 32
KEYS_CAP = 256
FUZZY_CUTOFF = 90.0
BLOCK_CAP = 8
Sample = tuple[str, int, str]  # path, line, bounded unredacted text (record_head); evidence redacts it
UNKNOWN = "(unknown)"


class TemplateTable:
    """Counts of prompt templates, near-duplicates merged with rapidfuzz, at most CAP entries.

    A template is its own key (a str hashes once and compares fast); an unseen one is compared
    only with templates sharing its first or last four words (`fuzz.ratio` ≥ FUZZY_CUTOFF), and
    counts for the first that is close enough. When full, templates seen once are evicted
    (counted in `evicted`); if all recur, new ones only count in `overflow`.
    """

    CAP = 512

    __slots__ = ("counts", "alias", "by_block", "evicted", "overflow")

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}  # kept template -> records
        self.alias: dict[str, str] = {}  # template -> the kept near-duplicate it counts for
        self.by_block: dict[str, list[str]] = {}
        self.evicted = 0
        self.overflow = 0

    def add(self, template: str, n: int = 1, keys_of: tuple[str, str] | None = None) -> None:
        counts = self.counts
        if template in counts:
            counts[template] += n
            return
        entry = self.alias.get(template)
        if entry is None:
            keys_of = keys_of or blocks(template)
            entry = self._similar(template, keys_of)
            if entry is not None and len(self.alias) < 2 * self.CAP:
                self.alias[template] = entry
        if entry is not None:
            counts[entry] += n
            return
        if len(counts) >= self.CAP and not self._evict():
            self.overflow += n
            return
        counts[template] = n
        for block in keys_of or blocks(template):
            kept = self.by_block.setdefault(block, [])
            if len(kept) < BLOCK_CAP:
                kept.append(template)

    def add_many(self, templates: list[str]) -> None:
        """`add(t)` for each template, in order (in C where the extension is built: see _add_many)."""
        if NATIVE is None:
            self._add_many(templates)
            return
        at, n = 0, len(templates)
        while True:
            # the C loop stops at a template that needs add's Python-only steps (fuzzy match, eviction)
            at = NATIVE.table_add(self.counts, self.alias, self.by_block, templates, at, self.CAP, BLOCK_CAP)
            if at >= n:
                return
            self.add(templates[at])
            at += 1

    def _add_many(self, templates: list[str]) -> None:
        """`add(t)` for each template, in order: the Python reference of the C loop."""
        counts = self.counts
        alias = self.alias
        for template in templates:
            if template in counts:
                counts[template] += 1
                continue
            entry = alias.get(template)
            if entry is not None:
                counts[entry] += 1
                continue
            self.add(template)
            alias = self.alias  # eviction rebuilds it

    def _similar(self, template: str, keys_of: tuple[str, str] | None = None) -> str | None:
        first, last = keys_of or blocks(template)
        if NATIVE is not None:  # the same loop in C, rapidfuzz called as below
            from rapidfuzz.fuzz import ratio as fuzz_ratio

            return NATIVE.similar(template, first, last, self.by_block, fuzz_ratio, FUZZY_CUTOFF)  # type: ignore[no-any-return]
        by_block = self.by_block
        if first not in by_block and last not in by_block:
            return None  # the usual case for varied traffic: nothing to compare with
        from rapidfuzz.fuzz import ratio

        seen: set[str] = set()
        n = len(template)
        for block in (first, last):
            for rep in by_block.get(block, ()):
                if rep in seen:
                    continue
                seen.add(rep)
                m = len(rep)
                # ratio = 100 * (1 - indel / (n + m)) and indel >= |n - m|: a length gap over
                # (100 - FUZZY_CUTOFF)% of n + m cannot reach the cutoff, so skip the call.
                if abs(n - m) * 100 > (100 - FUZZY_CUTOFF) * (n + m):
                    continue
                if ratio(template, rep, score_cutoff=FUZZY_CUTOFF):
                    return rep
        return None

    def _evict(self) -> bool:
        if NATIVE is not None:
            done = NATIVE.table_evict(self.counts, self.alias, self.by_block)
            if done is None:
                return False
            self.alias, self.by_block, evicted = done
            self.evicted += evicted
            return True
        return self._evict_python()

    def _evict_python(self) -> bool:
        """The Python reference of _native.table_evict."""
        gone = {t for t, c in self.counts.items() if c == 1}
        if not gone:
            return False
        self.evicted += len(gone)
        for template in gone:
            del self.counts[template]
        self.alias = {k: v for k, v in self.alias.items() if v not in gone}
        self.by_block = {b: kept for b, reps in self.by_block.items() if (kept := [t for t in reps if t not in gone])}
        return True

    def merge(self, other: "TemplateTable") -> None:
        """`add(template, count)` for each of other's templates, in order (in C where built)."""
        if NATIVE is None:
            for template, count in other.counts.items():
                self.add(template, count)
        else:
            templates, counts = list(other.counts), list(other.counts.values())
            at, n = 0, len(templates)
            while True:
                at = NATIVE.table_add(self.counts, self.alias, self.by_block, templates, at, self.CAP, BLOCK_CAP, counts)
                if at >= n:
                    break
                self.add(templates[at], counts[at])
                at += 1
        self.evicted += other.evicted
        self.overflow += other.overflow

    def near_duplicates(self) -> int:
        """Records whose template was seen at least twice."""
        return sum(c for c in self.counts.values() if c >= 2)


@dataclass
class SignalState:
    """What one signal saw in one account."""

    matched: int = 0
    by_sub: dict[tuple[Any, ...], int] = field(default_factory=dict)
    distinct: set[Any] = field(default_factory=set)
    distinct_overflow: bool = False
    templates: TemplateTable | None = None
    samples: list[Sample] = field(default_factory=list)

    def merge(self, other: "SignalState") -> None:
        self.matched += other.matched
        for key, count in other.by_sub.items():
            self.by_sub[key] = self.by_sub.get(key, 0) + count
        for value in other.distinct:
            if len(self.distinct) >= DISTINCT_CAP:
                self.distinct_overflow = True
                break
            self.distinct.add(value)
        self.distinct_overflow |= other.distinct_overflow
        if other.templates is not None:
            if self.templates is None:
                self.templates = TemplateTable()
            self.templates.merge(other.templates)
        self.samples = (self.samples + other.samples)[:SAMPLES]


@dataclass
class AccountState:
    """Everything kept about one (provider, account)."""

    provider: str
    account: str
    records: int = 0
    errors: int = 0
    unmatched: int = 0
    usage_in: int = 0
    usage_out: int = 0
    first: datetime | None = None
    last: datetime | None = None
    days: dict[Any, int] = field(default_factory=dict)  # date (or None) -> records
    models: dict[str, int] = field(default_factory=dict)
    keys: dict[str, int] = field(default_factory=dict)
    sub_totals: dict[tuple[str, ...], dict[tuple[Any, ...], int]] = field(default_factory=dict)
    signals: dict[int, SignalState] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)

    def merge(self, other: "AccountState") -> None:
        self.records += other.records
        self.errors += other.errors
        self.unmatched += other.unmatched
        self.usage_in += other.usage_in
        self.usage_out += other.usage_out
        if other.first is not None and (self.first is None or other.first < self.first):
            self.first = other.first
        if other.last is not None and (self.last is None or other.last > self.last):
            self.last = other.last
        _add_counts(self.days, other.days)
        _add_counts(self.models, other.models, MODELS_CAP)
        _add_counts(self.keys, other.keys, KEYS_CAP)
        _add_counts(self.files, other.files)
        for dims, table in other.sub_totals.items():
            _add_counts(self.sub_totals.setdefault(dims, {}), table)
        for index, state in other.signals.items():
            mine = self.signals.get(index)
            if mine is None:
                self.signals[index] = mine = SignalState()
            mine.merge(state)
        self.samples = (self.samples + other.samples)[:SAMPLES]


def _add_counts(into: dict[Any, int], other: dict[Any, int], cap: int | None = None) -> None:
    for key, count in other.items():
        if key in into:
            into[key] += count
        elif cap is None or len(into) < cap:
            into[key] = count
        else:
            into["(other)"] = into.get("(other)", 0) + count


SNIPPET_CHARS = 160


def record_head(record: Any, limit: int = SNIPPET_CHARS) -> str:
    """A bounded, *unredacted* excerpt of a record's prompt (else response, else system): what a
    sample keeps until it becomes evidence (`evidence_snippet`). Only the few samples that reach
    a report are redacted, instead of every sample of every partition.

    The text is cut to a bounded head, dropping the last partial word so that a secret cut in
    half cannot slip past the redaction patterns."""
    text = record.prompt or record.response or record.system
    if not text:
        return f"({record.format} record without text)"
    if len(text) > 3 * limit:
        head = text[: 3 * limit]
        text = head[: max(head.rfind(" "), head.rfind("\n"), 0)]
    return text


def evidence_snippet(head: str, limit: int = SNIPPET_CHARS) -> str:
    """The redacted one-line snippet of a sample's text."""
    return snippet(head, limit)
