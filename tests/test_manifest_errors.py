"""A malformed manifest gives one line naming file and line, exit code 2, and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

GOOD = """\
project: p
artifacts:
  - id: m
    kind: model-weights
    name: M
    trained_on: [d]
datasets:
  - id: d
    origin: human
"""

CASES = {
    "bad-yaml": ("project: p\nartifacts:\n  - id: m\n    kind: [unclosed\n", 5, "flow sequence at line 4"),
    "unknown-key": (GOOD.replace("    name: M\n", "    name: M\n    colour: blue\n"), 6, "unknown key 'artifacts.0.colour'"),
    "wrong-type": (GOOD.replace("    name: M\n", "    name: M\n    commercial: maybe\n"), 6, "commercial"),
    "bad-enum": (GOOD.replace("kind: model-weights", "kind: spaceship"), 4, "kind"),
    "dangling-ref": (GOOD.replace("trained_on: [d]", "trained_on: [d, ghost]"), 6, "unknown dataset 'ghost'"),
    "missing-key": (GOOD.replace("    name: M\n", ""), 3, "missing required key 'artifacts.0.name'"),
    "duplicate-key": (GOOD.replace("    name: M\n", "    name: M\n    name: N\n"), 6, "duplicate key 'name'"),
    "duplicate-id": (GOOD + "  - id: d\n    origin: human\n", 10, "duplicate id 'd'"),
    "not-a-mapping": ("- just\n- a list\n", 1, "must be a mapping"),
    "bad-period": (GOOD + "providers:\n  - provider: openai\n    period: {from: 2025-02-01, to: 2025-01-01}\n", 12, "before"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_manifest(cli, tmp_path: Path, case: str) -> None:
    text, line, words = CASES[case]
    (tmp_path / "ai-usage.yaml").write_text(text)
    result = cli("scan", str(tmp_path))
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert "\n" not in err
    assert "Traceback" not in result.output
    assert f"ai-usage.yaml:{line}:" in err, err
    assert words in err


def test_missing_manifest_is_input_error(cli, tmp_path: Path) -> None:
    result = cli("scan", str(tmp_path))
    assert result.exit_code == 2
    assert "no ai-usage.yaml" in result.stderr


def test_good_manifest_scans(cli, tmp_path: Path) -> None:
    (tmp_path / "ai-usage.yaml").write_text(GOOD)
    result = cli("scan", str(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.output
