"""Helpers for the log-reader tests: the sample data directory and a read-everything shortcut."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from compliance.sources.logs import LogRecord, ReadStats, iter_log_records

DATA = Path(__file__).parent / "data"


def read(paths: Sequence[str | Path], log_format: str | None = None) -> tuple[list[LogRecord], ReadStats]:
    """All records and the stats for the given paths."""
    stats = ReadStats()
    records = list(iter_log_records([str(p) for p in paths], log_format=log_format, stats=stats))
    return records, stats


def by_id(records: list[LogRecord]) -> dict[str | None, LogRecord]:
    """Records keyed by their record id (custom_id, response id, observation id)."""
    return {record.source.record_id: record for record in records}


@pytest.fixture
def data() -> Path:
    return DATA
