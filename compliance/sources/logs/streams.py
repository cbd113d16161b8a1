"""Byte streams and JSON items out of log files, with flat memory.

Compression is sniffed from magic bytes (gzip, zstd), not trusted from the file name. Each
file yields `(line, item)` where item is a decoded JSON object (dict) or a reason string for a
line that is not one. Three layouts are read: JSON Lines (the normal case, one `json.loads`
per line), a top-level JSON array (streamed element by element with `raw_decode`), and a
single pretty-printed JSON object in a `.json` file or on stdin (read whole: Langfuse single-trace
downloads and API pages are small; their `observations` / `data` arrays are expanded).
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import json.scanner
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Protocol

import msgspec
import zstandard

STDIN = "-"
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
CHUNK = 1 << 16
MAX_ARRAY_ELEMENT = 64 << 20
_DOCUMENT_SUFFIXES = (".json", ".json.gz", ".json.zst")
_BOM_AND_SPACE = b"\xef\xbb\xbf \t\r\n"
_DOCUMENT_ARRAYS = ("observations", "data")
_TRACE_CONTEXT = ("userId", "user_id", "projectId", "project_id", "sessionId", "session_id")

Item = tuple[int, "dict | str"]


class _ZstdRaw(io.RawIOBase):
    """zstd frames decoded on demand; unlike `stream_reader`, a truncated last frame raises."""

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self._dctx = zstandard.ZstdDecompressor()
        self._obj = self._dctx.decompressobj()
        self._in_frame = False
        self._pending = memoryview(b"")
        self._eof = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            if self._eof:
                return 0
            chunk = self._source.read(CHUNK)
            if not chunk:
                if self._in_frame:
                    raise EOFError("zstd stream ended inside a frame (truncated file)")
                self._eof = True
                return 0
            self._pending = memoryview(self._feed(chunk))
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def _feed(self, data: bytes) -> bytes:
        out: list[bytes] = []
        while data:
            out.append(self._obj.decompress(data))
            self._in_frame = True
            if self._obj.eof:
                data = self._obj.unused_data
                self._obj = self._dctx.decompressobj()
                self._in_frame = False
            else:
                data = b""
        return b"".join(out)


class _TextRaw(io.RawIOBase):
    """Bytes view of a text stream (a replaced `sys.stdin` without `.buffer`)."""

    def __init__(self, text: IO[str]) -> None:
        self._text = text
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if not self._pending:
            self._pending = self._text.read(CHUNK).encode("utf-8")
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class ByteStream(Protocol):
    """What the item readers need: line iteration, bulk reads and a look at the next bytes."""

    def read(self, size: int = -1, /) -> bytes: ...

    def peek(self, size: int, /) -> bytes: ...

    def __iter__(self) -> Iterator[bytes]: ...


def _stdin() -> io.BufferedReader:
    buffer = getattr(sys.stdin, "buffer", None)
    if isinstance(buffer, io.BufferedReader):
        return buffer
    return io.BufferedReader(_TextRaw(sys.stdin))


@contextmanager
def open_stream(path: str) -> Iterator[ByteStream]:
    """A buffered binary stream of the (decompressed) content of `path`, or of stdin for "-"."""
    owned = path != STDIN
    raw = io.BufferedReader(io.FileIO(path), CHUNK) if owned else _stdin()
    try:
        head = raw.peek(4)[:4]
        if head.startswith(GZIP_MAGIC):
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield unzipped
        elif head == ZSTD_MAGIC:
            with io.BufferedReader(_ZstdRaw(raw), CHUNK) as unzstd:
                yield unzstd
        else:
            yield raw
    finally:
        if owned:
            raw.close()


def _reason(raw: bytes, exc: ValueError | RecursionError) -> str:
    stripped = raw.strip()
    if not stripped:
        return "blank line"
    if isinstance(exc, RecursionError):
        return "JSON nested too deeply"
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    if stripped[:1] not in (b"{", b"[", b'"'):
        return "not JSON"
    if isinstance(exc, json.JSONDecodeError):
        if exc.pos >= len(raw.rstrip()):
            return "truncated JSON (line ends inside a value)"
        return f"invalid JSON: {exc.msg} at character {exc.pos + 1}"
    return f"invalid JSON: {exc}"


def _not_object(value: object) -> str:
    return f"not a JSON object ({type(value).__name__})"


def _document(line: int, obj: object) -> Iterator[Item]:
    """A whole-file JSON document: its observation/data array, or the object itself."""
    if type(obj) is not dict:
        yield line, _not_object(obj)
        return
    for key in _DOCUMENT_ARRAYS:
        items = obj.get(key)
        if type(items) is list:
            context = {k: obj[k] for k in _TRACE_CONTEXT if k in obj}
            for item in items:
                if type(item) is dict:
                    yield line, {**context, **item} if context else item
                else:
                    yield line, _not_object(item)
            return
    yield line, obj


_MSGSPEC_DECODE = msgspec.json.Decoder().decode
_SCAN_ONCE = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


def _loads_line(raw: bytes) -> object:
    """`json.loads` for one JSONL line. msgspec decodes the usual line (strict UTF-8 JSON, values
    equal to json.loads', big integers included) three times faster; anything it rejects goes to
    the C scanner (value at column 1, only white space after it) or `json.loads`, so errors, BOMs,
    NaN and other encodings behave exactly as before."""
    try:
        return _MSGSPEC_DECODE(raw)
    except (msgspec.DecodeError, RecursionError):
        pass
    try:
        text = raw.decode()
        obj, end = _SCAN_ONCE(text, 0)
    except (StopIteration, ValueError):
        return json.loads(raw)
    if end < len(text) and text[end:].strip():
        return json.loads(raw)
    return obj


def _jsonl(stream: ByteStream, document_ok: bool) -> Iterator[Item]:
    loads = _loads_line
    line = 0
    seen_content = False
    for raw in stream:
        line += 1
        try:
            obj = loads(raw)
        except (ValueError, RecursionError) as exc:
            if document_ok and not seen_content and raw.lstrip(_BOM_AND_SPACE)[:1] == b"{":
                try:
                    whole = json.loads(raw + stream.read())
                except (ValueError, RecursionError) as doc_exc:
                    yield line, f"invalid JSON document: {doc_exc}"
                    return
                yield from _document(line, whole)
                return
            seen_content = seen_content or bool(raw.strip())
            yield line, _reason(raw, exc)
            continue
        seen_content = True
        if type(obj) is dict:
            yield line, obj
        else:
            yield line, _not_object(obj)


def _array(stream: ByteStream) -> Iterator[Item]:
    """Elements of a top-level JSON array, decoded one at a time from fixed-size chunks."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    raw_decode = json.JSONDecoder().raw_decode
    buf = ""
    pos = 0
    line = 1
    eof = False
    state = 0  # 0: before '[', 1: expecting a value or ']', 2: expecting ',' or ']'

    def fill(size: int = CHUNK) -> bool:
        nonlocal buf, pos, eof
        data = stream.read(size)
        if pos:
            buf, pos = buf[pos:], 0
        buf += decoder.decode(data, final=not data)
        eof = not data
        return bool(data)

    while True:
        if pos >= len(buf):
            if eof or not fill():
                if state != 0:
                    yield line, "JSON array is not closed (truncated file)"
                return
            continue
        char = buf[pos]
        if char in " \t\r":
            pos += 1
            continue
        if char == "\n":
            line += 1
            pos += 1
            continue
        if state == 0:
            if char != "[":
                yield line, "not a JSON array"
                return
            state, pos = 1, pos + 1
            continue
        if char == "]":
            return
        if char == ",":
            if state != 2:
                yield line, "invalid JSON array: unexpected ','"
                return
            state, pos = 1, pos + 1
            continue
        if state == 2:
            yield line, "invalid JSON array: expected ',' or ']'"
            return
        start = line
        while True:
            try:
                obj, end = raw_decode(buf, pos)
            except RecursionError:
                yield start, "JSON nested too deeply"
                return
            except json.JSONDecodeError as exc:
                if eof or len(buf) - pos > MAX_ARRAY_ELEMENT:
                    yield start, f"invalid JSON array element: {exc.msg}"
                    return
                fill(max(CHUNK, len(buf) - pos))
                continue
            if end == len(buf) and not eof and type(obj) in (int, float):
                fill()  # a number cut at a chunk boundary: read on and decode it again
                continue
            break
        line += buf.count("\n", pos, end)
        pos = end
        state = 2
        yield start, obj if type(obj) is dict else _not_object(obj)


def iter_items(stream: ByteStream, path: str) -> Iterator[Item]:
    """(line, dict | reason) for every line or array element of one stream."""
    head = stream.peek(CHUNK).lstrip(_BOM_AND_SPACE)
    if head[:1] == b"[":
        return _array(stream)
    document_ok = path == STDIN or path.lower().endswith(_DOCUMENT_SUFFIXES)
    return _jsonl(stream, document_ok)
