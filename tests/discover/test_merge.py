"""With a manifest: declared facts win, and what the repository shows otherwise is a finding of its own."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.discover.conftest import REPOS, findings, line_of, locations

SILENT = """\
project: acme-alpaca
artifacts:
  - id: acme-alpaca-7b
    kind: model-weights
    name: Acme-Alpaca-7B
    description: Instruction-following chat assistant.
    distribution: public
    base_model: meta-llama/Llama-2-7b-hf
    trained_on: [seed]
providers:
  - provider: openai
    models: [gpt-4o]
    purposes: [evaluation]
datasets:
  - id: seed
    path: seed_tasks.jsonl
    origin: human
"""


def test_undeclared_generation_is_a_finding_with_the_chain(scan_json, tmp_path: Path) -> None:
    repo = tmp_path / "alpaca"
    shutil.copytree(REPOS / "alpaca-pipeline", repo)
    (repo / "ai-usage.yaml").write_text(SILENT)
    report = scan_json(repo)
    contradicted = findings(report, "tos-check.discovery.contradicts-manifest", "violation")
    kinds = {f["subjects"]["d"].split(":")[1] for f in contradicted}
    assert {"undeclared-purpose", "undeclared-flow"} <= kinds, [f["message"] for f in contradicted]
    flow = next(f for f in contradicted if f["subjects"]["d"].startswith("disagreements:undeclared-flow"))
    assert "declares no training on openai output" in flow["message"]
    assert ("generate_instructions.py", line_of(repo / "generate_instructions.py", 'with open(args.output_path, "w")')) in locations(flow)
    assert ("train.py", line_of(repo / "train.py", "with open(data_args.data_path)")) in locations(flow)
    # declared facts still win: the OpenAI rules judge the declared (evaluation-only) use, not the discovered flow
    assert not [f for f in findings(report, "openai.") if f["clause_type"] == "no-competing-model"]
    assert report["summary"]["verdict"] == "fail"


def test_base_model_mismatch(scan_json, tmp_path: Path) -> None:
    repo = tmp_path / "nova"
    shutil.copytree(REPOS / "llama31-rename", repo)
    (repo / "ai-usage.yaml").write_text(
        "project: nova\nartifacts:\n  - {id: nova, kind: model-weights, name: Nova-8B, distribution: public,"
        " base_model: mistralai/Mistral-7B-v0.1, trained_on: [dolly]}\n"
        "datasets:\n  - {id: dolly, hf_id: databricks/databricks-dolly-15k}\n")
    report = scan_json(repo, "--fail-on", "never")
    mismatch = [f for f in findings(report, "tos-check.discovery.contradicts-manifest") if "base-model-mismatch" in f["subjects"]["d"]]
    assert mismatch and mismatch[0]["status"] == "violation"
    assert "mistral" in mismatch[0]["message"].lower() and "Llama-3.1-8B-Instruct" in mismatch[0]["message"]


def test_an_inconsistent_manifest_contradicts_itself_without_discovery(cli, tmp_path: Path) -> None:
    (tmp_path / "ai-usage.yaml").write_text(
        "project: p\nartifacts:\n  - {id: a, kind: model-weights, name: M, distribution: public, trained_on: [d]}\n"
        "datasets:\n  - {id: d, origin: human, generated_by: {provider: openai, model: gpt-4o}}\n")
    result = cli("rules", "test")
    assert result.exit_code == 0
    from compliance.manifest import load_manifest
    from compliance.sources.manifest_facts import facts_from_manifest

    facts = facts_from_manifest(load_manifest(tmp_path / "ai-usage.yaml", "ai-usage.yaml"))
    (fact,) = facts.of("disagreements")
    assert fact.data["kind"] == "origin-contradiction" and fact.data["certain"] is True
    assert {e.line for e in fact.evidence} == {5}
