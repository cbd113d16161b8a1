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
from compliance.signals.features import blocks, template_key

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

    A template's exact key is tried first; otherwise only templates sharing its first or last
    four words are compared (`fuzz.ratio` ≥ FUZZY_CUTOFF). When full, templates seen once are
    evicted (counted in `evicted`); if all recur, new ones only count in `overflow`.
    """

    CAP = 512

    __slots__ = ("counts", "reps", "alias", "by_block", "evicted", "overflow")

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}
        self.reps: dict[int, str] = {}
        self.alias: dict[int, int] = {}
        self.by_block: dict[str, list[int]] = {}
        self.evicted = 0
        self.overflow = 0

    def add(self, template: str, n: int = 1, key: int | None = None, keys_of: tuple[str, str] | None = None) -> None:
        key = template_key(template) if key is None else key
        counts = self.counts
        if key in counts:
            counts[key] += n
            return
        entry = self.alias.get(key)
        if entry is None:
            keys_of = keys_of or blocks(template)
            entry = self._similar(template, keys_of)
            if entry is not None and len(self.alias) < 2 * self.CAP:
                self.alias[key] = entry
        if entry is not None:
            counts[entry] += n
            return
        if len(counts) >= self.CAP and not self._evict():
            self.overflow += n
            return
        self.counts[key] = n
        self.reps[key] = template
        for block in keys_of or blocks(template):
            keys = self.by_block.setdefault(block, [])
            if len(keys) < BLOCK_CAP:
                keys.append(key)

    def add_many(self, templates: list[str], keys: list[int], blocks_of: list[tuple[str, str] | None]) -> None:
        """`add(t, 1, k)` for each template in order; `blocks_of[j]` caches blocks(templates[j])
        (None = not computed yet; filled in here, so other tables can reuse it)."""
        counts = self.counts
        alias = self.alias
        for j, key in enumerate(keys):
            if key in counts:
                counts[key] += 1
                continue
            entry = alias.get(key)
            if entry is not None:
                counts[entry] += 1
                continue
            keys_of = blocks_of[j]
            if keys_of is None:
                keys_of = blocks_of[j] = blocks(templates[j])
            self.add(templates[j], 1, key, keys_of)
            alias = self.alias  # eviction rebuilds it

    def _similar(self, template: str, keys_of: tuple[str, str] | None = None) -> int | None:
        first, last = keys_of or blocks(template)
        by_block = self.by_block
        if first not in by_block and last not in by_block:
            return None  # the usual case for varied traffic: nothing to compare with
        from rapidfuzz.fuzz import ratio

        seen: set[int] = set()
        n = len(template)
        reps = self.reps
        for block in (first, last):
            for key in by_block.get(block, ()):
                if key in seen:
                    continue
                seen.add(key)
                rep = reps[key]
                m = len(rep)
                # ratio = 100 * (1 - indel / (n + m)) and indel >= |n - m|: a length gap over
                # (100 - FUZZY_CUTOFF)% of n + m cannot reach the cutoff, so skip the call.
                if abs(n - m) * 100 > (100 - FUZZY_CUTOFF) * (n + m):
                    continue
                if ratio(template, rep, score_cutoff=FUZZY_CUTOFF):
                    return key
        return None

    def _evict(self) -> bool:
        gone = {k for k, c in self.counts.items() if c == 1}
        if not gone:
            return False
        self.evicted += len(gone)
        for key in gone:
            del self.counts[key]
            del self.reps[key]
        self.alias = {k: v for k, v in self.alias.items() if v not in gone}
        self.by_block = {b: kept for b, keys in self.by_block.items() if (kept := [k for k in keys if k not in gone])}
        return True

    def merge(self, other: "TemplateTable") -> None:
        for key, count in other.counts.items():
            self.add(other.reps[key], count, key)
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
