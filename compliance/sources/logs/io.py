"""`iter_log_records`: every API-log record under the given paths, as a deterministic stream.

Flow: expand paths -> sniff each file's first records to pick its reader (and to see which
batch side it holds) -> index the held side of batch files -> stream every file in sorted
order, yielding records in line order -> yield batch halves that found no partner.
Bad lines and unreadable files go to `ReadStats`; they never stop the stream.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain

import zstandard

from .join import Joiner, choose_held, merge
from .paths import expand_paths
from .readers import (
    REQUEST,
    Half,
    Ignored,
    Reader,
    RecordError,
    choose_reader,
    detect_reader,
    get_reader,
)
from .records import LogRecord, ReadStats, SourceRef
from .streams import STDIN, Item, iter_items, open_stream

SNIFF_RECORDS = 20
# A file with no JSON object in its first SNIFF_LINES lines (a plain-text *.log, say) is reported
# once as not a JSON log instead of line by line.
SNIFF_LINES = 1000
STDIN_NAME = "<stdin>"
_READ_ERRORS = (OSError, EOFError, zlib.error, zstandard.ZstdError, UnicodeDecodeError)
# RecursionError: a reader walking a pathologically nested (but valid) JSON value.
_PARSE_ERRORS = (RecordError, TypeError, KeyError, AttributeError, ValueError, RecursionError)


@dataclass
class FilePlan:
    """What sniffing a file found: its reader and the batch halves among its first records."""

    reader: Reader | None
    halves: dict[tuple[str, str], int] = field(default_factory=dict)  # batch halves with an id, per side
    size: int = 0
    not_json: bool = False
    records: int = 0  # JSON objects sampled
    bare: bool = False  # some sampled record is a half without an id (a request line waiting for its response)


def _parse(obj: dict, reader: Reader | None, forced: Reader | None, source: SourceRef
           ) -> LogRecord | Half | Ignored | str:
    """Parse with the file's reader, falling back to per-line detection; str = skip reason."""
    if reader is None or not reader.detect(obj):
        if forced is not None:
            return f"not a {forced.name} record"
        reader = detect_reader(obj)
        if reader is None:
            return "unrecognised record shape"
    try:
        return reader.parse(obj, source)
    except _PARSE_ERRORS as exc:
        return f"{reader.name}: {exc}"


def _take_samples(items: Iterator[Item]) -> tuple[list[Item], list[dict], bool]:
    """Read items until SNIFF_RECORDS objects are seen; returns them to be replayed.

    The flag is True when SNIFF_LINES items went by without a single JSON object.
    """
    buffered: list[Item] = []
    samples: list[dict] = []
    for item in items:
        buffered.append(item)
        if type(item[1]) is dict:
            samples.append(item[1])
            if len(samples) >= SNIFF_RECORDS:
                break
        elif not samples and len(buffered) >= SNIFF_LINES:
            return buffered, samples, True
    return buffered, samples, False


def _sniff(path: str, forced: Reader | None) -> FilePlan:
    """Reader and batch-side counts from a file's first records (errors surface in the main pass)."""
    try:
        with open_stream(path) as stream:
            _, samples, not_json = _take_samples(iter_items(stream, path))
        size = os.path.getsize(path)
    except _READ_ERRORS:
        return FilePlan(None)
    reader = forced or choose_reader(samples)
    plan = FilePlan(reader, size=size, not_json=not_json, records=len(samples))
    for obj in samples:
        parsed = _parse(obj, reader, forced, SourceRef(path, 0))
        if type(parsed) is Half:
            if parsed.key is None:
                plan.bare = True
            else:
                slot = (parsed.family or "", parsed.kind)
                plan.halves[slot] = plan.halves.get(slot, 0) + 1
    return plan


def _plan_joins(plans: dict[str, FilePlan], forced: Reader | None, stats: ReadStats) -> Joiner:
    """Decide which batch side to hold, then index it from the files that contain it."""
    estimates: dict[tuple[str, str], float] = {}
    for plan in plans.values():
        total = sum(plan.halves.values())
        for slot, count in plan.halves.items():
            estimates[slot] = estimates.get(slot, 0.0) + plan.size * count / total
    joiner = Joiner(choose_held(estimates), stats)
    for path, plan in plans.items():
        if any(joiner.held.get(family) == kind for family, kind in plan.halves):
            joiner.indexed_files.add(path)
            _index_file(path, plan, forced, joiner)
    return joiner


