"""The issue's acceptance cases, on fixture repositories in the shape of real projects."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from compliance.rules.loader import load_rules
from tests.discover.conftest import REPOS, findings, line_of, locations


def test_alpaca_pipeline_violates_openai_no_competing_model_with_the_chain(scan_json) -> None:
    repo = REPOS / "alpaca-pipeline"
    report = scan_json(repo)
    assert report["scan"]["manifest"] is None
    compete = findings(report, "openai.", "violation")
    compete = [f for f in compete if f["rule_id"].endswith("no-competing-model")]
    assert compete, report["findings"]
    where = locations(compete[0])
    chain = {
        ("generate_instructions.py", line_of(repo / "generate_instructions.py", "client.chat.completions.create(")),
        ("generate_instructions.py", line_of(repo / "generate_instructions.py", 'with open(args.output_path, "w")')),
        ("train.py", line_of(repo / "train.py", "with open(data_args.data_path)")),
        ("train.py", line_of(repo / "train.py", "trainer = Trainer(")),
        ("scripts/train.sh", line_of(repo / "scripts/train.sh", "torchrun")),
    }
    assert chain <= where, where
    assert all(e["kind"] in ("discovered", "catalog") for e in compete[0]["evidence"])
    assert "gpt-4o-2024-08-06" in compete[0]["message"]


def test_chat_app_that_only_serves_has_no_training_findings(scan_json) -> None:
    report = scan_json(REPOS / "chat-app")
    assert report["summary"]["verdict"] == "pass"
    assert not [f for f in report["findings"] if "flow" in f["subjects"] or "artifact" in f["subjects"]]
    assert all(f["status"] == "pass" for f in report["findings"])
    assert {e["path"] for f in report["findings"] for e in f["evidence"]} >= {"app/main.py", "web/app/api/chat/route.ts"}


def test_llm_as_judge_harness_has_no_competing_model_finding(scan_json) -> None:
    report = scan_json(REPOS / "eval-harness")
    assert not [f for f in report["findings"] if f["clause_type"] == "no-competing-model"]
    assert report["summary"]["verdict"] == "pass"


def test_deepseek_distillation_through_a_local_server_is_not_openai(scan_json) -> None:
    report = scan_json(REPOS / "deepseek-distill", "--fail-on", "never")
    assert not [f for f in report["findings"] if f["provider"] == "openai"], report["findings"]
    if any(p.document.provider == "deepseek" for p in load_rules().packs):
        allowed = [f for f in findings(report, "deepseek.", "pass") if f["clause_type"] == "distillation-allowed"]
        assert allowed and allowed[0]["severity"] == "info"
        assert report["summary"]["by_status"]["violation"] == 0


def test_notebook_labelling_with_claude_for_a_classifier_needs_review(scan_json) -> None:
    report = scan_json(REPOS / "claude-labels", "--fail-on", "never")
    reviews = [f for f in report["findings"] if f["status"] == "review" and (
        f["provider"] == "anthropic" or "anthropic" in f["message"].lower())]
    assert reviews, report["findings"]
    notes = {e.get("note", "") for f in reviews for e in f["evidence"] if e["path"] == "label_and_train.ipynb"}
    assert any(note.startswith("cell 4") for note in notes), notes  # the Claude call, by cell and line
    assert any(note.startswith("cell 6") for note in notes), notes  # the classifier's training


def test_llama_31_fine_tune_released_under_another_name(scan_json) -> None:
    repo = REPOS / "llama31-rename"
    report = scan_json(repo)
    naming = findings(report, "meta.llama-3.1-license.derivative-naming", "violation")
    assert len(naming) == 1 and "Nova-8B" in naming[0]["message"]
    assert ("finetune.py", line_of(repo / "finetune.py", "hub_model_id=")) in locations(naming[0])


def test_readme_only_sharegpt_model_gets_openai_terms_through_the_catalog(scan_json) -> None:
    repo = REPOS / "sharegpt-readme"
    report = scan_json(repo, "--fail-on", "never")
    openai = [f for f in findings(report, "openai.") if f["clause_type"] == "no-competing-model"]
    assert openai, report["findings"]
    readme = [e for e in openai[0]["evidence"] if e["path"] == "README.md"]
    assert readme and all(e["confidence"] < 1 for e in readme)
    assert line_of(repo / "README.md", "ShareGPT conversations") in {e["line"] for e in readme}
    assert any(e["kind"] == "catalog" for e in openai[0]["evidence"])


def test_mit_code_shipping_llama_2_weights_is_a_license_conflict(scan_json) -> None:
    report = scan_json(REPOS / "mit-llama2", "--fail-on", "never")
    conflict = findings(report, "tos-check.discovery.unsettled", "review")
    assert conflict and "mit" in conflict[0]["message"].lower() and "meta.llama-2-license" in conflict[0]["message"]


def _outcomes(report: dict) -> list[tuple[str, str, str]]:
    return sorted((f["rule_id"], f["status"], json.dumps(f["subjects"], sort_keys=True)) for f in report["findings"])


def test_written_manifest_validates_and_scans_the_same(cli, scan_json, tmp_path: Path) -> None:
    for name in ("alpaca-pipeline", "llama31-rename", "deepseek-distill", "claude-labels", "sharegpt-readme", "chat-app"):
        repo = tmp_path / name
        shutil.copytree(REPOS / name, repo)
        before = scan_json(repo, "--fail-on", "never")
        result = cli("discover", str(repo), "--write")
        assert result.exit_code == 0, result.output
        text = (repo / "ai-usage.yaml").read_text()
        assert re.search(r"^\s*# [\w./-]+:\d+", text, re.M), text  # comments name the evidence
        after = scan_json(repo, "--fail-on", "never")
        assert after["scan"]["manifest"] == "ai-usage.yaml"
        assert _outcomes(after) == _outcomes(before), name
        assert not findings(after, "tos-check.discovery.contradicts-manifest"), name
        again = cli("discover", str(repo), "--write")
        assert again.exit_code == 2 and "already exists" in again.stderr
