"""Signals ready to run: ordered by their references, with one RE2 set as the prefilter.

`SignalSet.from_rules(ruleset)` collects the signals of every loaded pack; `evaluate(records)` says,
per signal, which records of a batch show it. Only signals whose prefilter literal occurs in the
record (one pass of an RE2 set over each text field) reach their record condition; signals
without a prefilter are evaluated on every record and must stay cheap (field tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compliance.errors import InputError
from compliance.signals.conditions import Columns, LemmaMatcher, Pred, check, compile_condition
from compliance.signals.spec import Link, SignalSpec

if TYPE_CHECKING:
    from compliance.rules.loader import RuleSet


@dataclass(frozen=True)
class SignalSource:
    """A signal as written: its spec and where (pack id, file, line)."""

    spec: SignalSpec
    pack: str
    path: str
    line: int


@dataclass
class Signal:
    source: SignalSource
    index: int
    predicate: Pred | None

    @property
    def spec(self) -> SignalSpec:
        return self.source.spec

    @property
    def id(self) -> str:
        return self.source.spec.id


def order_signals(sources: list[SignalSource]) -> list[SignalSource]:
    """Sources sorted so that every `{signal: X}` reference is evaluated after X; checks ids."""

    by_id: dict[str, SignalSource] = {}
    refs: dict[str, set[str]] = {}
    for src in sources:
        if src.spec.id in by_id:
            other = by_id[src.spec.id]
            raise InputError(src.path, src.line, f"signal id {src.spec.id!r} is also defined in {other.path}:{other.line}")
        by_id[src.spec.id] = src
        refs[src.spec.id] = check(src.spec.record, src.path, src.line) if src.spec.record is not None else set()
    ordered: list[SignalSource] = []
    state: dict[str, int] = {}

    def visit(name: str, via: SignalSource) -> None:
        if name not in by_id:
            raise InputError(via.path, via.line, f"{via.spec.id}: `signal: {name}` names no known signal")
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise InputError(via.path, via.line, f"{via.spec.id}: signal references form a cycle through {name!r}")
        state[name] = 1
        for ref in sorted(refs[name]):
            visit(ref, by_id[name])
        state[name] = 2
        ordered.append(by_id[name])

    for src in sorted(sources, key=lambda s: s.spec.id):
        visit(src.spec.id, src)
    return ordered


@dataclass
class SignalSet:
    sources: list[SignalSource]
    signals: list[Signal] = field(default_factory=list)
    lemmas: LemmaMatcher = field(default_factory=LemmaMatcher)
    literals: list[str] = field(default_factory=list)
    # literal index -> [(signal index, fields)], filled from the prefilters
    _by_literal: list[list[tuple[int, tuple[str, ...]]]] = field(default_factory=list)
    _prefilter: Any = None
    _fields: tuple[str, ...] = ()
    _steps: list[tuple[int, str, bool, Pred | None, bool]] | None = None
    _match_cache: dict[str, Any] = field(default_factory=dict)
    _match: Any = None
    _passing: Any = None  # the C scanner's batch method, when the extension is built
    _routes: list[list[int]] = field(default_factory=list)  # per prefiltered field, per literal: signals as bits

    def __post_init__(self) -> None:
        self.sources = order_signals(self.sources)
        index_of: dict[str, int] = {}
        for index, src in enumerate(self.sources):
            predicate = compile_condition(src.spec.record, self.lemmas) if src.spec.record is not None else None
            self.signals.append(Signal(src, index, predicate))
            for literal in src.spec.prefilter:
                lit = literal.casefold()
                if lit not in index_of:
                    index_of[lit] = len(self.literals)
                    self.literals.append(lit)
                    self._by_literal.append([])
                self._by_literal[index_of[lit]].append((index, tuple(src.spec.prefilter_fields)))
        self._fields = tuple(sorted({f for s in self.sources if s.spec.prefilter for f in s.spec.prefilter_fields}))
        metrics = {s.spec.id: s.spec.aggregate.metric for s in self.sources}
        for src in self.sources:
            link = src.spec.aggregate.link
            if link is not None and link.templates_of is not None and metrics.get(link.templates_of) != "near_duplicate_share":
                raise InputError(src.path, src.line, f"{src.spec.id}: link.templates_of names {link.templates_of!r}, "
                                                     "which is not a signal with metric near_duplicate_share")

    @classmethod
    def from_rules(cls, rules: "RuleSet") -> "SignalSet":
        sources = [SignalSource(spec, pack.pack_id, pack.path, line) for pack in rules.packs for spec, line in pack.signals]
        return cls(sources)

    def __getstate__(self) -> dict[str, Any]:
        return {"sources": self.sources}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["sources"])  # type: ignore[misc]  # predicates are closures: rebuild them

    @property
    def link(self) -> tuple[int, Link] | None:
        """(index of the signal whose template tables link accounts into clusters, link settings)."""
        for signal in self.signals:
            link = signal.spec.aggregate.link
            if link is not None:
                if link.templates_of is not None:
                    return self.index_of(link.templates_of), link
                return signal.index, link
        return None

    def index_of(self, signal_id: str) -> int:
        return next(s.index for s in self.signals if s.id == signal_id)

    def keeps_templates(self, signal: Signal) -> bool:
        """Whether a signal keeps prompt-template tables of its records."""
        agg = signal.spec.aggregate
        return agg.metric == "near_duplicate_share" or (agg.link is not None and agg.link.templates_of is None)

    def sub_dims(self) -> set[tuple[str, ...]]:
        return {s.spec.aggregate.sub_dims for s in self.signals if s.spec.aggregate.sub_dims}

    def _compile_prefilter(self) -> Any:
        import re2  # type: ignore[import-untyped]

        options = re2.Options()
        options.case_sensitive = False
        options.never_capture = True
        found = re2.Set.SearchSet(options)
        for literal in self.literals:
            found.Add(re2.escape(literal))
        found.Compile()
        return found

    def _matcher(self) -> Any:
        """The prefilter's match function: str -> literal indices (or a falsy value)."""
        if self._prefilter is None:
            self._prefilter = self.lemmas.cue = self._compile_prefilter()
            raw = getattr(self._prefilter, "_set", None)  # the C++ set behind the wrapper: skips a Python call
            if raw is None:
                self._match = self._prefilter.Match
            else:
                match = raw.Match
                self._match = lambda text: match(text.encode("utf-8"))
            scanner = _literal_scanner(self.literals, self._match)
            if scanner is not None:
                self._match = scanner
                if len(self.signals) <= 64:  # a signal is a bit of the batch scan's routes
                    self._routes = [[sum(1 << index for index in {index for index, fields in self._by_literal[lit]
                                                                  if name in fields})
                                     for lit in range(len(self.literals))] for name in self._fields]
                    self._passing = scanner.passing
            self.lemmas.cue_match = self._match
            self.lemmas.cue_literals = self.literals
        return self._match

    def passing_prefilter(self, c: Columns) -> dict[int, list[int]]:
        """Per prefiltered signal, the indices of the batch's records holding one of its literals
        in one of its fields. Values of fields other than the prompt repeat (system prompts), so
        their matches are cached."""
        if not self.literals:
            return {}
        match = self._matcher()
        if self._passing is not None:  # the whole batch in one call of the C scanner
            return self._passing([c.col(name) for name in self._fields], self._routes)  # type: ignore[no-any-return]
        passing: dict[int, set[int]] = {}
        by_literal = self._by_literal
        for name in self._fields:
            cache: dict[str, Any] | None = None if name == "prompt" else self._match_cache
            for i, text in enumerate(c.col(name)):
                if not text:
                    continue
                if cache is None:
                    hits = match(text)
                else:
                    hits = cache.get(text)
                    if hits is None:
                        hits = match(text) or ()
                        if len(cache) >= 4096:
                            cache.clear()
                        cache[text] = hits
                if hits:
                    for lit in hits:
                        for index, fields in by_literal[lit]:
                            if name in fields:
                                found = passing.get(index)
                                if found is None:
                                    found = passing[index] = set()
                                found.add(i)
        return {index: sorted(found) for index, found in passing.items()}

    def evaluate(self, records: list[Any]) -> tuple[Columns, list[list[int]]]:
        """Per signal, in `signals` order, the indices of the records (in order) that show it."""
        c = Columns(records, self.lemmas)
        steps = self._steps
        if steps is None:
            referenced: set[str] = set()
            for src in self.sources:
                if src.spec.record is not None:
                    referenced |= check(src.spec.record, src.path, src.line)
            steps = self._steps = [(s.index, s.id, bool(s.spec.prefilter), s.predicate, s.id in referenced)
                                   for s in self.signals]
        passing = self.passing_prefilter(c) if any(step[2] for step in steps) else {}
        everyone = list(range(c.n))
        out: list[list[int]] = []
        for index, name, prefiltered, predicate, referenced_by_others in steps:
            idx = passing.get(index, []) if prefiltered else everyone
            if predicate is not None and idx:
                idx = predicate(c, idx)
            if referenced_by_others:
                c.hits[name] = set(idx)
            out.append(idx)
        return c, out


