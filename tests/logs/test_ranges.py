"""Byte ranges of a JSON Lines file read as the whole file is read, with and without the C loop.

partitions._read_range reads lines a chunk at a time; the usual openai-chat lines go through the C
extension's chat_lines (where built) and every other line through the per-line path. Whatever the
range and chunk sizes, the records, their line numbers and the skipped lines must be the whole
file's.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from compliance.sources.logs import ReadStats, iter_log_records
from compliance.sources.logs import partitions
from compliance.sources.logs.partitions import plan, read_partition_batches

from .test_fast_parse import PLAIN


def _lines() -> list[bytes]:
    """Usual lines, with lines the C loop must leave to Python in between: new models, shapes it
    declines, invalid JSON, non-objects, blank lines, CRLF endings, non-ASCII text."""
    out: list[bytes] = []
    for i in range(240):
        obj = copy.deepcopy(PLAIN)
        obj["response"]["id"] = f"chatcmpl-{i}"
        obj["request"]["messages"][1]["content"] = f"Question {i}: write a diverse instruction about topic {i % 7}."
        kind = i % 17
        if kind == 3:
            obj["response"]["model"] = f"gpt-4o-mini-variant-{i}"  # not yet in the provider cache
        elif kind == 5:
            obj["request"]["temperature"] = 1  # an int that needs coercion: Python
        elif kind == 7:
            obj["timestamp"] = "2025-09-13T19:43:56+02:00"  # another zone: Python
        elif kind == 11:
            obj["request"]["messages"][1]["content"] = "Écris une instruction — naïve ✓"
        line = json.dumps(obj, ensure_ascii=False).encode()
        if kind == 2:
            line = line[:-5]  # broken JSON
        elif kind == 9:
            line = b"[1, 2, 3]"
        elif kind == 13:
            line = b""
        out.append(line + (b"\r\n" if kind == 4 else b"\n"))
    return out


def _read_all(path: Path, chunk_bytes: int) -> tuple[list, ReadStats]:  # type: ignore[type-arg]
    stats = ReadStats()
    layout = plan([str(path)], None, stats, chunk_bytes)
    records: list = []  # type: ignore[type-arg]
    offset = 0
    for part in layout.partitions:
        part_stats = ReadStats()
        got = [record for batch in read_partition_batches(part, part_stats) for record in batch]
        shift = offset if part.is_range else 0
        records += [replace(r, source=replace(r.source, line=r.source.line + shift)) for r in got]
        stats.skipped += [(p, line + shift, why) for p, line, why in part_stats.skipped]
        stats.lines += part_stats.lines
        stats.records += part_stats.records
        offset += part_stats.lines
    return records, stats


@pytest.fixture(params=["c", "python"])
def loop(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "python":
        monkeypatch.setattr(partitions, "_FAST_LINES", {})
    elif not partitions._FAST_LINES:
        if os.environ.get("TOS_CHECK_REQUIRE_NATIVE") == "1":
            pytest.fail("the C extension is not built (TOS_CHECK_REQUIRE_NATIVE=1)")
        pytest.skip("the C extension is not built here (python hatch_build.py)")
    return str(request.param)


@pytest.mark.parametrize("chunk_bytes,hint", [(1 << 30, 1 << 20), (3000, 700), (1500, 1), (997, 5000)])
def test_ranges_read_as_the_whole_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loop: str,
                                       chunk_bytes: int, hint: int) -> None:
    path = tmp_path / "api.jsonl"
    lines = _lines()
    path.write_bytes(b"".join(lines))
    monkeypatch.setattr(partitions, "_READ_HINT", hint)
    whole = ReadStats()
    want = list(iter_log_records([str(path)], None, whole))
    got, stats = _read_all(path, chunk_bytes)
    assert got == want  # every field, the source (path, file line, record id) included
    assert stats.lines == whole.lines == len(lines)
    assert stats.records == whole.records == len(want)
    assert stats.skipped == whole.skipped and len(stats.skipped) >= 20


def test_batches_hold_every_record_once(tmp_path: Path, loop: str) -> None:
    path = tmp_path / "api.jsonl"
    path.write_bytes(b"".join(_lines()) * 12)
    whole = list(iter_log_records([str(path)], None, ReadStats()))
    layout = plan([str(path)], None, ReadStats(), 1 << 30)
    batches = [batch for part in layout.partitions for batch in read_partition_batches(part, ReadStats())]
    assert len(batches) > 1 and all(batches)
    assert [r for batch in batches for r in batch] == whole