def _index_file(path: str, plan: FilePlan, forced: Reader | None, joiner: Joiner) -> None:
    """Pre-pass over one batch file: keep its held-side halves. Problems are reported later."""
    try:
        with open_stream(path) as stream:
            for line, item in iter_items(stream, path):
                if type(item) is dict:
                    parsed = _parse(item, plan.reader, forced, SourceRef(path, line))
                    if type(parsed) is Half and joiner.wants(parsed):
                        joiner.hold(parsed)
    except _READ_ERRORS:
        return


def _read_file(path: str, plan: FilePlan | None, forced: Reader | None, joiner: Joiner,
               stats: ReadStats) -> Iterator[LogRecord]:
    """Records of one file in line order; bare request lines pair with the next response."""
    display = STDIN_NAME if path == STDIN else path
    pending: LogRecord | None = None
    line = 0
    skipped = stats.skipped
    try:
        with open_stream(path) as stream:
            stats.files += 1
            items: Iterator[Item] = iter_items(stream, path)
            if plan is None:
                buffered, samples, not_json = _take_samples(items)
                plan = FilePlan(forced or choose_reader(samples), not_json=not_json)
                items = chain(buffered, items)
            reader = plan.reader
            stats.formats[display] = reader.name if reader else "unknown"
            if plan.not_json:
                stats.unreadable.append((display, f"not a JSON log: no JSON object in the first {SNIFF_LINES} lines"))
                return
            for line, item in items:
                stats.lines += 1
                if type(item) is not dict:
                    skipped.append((display, line, item))  # type: ignore[arg-type]
                    continue
                parsed = _parse(item, reader, forced, SourceRef(display, line))
                kind = type(parsed)
                if kind is LogRecord:
                    if pending is not None:
                        yield joiner.alone(pending, REQUEST)
                        pending = None
                    yield parsed  # type: ignore[misc]
                elif kind is Half:
                    half: Half = parsed  # type: ignore[assignment]
                    if half.key is not None:
                        record = joiner.keyed(half, path)
                        if record is not None:
                            yield record
                    elif half.kind == REQUEST:
                        if pending is not None:
                            yield joiner.alone(pending, REQUEST)
                        pending = half.record
                    elif pending is not None:
                        yield merge(pending, half.record)
                        pending = None
                    else:
                        yield half.record
                elif kind is Ignored:
                    reason = parsed.reason  # type: ignore[union-attr]
                    stats.ignored[reason] = stats.ignored.get(reason, 0) + 1
                else:
                    skipped.append((display, line, parsed))  # type: ignore[arg-type]
    except _READ_ERRORS as exc:
        where = f" after line {line}" if line else ""
        stats.unreadable.append((display, f"{getattr(exc, 'strerror', None) or exc}{where}"))
    if pending is not None:
        yield joiner.alone(pending, REQUEST)


def _records(paths: list[str], forced: Reader | None, stats: ReadStats) -> Iterator[LogRecord]:
    files = expand_paths(paths, stats)
    plans = {path: _sniff(path, forced) for path in files if path != STDIN}
    joiner = _plan_joins(plans, forced, stats)
    for path in files:
        for record in _read_file(path, plans.get(path), forced, joiner, stats):
            stats.records += 1
            yield record
    for record in joiner.leftovers():
        stats.records += 1
        yield record


def iter_log_records(paths: Sequence[str], log_format: str | None = None,
                     stats: ReadStats | None = None) -> Iterator[LogRecord]:
    """Stream normalised records from files, directories, globs or "-" (stdin).

    `log_format` forces one reader (see `FORMATS`) for every file instead of auto-detection;
    an unknown name raises ValueError here, before any reading. Pass a `ReadStats` to learn
    what was skipped; it is filled in as the iterator is consumed.
    """
    forced = get_reader(log_format) if log_format else None
    path_list = [paths] if isinstance(paths, str) else list(paths)
    return _records(path_list, forced, stats if stats is not None else ReadStats())
