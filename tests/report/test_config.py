"""`[tool.tos-check]` in pyproject.toml and `.tos-check.yaml`: read, overridden by flags, strict."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

POLICY = Path(__file__).parent / "data" / "policy"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    dest = tmp_path / "project"
    shutil.copytree(EXAMPLES / "distilled-chat", dest)
    (dest / "ai-usage.yaml").rename(dest / "usage.yaml")
    shutil.copytree(POLICY, dest / "policy")
    return dest


PYPROJECT = """[project]
name = "acme-chat"

[tool.tos-check]
manifest = "usage.yaml"
rules = ["policy"]
fail-on = "critical"
outputs = ["out/report.sarif", "out/report.md"]
formats = ["json"]

[tool.other]
x = 1
"""


def test_pyproject_configuration_is_used(cli, project: Path) -> None:
    (project / "pyproject.toml").write_text(PYPROJECT)
    (project / "out").mkdir()
    result = cli("scan", str(project), "--as-of", "2026-11-01")
    assert result.exit_code == 0, result.output  # fail-on critical: the high violations do not fail
    report = json.loads(result.stdout)  # formats = ["json"] with no output of that format: stdout
    assert report["scan"]["manifest"] == "usage.yaml"
    assert report["summary"]["fail_on"] == "critical"
    assert any(f["rule_id"] == "acme.policy.no-public-weights" for f in report["findings"])
    assert (project / "out" / "report.sarif").exists() and (project / "out" / "report.md").exists()


def test_flags_override_the_configuration(cli, project: Path, tmp_path: Path) -> None:
    (project / "pyproject.toml").write_text(PYPROJECT)
    result = cli("scan", str(project), "--fail-on", "high", "--format", "text", "--as-of", "2026-11-01", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout.startswith("tos-check ")  # the text report, not the configured outputs
    assert not (project / "out").exists()


def test_yaml_configuration(cli, project: Path) -> None:
    (project / ".tos-check.yaml").write_text("manifest: usage.yaml\nfail-on: never\nwaivers: approvals.yaml\n")
    (project / "approvals.yaml").write_text(
        "waivers:\n  - rule: meta.llama-3.1-license.built-with-llama\n    scope: {artifact: acme-chat-8b}\n"
        "    reason: notice added to the model card\n    approver: Dana\n    expires: 2027-01-31\n")
    result = cli("scan", str(project), "--format", "json", "--as-of", "2026-11-01")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["summary"]["fail_on"] == "never"
    assert report["waivers"][0]["file"] == "approvals.yaml" and report["waivers"][0]["state"] == "in-force"


@pytest.mark.parametrize(("name", "body", "where", "message"), [
    ("pyproject.toml", '[tool.tos-check]\nmanifest = "usage.yaml"\nfail_on = "high"\n', "pyproject.toml:3:", "unknown key 'fail_on'"),
    ("pyproject.toml", '[tool.tos-check]\nfail-on = "severe"\n', "pyproject.toml:2:", "fail-on: Input should be"),
    ("pyproject.toml", '[tool.tos-check]\nformats = ["pdf"]\n', "pyproject.toml:2:", "formats.0"),
    ("pyproject.toml", '[tool.tos-check\n', "pyproject.toml:1:", "invalid TOML"),
    (".tos-check.yaml", "manifest: usage.yaml\noutput: r.json\n", ".tos-check.yaml:2:", "unknown key 'output'"),
    (".tos-check.yaml", "rules: policy\n", ".tos-check.yaml:1:", "rules: Input should be a valid list"),
])
def test_bad_configuration_is_an_input_error(cli, project: Path, tmp_path: Path, name: str, body: str, where: str, message: str) -> None:
    (project / name).write_text(body)
    result = cli("scan", str(project), cwd=project)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"tos-check: error: {where}") and message in result.stderr, result.stderr


def test_configuring_in_two_places_is_an_error(cli, project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.tos-check]\nmanifest = "usage.yaml"\n')
    (project / ".tos-check.yaml").write_text("manifest: usage.yaml\n")
    result = cli("scan", str(project), cwd=project)
    assert result.exit_code == 2 and "configured in pyproject.toml and .tos-check.yaml: keep one" in result.stderr


def test_a_pyproject_without_the_table_is_ignored(cli, project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (project / "usage.yaml").rename(project / "ai-usage.yaml")
    assert cli("scan", str(project), "-q").exit_code == 1
