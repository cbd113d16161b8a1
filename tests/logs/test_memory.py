"""Reading stays flat in memory however long the log is."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

from compliance.sources.logs import ReadStats, iter_log_records

LINES = 200_000


def _write_log(path: Path, lines: int) -> int:
    """A generic-format log of ~165-byte records, written in large blocks.

    Few fields per line on purpose: tracemalloc's cost is per allocation, and this test
    measures memory against file length, not field mapping (tested elsewhere).
    """
    padding = "lorem ipsum dolor sit amet " * 3
    template = '{"model": "gpt-4o-mini", "prompt": "Question %d?", "response": "Answer %d: ' + padding + '"}\n'
    with path.open("w") as handle:
        for start in range(0, lines, 10_000):
            handle.write("".join(template % (i, i) for i in range(start, min(start + 10_000, lines))))
    return path.stat().st_size


def _traced_peak(path: Path, stats: ReadStats) -> tuple[int, int, str]:
    """(records, peak traced bytes, last prompt) while streaming the whole file."""
    tracemalloc.start()
    try:
        count = 0
        last_prompt = ""
        for record in iter_log_records([str(path)], stats=stats):
            count += 1
            last_prompt = record.prompt
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return count, peak, last_prompt


def test_200k_line_file_streams_with_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    size = _write_log(path, LINES)
    started = time.perf_counter()
    stats = ReadStats()
    count, peak, last_prompt = _traced_peak(path, stats)
    elapsed = time.perf_counter() - started
    assert count == LINES and stats.ok and last_prompt == f"Question {LINES - 1}?"
    assert size > 30_000_000
    assert peak < size / 40, f"peak {peak:,} bytes for a {size:,}-byte file"
    assert elapsed < 15, f"{elapsed:.1f}s"


def test_peak_does_not_grow_with_file_length(tmp_path: Path) -> None:
    peaks = []
    for lines in (2_000, 20_000):
        path = tmp_path / f"log-{lines}.jsonl"
        _write_log(path, lines)
        count, peak, _ = _traced_peak(path, ReadStats())
        assert count == lines
        peaks.append(peak)
    assert peaks[1] < peaks[0] * 1.5, peaks
