"""One pass over records: every record updates its account's bounded state."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from operator import attrgetter
from typing import Any

from compliance.signals.accumulate import (
    DISTINCT_CAP,
    KEYS_CAP,
    MODELS_CAP,
    SAMPLES,
    UNKNOWN,
    AccountState,
    SignalState,
    TemplateTable,
    record_head,
)
from compliance.signals.compiled import SignalSet
from compliance.signals.features import NATIVE
from compliance.sources.logs import STATUS_ERROR, STATUS_UNMATCHED, LogRecord, ReadStats


class Accumulator:
    """Per-account state for one partition of the input (picklable, mergeable)."""

    def __init__(self, signals: SignalSet) -> None:
        self.signals = signals
        self.accounts: dict[tuple[str, str], AccountState] = {}
        self.stats = ReadStats()
        self.file_records: dict[str, int] = {}
        specs = [s.spec for s in signals.signals]
        self._sub_dims = sorted(signals.sub_dims())
        self._by_sub = {i: spec.aggregate.sub_dims for i, spec in enumerate(specs) if spec.aggregate.sub_dims}
        self._distinct = {i: spec.aggregate.field for i, spec in enumerate(specs) if spec.aggregate.metric == "distinct"}
        self._templates = {s.index for s in signals.signals if signals.keeps_templates(s)}
        # per signal, in order: (index, sub dims or None, distinct field or None, keeps templates)
        self._plan = [(i, self._by_sub.get(i), self._distinct.get(i), i in self._templates) for i in range(len(specs))]

    def add(self, record: LogRecord) -> None:
        self.add_batch([record])

    def add_batch(self, records: list[LogRecord]) -> None:
        """Fold a batch of records, in order, into the per-account state (the same state as
        adding them one by one: counters are filled in first-seen order, samples and template
        tables see each account's records in their order)."""
        if not records:
            return
        accounts = self.accounts
        native = NATIVE if NATIVE is not None and type(records) is list else None  # the C loops take lists
        # records by account (provider, account or key), in first-seen order, and each record's account
        # as a small int (its position in `order`): ints hash and count faster than key tuples
        groups, order, ids = native.accounts(records, UNKNOWN) if native else _accounts(records)
        for akey in order:
            if akey not in accounts:
                accounts[akey] = AccountState(*akey)
        column = native.column if native else _column
        times = column(records, "timestamp")
        days: list[Any]
        try:
            days = list(map(datetime.date, times))  # the loop in C
        except TypeError:  # records without a timestamp
            days = [ts.date() if ts is not None else None for ts in times]
        if native:
            models, keys = native.attr_or(records, "model", UNKNOWN), native.attr_or(records, "api_key_id", UNKNOWN)
        else:
            models = [r.model or UNKNOWN for r in records]
            keys = [r.api_key_id or UNKNOWN for r in records]
        columns: dict[str, list[Any]] = {"day": days, "model": models, "key": keys}
        sub_dims = self._sub_dims
        _add_in_order(self.file_records, Counter(map(attrgetter("path"), map(attrgetter("source"), records))))
        status_col, usage_in_col, usage_out_col = (column(records, name) for name in ("status", "usage_in", "usage_out"))
        for akey, idx in groups.items():  # map(column.__getitem__, idx): the loops run in C
            state = accounts[akey]
            state.records += len(idx)
            statuses = list(map(status_col.__getitem__, idx))
            state.errors += statuses.count(STATUS_ERROR)
            state.unmatched += statuses.count(STATUS_UNMATCHED)
            state.usage_in += sum(filter(None, map(usage_in_col.__getitem__, idx)))
            state.usage_out += sum(filter(None, map(usage_out_col.__getitem__, idx)))
            stamps = list(filter(None, map(times.__getitem__, idx)))  # datetimes, never falsy: the non-None ones
            if stamps:
                first, last = min(stamps), max(stamps)
                if state.first is None or first < state.first:
                    state.first = first
                if state.last is None or last > state.last:
                    state.last = last
            _add_in_order(state.days, Counter(map(days.__getitem__, idx)))
            _add_in_order(state.models, Counter(map(models.__getitem__, idx)), MODELS_CAP)
            _add_in_order(state.keys, Counter(map(keys.__getitem__, idx)), KEYS_CAP)
            for dims in sub_dims:
                _add_in_order(state.sub_totals.setdefault(dims, {}), _sub_counts(dims, columns, idx))
            room = SAMPLES - len(state.samples)
            if room > 0:
                state.samples.extend((records[i].source.path, records[i].source.line, record_head(records[i]))
                                     for i in idx[:room])
        cols, hits = self.signals.evaluate(records)
        n = len(records)
        for (index, split, field, keeps_templates), hit in zip(self._plan, hits):
            if not hit:
                continue
            whole = len(hit) == n  # hit is every record: gather nothing
            owner = ids if whole else list(map(ids.__getitem__, hit))  # each hit's account id, in order
            states: dict[int, SignalState] = {}
            for aid, count in Counter(owner).items():
                signals = accounts[order[aid]].signals
                sig = signals.get(index)
                if sig is None:
                    sig = signals[index] = SignalState()
                sig.matched += count
                states[aid] = sig
            if split:
                picked = _dim_columns(split, columns)
                subs = Counter(zip(owner, *(column if whole else list(map(column.__getitem__, hit)) for column in picked)))
                for key, count in subs.items():
                    by_sub = states[key[0]].by_sub
                    sub_key = key[1:]
                    by_sub[sub_key] = by_sub.get(sub_key, 0) + count
            if field is not None:
                if field == "account":
                    pairs: Any = ((aid, order[aid][1]) for aid in states)
                else:
                    values = cols.values(field, hit)
                    pairs = zip(owner, map(values.__getitem__, hit))
                for aid, value in pairs:
                    if value is not None:
                        sig = states[aid]
                        distinct = sig.distinct
                        if value not in distinct:
                            if len(distinct) < DISTINCT_CAP:
                                distinct.add(value)
                            else:
                                sig.distinct_overflow = True
            if keeps_templates:
                templates = cols.templates(hit)
                by_account: dict[int, list[int]] = {}
                for aid, i in zip(owner, hit):
                    group = by_account.get(aid)
                    if group is None:
                        by_account[aid] = [i]
                    else:
                        group.append(i)
                for aid, idx in by_account.items():
                    sig = states[aid]
                    if sig.templates is None:
                        sig.templates = TemplateTable()
                    sig.templates.add_many([templates[i] for i in idx])  # type: ignore[misc]
            needy = {aid for aid, sig in states.items() if len(sig.samples) < SAMPLES}
            if needy:
                for aid, i in zip(owner, hit):
                    if aid in needy:
                        samples = states[aid].samples
                        samples.append((records[i].source.path, records[i].source.line, record_head(records[i])))
                        if len(samples) >= SAMPLES:
                            needy.discard(aid)
                            if not needy:
                                break

    def shift_lines(self, path: str, offset: int) -> None:
        """Turn range-local line numbers of `path` into file line numbers."""
        if not offset:
            return

        def fix(samples: list[Any]) -> list[Any]:
            return [(p, line + offset, *rest) if p == path else (p, line, *rest) for p, line, *rest in samples]

        for state in self.accounts.values():
            state.samples = fix(state.samples)
            for sig in state.signals.values():
                sig.samples = fix(sig.samples)
        self.stats.skipped = fix(self.stats.skipped)
        self.stats.unmatched = fix(self.stats.unmatched)

    def merge(self, other: "Accumulator") -> None:
        for key, state in other.accounts.items():
            mine = self.accounts.get(key)
            if mine is None:
                self.accounts[key] = state
            else:
                mine.merge(state)
        for path, count in other.file_records.items():
            self.file_records[path] = self.file_records.get(path, 0) + count
        s, o = self.stats, other.stats
        s.files += o.files
        s.lines += o.lines
        s.records += o.records
        s.skipped.extend(o.skipped)
        s.unreadable.extend(o.unreadable)
        s.unmatched.extend(o.unmatched)
        for reason, count in o.ignored.items():
            s.ignored[reason] = s.ignored.get(reason, 0) + count
        s.formats.update(o.formats)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["signals"] = None  # the parent has the signal set; do not ship it back
        return state


def _column(records: list[LogRecord], name: str) -> list[Any]:
    """[getattr(r, name) for r in records] (the reference of _native.column)."""
    return list(map(attrgetter(name), records))


def _accounts(records: list[LogRecord]) -> tuple[dict[tuple[str, str], list[int]], list[tuple[str, str]], list[int]]:
    """(groups, order, ids): the records of each account key in first-seen order, the keys in that
    order, and each record's key as its position there. The reference of _native.accounts."""
    groups: dict[tuple[str, str], list[int]] = {}
    order: list[tuple[str, str]] = []
    id_of: dict[tuple[str, str], int] = {}
    ids: list[int] = []
    for i, r in enumerate(records):
        akey = (r.provider or UNKNOWN, r.account or r.api_key_id or UNKNOWN)
        group = groups.get(akey)
        if group is None:
            groups[akey] = [i]
            id_of[akey] = len(order)
            order.append(akey)
        else:
            group.append(i)
        ids.append(id_of[akey])
    return groups, order, ids


def _add_in_order(into: dict[Any, int], counts: Counter, cap: int | None = None) -> None:
    """Add counts (in first-seen order); past `cap` distinct keys, new keys are not counted."""
    for key, count in counts.items():
        if key in into:
            into[key] += count
        elif cap is None or len(into) < cap:
            into[key] = count


def _sub_counts(dims: tuple[str, ...], columns: dict[str, list[Any]], idx: list[int]) -> Counter:
    """Counts of the sub-keys of some records: tuples of their day, model and API key, in `dims` order
    (a dimension other than day and model is the key)."""
    return Counter(zip(*(map(column.__getitem__, idx) for column in _dim_columns(dims, columns))))


def _dim_columns(dims: tuple[str, ...], columns: dict[str, list[Any]]) -> list[list[Any]]:
    """The day, model or key column of each dimension (a dimension other than day and model is the key)."""
    return [columns["day"] if d == "day" else columns["model"] if d == "model" else columns["key"] for d in dims]
