"""Split log input into partitions that can be read independently (one per process).

A plain (uncompressed) JSON Lines file whose first records are complete exchanges is cut into
byte ranges of CHUNK_BYTES; a range owns the lines that *start* inside it, so ranges never share
a line and their line counts add up to the file's. Everything else is read whole with
`iter_log_records`: batch files together (their halves are joined across files by id),
compressed files, JSON arrays and documents, files of bare request/response lines (paired with
the next line), and stdin. Ranges depend on the file, not on the number of processes, so the
output is the same however many processes read it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from .io import _READ_ERRORS, _parse, iter_log_records
from .io import _sniff as sniff_file  # the reader and batch halves of a file's first records
from .paths import expand_paths
from .readers import Half, Ignored, get_reader
from .readers.openai_chat import NAME as _OPENAI_CHAT
from .readers.openai_chat import fast_decode as _openai_chat_fast
from .readers.openai_chat import fast_lines as _openai_chat_lines
from .records import LogRecord, ReadStats, SourceRef
from .streams import GZIP_MAGIC, STDIN, ZSTD_MAGIC, _loads_line, _not_object, _reason

CHUNK_BYTES = 32 << 20
# Per-format fast decoders (raw line -> record): the same record as json.loads and the reader give
# for the usual line shape, None otherwise.
_FAST_PARSERS = {_OPENAI_CHAT: _openai_chat_fast}
# ... and per-format loops over many lines (C extension): records of the leading lines that the fast
# decoder takes, up to the first it doesn't. Missing where the extension isn't built.
_FAST_LINES = {_OPENAI_CHAT: _openai_chat_lines} if _openai_chat_lines is not None else {}
_READ_HINT = 1 << 20  # bytes of lines read at a time
BATCH = 2048  # records handed on, and folded (compliance/signals/collect.py: Accumulator.add_batch), at a time
_HEAD_BYTES = 64


@dataclass(frozen=True)
class Partition:
    """Either whole files (read with `iter_log_records`) or one byte range of one file."""

    files: tuple[str, ...]
    start: int = 0
    end: int = -1  # -1: whole files
    reader: str | None = None
    forced: bool = False
    chunk: int = 0  # position of this range in its file

    @property
    def is_range(self) -> bool:
        return self.end >= 0


@dataclass
class Plan:
    partitions: list[Partition] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)

    @property
    def total_bytes(self) -> int:
        return sum(self.sizes.values())


def _layout(path: str) -> str:
    """'jsonl' for plain JSON Lines, else why the file must be read whole."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return "unreadable"
    if head.startswith(GZIP_MAGIC) or head.startswith(ZSTD_MAGIC):
        return "compressed"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"[":
        return "array"
    return "jsonl"


def plan(paths: list[str], log_format: str | None, stats: ReadStats, chunk_bytes: int = CHUNK_BYTES) -> Plan:
    """Partitions in a fixed order (batch group, then files in sorted order, ranges in file order)."""
    forced = get_reader(log_format) if log_format else None
    files = expand_paths(paths, stats)
    out = Plan()
    batch: list[str] = []
    singles: list[Partition] = []
    for path in files:
        if path == STDIN:
            continue
        try:
            size = os.path.getsize(path)
        except OSError:
            size = 0
        out.sizes[path] = size
        layout = _layout(path)
        if layout != "jsonl":
            singles.append(Partition((path,), reader=log_format, forced=forced is not None))
            continue
        found = sniff_file(path, forced)
        reader = found.reader
        if found.halves:  # batch halves with ids: joined across the files of the group
            batch.append(path)
        elif found.bare or not found.records or reader is None:
            singles.append(Partition((path,), reader=log_format, forced=forced is not None))
        else:
            starts = list(range(0, max(size, 1), chunk_bytes))
            for chunk, start in enumerate(starts):
                end = min(start + chunk_bytes, size)
                singles.append(Partition((path,), start, end, reader.name, forced is not None, chunk))
    if batch:
        out.partitions.append(Partition(tuple(batch), reader=log_format, forced=forced is not None))
    out.partitions.extend(singles)
    if STDIN in files:
        out.partitions.append(Partition((STDIN,), reader=log_format, forced=forced is not None))
    return out


def read_partition_batches(part: Partition, stats: ReadStats) -> Iterator[list[LogRecord]]:
    """The records of one partition, in lists of up to BATCH records (a range hands on each chunk of
    lines it read); range line numbers are local (1 = first line owned)."""
    if part.is_range:
        yield from _read_range(part, stats)
        return
    batch: list[LogRecord] = []
    for record in iter_log_records(list(part.files), part.reader if part.forced else None, stats):
        batch.append(record)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _read_range(part: Partition, stats: ReadStats) -> Iterator[list[LogRecord]]:
    path = part.files[0]
    reader = get_reader(part.reader) if part.reader else None
    forced = reader if part.forced else None
    skipped = stats.skipped
    fast = _FAST_PARSERS.get(reader.name) if reader is not None else None
    many = _FAST_LINES.get(reader.name) if reader is not None else None
    line = 0
    if part.chunk == 0:
        stats.files += 1
        stats.formats[path] = reader.name if reader else "unknown"
    try:
        with open(path, "rb", buffering=1 << 20) as handle:
            if part.start > 0:
                handle.seek(part.start - 1)
                handle.readline()  # the line running into this range belongs to the previous one
            pos = handle.tell()
            end = part.end
            while pos < end:
                lines = handle.readlines(_READ_HINT)
                if not lines:
                    break
                out: list[LogRecord] = []
                i, count = 0, len(lines)
                while i < count and pos < end:
                    if many is not None:  # the usual lines, in C, up to the first it leaves
                        start, taken = i, len(out)
                        i, pos = many(lines, i, path, line, pos, end, out)
                        line += i - start
                        stats.lines += i - start
                        stats.records += len(out) - taken
                        if i >= count or pos >= end:
                            break
                    raw = lines[i]
                    i += 1
                    pos += len(raw)
                    line += 1
                    stats.lines += 1
                    if fast is not None:
                        record = fast(raw, path, line)
                        if record is not None:
                            stats.records += 1
                            out.append(record)
                            continue
                    try:
                        obj = _loads_line(raw)
                    except (ValueError, RecursionError) as exc:
                        skipped.append((path, line, _reason(raw, exc)))
                        continue
                    if type(obj) is not dict:
                        skipped.append((path, line, _not_object(obj)))
                        continue
                    parsed = _parse(obj, reader, forced, SourceRef(path, line))
                    kind = type(parsed)
                    if kind is LogRecord:
                        stats.records += 1
                        out.append(parsed)  # type: ignore[arg-type]
                    elif kind is Half:
                        stats.records += 1  # a half past the sniffed head: kept unjoined, not dropped
                        out.append(parsed.record)  # type: ignore[union-attr]
                    elif kind is Ignored:
                        reason = parsed.reason  # type: ignore[union-attr]
                        stats.ignored[reason] = stats.ignored.get(reason, 0) + 1
                    else:
                        skipped.append((path, line, parsed))  # type: ignore[arg-type]
                if out:
                    yield out
    except _READ_ERRORS as exc:
        where = f" after line {line} of range {part.chunk}" if line else ""
        stats.unreadable.append((path, f"{getattr(exc, 'strerror', None) or exc}{where}"))