def _literal_scanner(literals: list[str], fallback: Callable[[str], Any]) -> Any:
    """The C extension's one-pass scanner for ASCII texts (the same answers as the RE2 set, which
    it calls for other texts), or None: no extension, or a literal that isn't ASCII."""
    from compliance.signals.features import NATIVE

    if NATIVE is None or not all(literal.isascii() for literal in literals):
        return None
    return NATIVE.LiteralSet(list(literals), fallback)  # callable: text -> literal indices; .passing(columns, routes)


def load_signals(extra_dirs: list[Path] | None = None, include_bundled: bool = True, root: Path | None = None) -> SignalSet:
    """The signals of the bundled `rules/signals/` packs plus any packs with `signals:` in extra_dirs.

    Only signal packs are needed here, so the bundled terms packs are not parsed again.
    """
    from compliance.bundled import bundled_rules_dir
    from compliance.rules.loader import load_pack, pack_files

    dirs: list[tuple[Path, Path | None]] = []
    if include_bundled:
        bundled = bundled_rules_dir()
        dirs.append((bundled / "signals", bundled.parent))
    dirs.extend((d, root) for d in (extra_dirs or []))
    sources: list[SignalSource] = []
    for directory, base in dirs:
        for file in pack_files(directory):
            shown = _shown(file, base)
            pack = load_pack(file, shown)
            sources.extend(SignalSource(spec, pack.pack_id, pack.path, line) for spec, line in pack.signals)
    return SignalSet(sources)


def _shown(file: Path, base: Path | None) -> str:
    for anchor in (base, Path.cwd()):
        if anchor is not None:
            try:
                return file.resolve().relative_to(anchor.resolve()).as_posix()
            except ValueError:
                continue
    return file.as_posix()
