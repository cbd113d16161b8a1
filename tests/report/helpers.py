"""Helpers for the report tests: expectations are derived from the JSON report of the same input,
so the tests keep holding as the bundled rule packs grow."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

from compliance.findings import severity_at_least
from tests.conftest import EXAMPLES

AS_OF = ("--as-of", "2026-11-01")


def json_report(cli, project: str | Path = EXAMPLES / "distilled-chat", *extra: str) -> dict:  # type: ignore[no-untyped-def]
    result = cli("scan", str(project), "--format", "json", *AS_OF, *extra)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@lru_cache(maxsize=8)
def _cached_report(example: str) -> str:
    from typer.testing import CliRunner

    from compliance.cli import get_app

    result = CliRunner().invoke(get_app(), ["scan", str(EXAMPLES / example), "--format", "json", *AS_OF])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def example_report(example: str = "distilled-chat") -> dict:
    """The JSON report of a bundled example as of AS_OF, scanned once per test session."""
    return copy.deepcopy(json.loads(_cached_report(example)))


def failing(report: dict, threshold: str | None = None) -> list[dict]:
    """Violations and reviews (at or above `threshold` when given)."""
    return [f for f in report["findings"] if f["status"] in ("violation", "review")
            and (threshold is None or severity_at_least(f["severity"], threshold))]


def verdict_line(report: dict) -> str:
    s = report["summary"]
    return f"Verdict: {s['verdict'].upper()} ({s['failing']} finding(s) at or above --fail-on {s['fail_on']})\n"
