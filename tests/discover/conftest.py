"""Helpers for discovery tests: fixture repositories, scans, and small repositories written in tmp."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.conftest import REPO

REPOS = REPO / "tests" / "fixtures" / "repos"
AS_OF = "2026-11-01"


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


@pytest.fixture
def scan_json(cli):  # type: ignore[no-untyped-def]
    def run(path: Path, *extra: str) -> dict:
        result = cli("scan", str(path), "--format", "json", "--as-of", AS_OF, *extra)
        assert result.exit_code in (0, 1), result.output
        return json.loads(result.stdout)

    return run


def findings(report: dict, rule_prefix: str = "", status: str | None = None) -> list[dict]:
    return [f for f in report["findings"] if f["rule_id"].startswith(rule_prefix) and (status is None or f["status"] == status)]


def locations(finding: dict) -> set[tuple[str, int]]:
    return {(e["path"], e["line"]) for e in finding["evidence"]}


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if needle in line)
