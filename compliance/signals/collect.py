"""One pass over records: every record updates its account's bounded state."""

from __future__ import annotations

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
    record_snippet,
    sub_key,
)
from compliance.signals.compiled import SignalSet
from compliance.signals.features import template_key
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
        self._templates = {i for i, spec in enumerate(specs)
                           if spec.aggregate.metric == "near_duplicate_share" or spec.aggregate.link is not None}
        # per signal, in order: (index, sub dims or None, distinct field or None, keeps templates)
        self._plan = [(i, self._by_sub.get(i), self._distinct.get(i), i in self._templates) for i in range(len(specs))]

    def add(self, record: LogRecord) -> None:
        provider = record.provider or UNKNOWN
        account = record.account or record.api_key_id or UNKNOWN
        state = self.accounts.get((provider, account))
        if state is None:
            state = self.accounts[(provider, account)] = AccountState(provider, account)
        state.records += 1
        status = record.status
        if status == STATUS_ERROR:
            state.errors += 1
        elif status == STATUS_UNMATCHED:
            state.unmatched += 1
        if record.usage_in:
            state.usage_in += record.usage_in
        if record.usage_out:
            state.usage_out += record.usage_out
        ts = record.timestamp
        day = None
        if ts is not None:
            day = ts.date()
            if state.first is None or ts < state.first:
                state.first = ts
            if state.last is None or ts > state.last:
                state.last = ts
        days = state.days
        days[day] = days.get(day, 0) + 1
        model = record.model or UNKNOWN
        models = state.models
        if model in models:
            models[model] += 1
        elif len(models) < MODELS_CAP:
            models[model] = 1
        key = record.api_key_id or UNKNOWN
        keys = state.keys
        if key in keys:
            keys[key] += 1
        elif len(keys) < KEYS_CAP:
            keys[key] = 1
        for dims in self._sub_dims:
            table = state.sub_totals.setdefault(dims, {})
            sk = sub_key(dims, day, model, key)
            table[sk] = table.get(sk, 0) + 1
        path = record.source.path
        self.file_records[path] = self.file_records.get(path, 0) + 1
        if len(state.samples) < SAMPLES:
            state.samples.append((path, record.source.line, record_snippet(record)))
        view, hits = self.signals.matches(record)
        tkey = None
        signals = state.signals
        for (index, dims, field, keeps_templates), hit in zip(self._plan, hits):
            if not hit:
                continue
            sig = signals.get(index)
            if sig is None:
                sig = signals[index] = SignalState()
            sig.matched += 1
            if dims:
                sk = sub_key(dims, day, model, key)
                sig.by_sub[sk] = sig.by_sub.get(sk, 0) + 1
            if field is not None:
                value = account if field == "account" else view.get(field)
                if value is not None and value not in sig.distinct:
                    if len(sig.distinct) < DISTINCT_CAP:
                        sig.distinct.add(value)
                    else:
                        sig.distinct_overflow = True
            if keeps_templates:
                if sig.templates is None:
                    sig.templates = TemplateTable()
                if tkey is None:
                    tkey = template_key(view.template)  # once per record, shared by the template signals
                sig.templates.add(view.template, 1, tkey)
            if len(sig.samples) < SAMPLES:
                sig.samples.append((path, record.source.line, record_snippet(record)))

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
