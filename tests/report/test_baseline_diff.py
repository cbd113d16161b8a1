"""--baseline gates on new findings only; `tos-check diff` shows what appeared, disappeared or changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

AS_OF = ("--as-of", "2026-11-01")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    dest = tmp_path / "project"
    shutil.copytree(EXAMPLES / "distilled-chat", dest)
    return dest


def save_report(cli, project: Path, dest: Path, *extra: str) -> dict:
    result = cli("scan", str(project), "--format", "json", "--output", str(dest), *AS_OF, *extra)
    assert result.exit_code in (0, 1), result.output
    return json.loads(dest.read_text())


def edit(project: Path, old: str, new: str) -> None:
    manifest = project / "ai-usage.yaml"
    text = manifest.read_text()
    assert old in text
    manifest.write_text(text.replace(old, new))


def test_baseline_passes_when_nothing_new_fails(cli, project: Path, tmp_path: Path) -> None:
    old = save_report(cli, project, tmp_path / "old.json")
    assert old["summary"]["verdict"] == "fail"
    result = cli("scan", str(project), "--baseline", str(tmp_path / "old.json"), "--format", "json", *AS_OF)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["summary"]["verdict"] == "pass" and report["summary"]["failing"] == 0
    known = sum(1 for f in old["findings"] if f["status"] in ("violation", "review"))
    assert report["baseline"] == {"path": str(tmp_path / "old.json"), "new": 0, "known": known, "resolved": 0}
    assert {f.get("baseline") for f in report["findings"] if f["status"] in ("violation", "review")} == {"known"}


def test_baseline_fails_on_a_new_fingerprint(cli, project: Path, tmp_path: Path) -> None:
    save_report(cli, project, tmp_path / "old.json")
    edit(project, "trained_on: [gpt4o-instructions, ultrachat]", "trained_on: [gpt4o-instructions, ultrachat, alpaca]")
    edit(project, "    hf_id: stingning/ultrachat\n", "    hf_id: stingning/ultrachat\n  - id: alpaca\n    hf_id: tatsu-lab/alpaca\n")
    result = cli("scan", str(project), "--baseline", str(tmp_path / "old.json"), "--format", "json", *AS_OF)
    report = json.loads(result.stdout)
    new = [f for f in report["findings"] if f.get("baseline") == "new"]
    assert new, [f["subjects"] for f in report["findings"]]
    assert all("alpaca" in json.dumps(f["subjects"]) for f in new)
    assert result.exit_code == 1 and report["summary"]["failing"] == sum(1 for f in new if f["severity"] in ("critical", "high"))


def test_a_baseline_pass_that_now_fails_is_new(cli, project: Path, tmp_path: Path) -> None:
    edit(project, "name: Acme-Chat-8B", "name: Llama-Acme-Chat-8B")
    save_report(cli, project, tmp_path / "old.json")
    edit(project, "name: Llama-Acme-Chat-8B", "name: Acme-Chat-8B")
    result = cli("scan", str(project), "--baseline", str(tmp_path / "old.json"), "--format", "json", *AS_OF)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [f["rule_id"] for f in report["findings"] if f.get("baseline") == "new"] == ["meta.llama-3.1-license.derivative-naming"]


def test_diff_text_and_json(cli, project: Path, tmp_path: Path) -> None:
    save_report(cli, project, tmp_path / "old.json")
    edit(project, "name: Acme-Chat-8B", "name: Llama-Acme-Chat-8B")                       # naming: violation → pass
    edit(project, "trained_on: [gpt4o-instructions, ultrachat]", "trained_on: [gpt4o-instructions]")  # ultrachat flows go
    save_report(cli, project, tmp_path / "new.json")
    result = cli("diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--format", "json")
    assert result.exit_code == 0, result.output
    diff = json.loads(result.stdout)
    assert diff["appeared"] == []
    assert {f["rule_id"] for f in diff["disappeared"]} >= {"open.cc-by-nc-4.0.non-commercial", "openai.services-agreement.no-competing-model"}
    assert all("ultrachat" in json.dumps(f["subjects"]) for f in diff["disappeared"])
    assert [(c["rule_id"], c["old_status"], c["status"]) for c in diff["changed"]] == [
        ("meta.llama-3.1-license.derivative-naming", "violation", "pass")]
    text = cli("diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"))
    assert text.exit_code == 0
    assert f"Disappeared ({len(diff['disappeared'])}):" in text.stdout and "Appeared (0):" in text.stdout
    assert "~ PASS [info] meta.llama-3.1-license.derivative-naming  (was violation [high])" in text.stdout
    reverse = json.loads(cli("diff", str(tmp_path / "new.json"), str(tmp_path / "old.json"), "-f", "json").stdout)
    assert {f["fingerprint"] for f in reverse["appeared"]} == {f["fingerprint"] for f in diff["disappeared"]}


def test_diff_ignores_line_shifts(cli, project: Path, tmp_path: Path) -> None:
    save_report(cli, project, tmp_path / "old.json")
    manifest = project / "ai-usage.yaml"
    manifest.write_text("# moved\n# down\n\n" + manifest.read_text())
    save_report(cli, project, tmp_path / "new.json")
    diff = json.loads(cli("diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "-f", "json").stdout)
    assert diff["appeared"] == diff["disappeared"] == diff["changed"] == [] and diff["unchanged"] > 0


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "old.json:1: not JSON"),
    ('{"tool": {"name": "other"}, "findings": []}', "not a tos-check JSON report"),
    ('{"report_version": "9", "tool": {"name": "tos-check"}, "findings": []}', "report version '9' is not supported"),
    ('{"report_version": "1", "tool": {"name": "tos-check"}, "findings": [\n  {"rule_id": "x"}\n]}', "old.json:2: findings[0] has no fingerprint"),
])
def test_bad_reports_are_input_errors(cli, project: Path, tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "old.json").write_text(content)
    for args in (["diff", str(tmp_path / "old.json"), str(tmp_path / "old.json")],
                 ["scan", str(project), "--baseline", str(tmp_path / "old.json")]):
        result = cli(*args)
        assert result.exit_code == 2 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
