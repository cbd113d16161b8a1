"""End to end: the bundled examples give the findings the README promises."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import EXAMPLES, REPO


def scan_json(cli, name: str, *extra: str) -> tuple[int, dict]:
    result = cli("scan", str(EXAMPLES / name), "--format", "json", "--as-of", "2026-11-01", *extra)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def by_rule(report: dict, suffix: str) -> list[dict]:
    return [f for f in report["findings"] if f["rule_id"].endswith(suffix)]


def test_distilled_chat_fails_with_cited_clauses(cli) -> None:
    code, report = scan_json(cli, "distilled-chat")
    assert code == 1
    compete = [f for f in by_rule(report, ".no-competing-model") if f["rule_id"].startswith("openai.") and f["status"] == "violation"]
    assert compete, report["findings"]
    assert {f["severity"] for f in compete} == {"high"}
    assert any("Use Output to develop" in f["clause"]["quote"] or "use Output to develop" in f["clause"]["quote"] for f in compete)
    for finding in compete:
        assert any(e["path"] == "ai-usage.yaml" and e["line"] > 1 for e in finding["evidence"])
    # UltraChat brings OpenAI's terms in a second time, through the dataset catalog
    assert {f["subjects"]["flow"].split("<-")[1] for f in compete} >= {"gpt4o-instructions", "ultrachat"}
    naming = [f for f in by_rule(report, "llama-3.1-license.derivative-naming") if f["status"] == "violation"]
    assert len(naming) == 1
    name_line = next(i + 1 for i, l in enumerate((EXAMPLES / "distilled-chat/ai-usage.yaml").read_text().splitlines()) if "name: Acme-Chat-8B" in l)
    assert {"path": "ai-usage.yaml", "line": name_line} in [{"path": e["path"], "line": e["line"]} for e in naming[0]["evidence"]]
    assert by_rule(report, "llama-3.1-license.built-with-llama")[0]["status"] == "violation"


def test_support_bot_passes(cli) -> None:
    code, report = scan_json(cli, "support-bot")
    assert code == 0
    assert all(f["status"] == "pass" and f["severity"] == "info" for f in report["findings"]), report["findings"]
    assert report["summary"]["verdict"] == "pass"


def test_labelled_classifier_needs_review(cli) -> None:
    code, report = scan_json(cli, "labelled-classifier", "--fail-on", "never")
    assert code == 0
    reviews = [f for f in by_rule(report, "openai.services-agreement.no-competing-model") if f["status"] == "review"]
    assert reviews and reviews[0]["confidence"] is not None
    code_default, _ = scan_json(cli, "labelled-classifier")
    assert code_default == 1  # a high-severity review fails the default gate: it could not be cleared


@pytest.mark.parametrize("name", ["distilled-chat", "support-bot", "labelled-classifier"])
def test_report_is_deterministic_and_valid(cli, name: str) -> None:
    first = cli("scan", str(EXAMPLES / name), "--format", "json")
    second = cli("scan", str(EXAMPLES / name), "--format", "json")
    assert first.stdout == second.stdout
    schema = json.loads((REPO / "schemas" / "report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(json.loads(first.stdout))


def test_fingerprints_survive_reordering_and_line_shifts(cli, tmp_path: Path) -> None:
    original = (EXAMPLES / "distilled-chat" / "ai-usage.yaml").read_text()
    _, before = scan_json(cli, "distilled-chat")
    lines = original.splitlines()
    body = "\n".join(l for l in lines if not l.startswith("#"))
    shifted = "# a new comment\n# and another\n\n\n\n\n" + body.replace(
        "    trained_on: [gpt4o-instructions, ultrachat]", "    trained_on: [ultrachat, gpt4o-instructions]") + "\n"
    (tmp_path / "ai-usage.yaml").write_text(shifted)
    shutil.copytree(EXAMPLES / "distilled-chat" / "logs", tmp_path / "logs")  # the manifest's `logs:`
    result = cli("scan", str(tmp_path), "--format", "json", "--as-of", "2026-11-01")
    after = json.loads(result.stdout)
    assert sorted(f["fingerprint"] for f in before["findings"]) == sorted(f["fingerprint"] for f in after["findings"])
    assert [e["line"] for f in before["findings"] for e in f["evidence"]] != [e["line"] for f in after["findings"] for e in f["evidence"]]


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_human_formats_render(cli, fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"report.{fmt}"
    result = cli("scan", str(EXAMPLES / "distilled-chat"), "--format", fmt, "--output", str(out))
    assert result.exit_code == 1
    text = out.read_text()
    assert "openai.services-agreement.no-competing-model" in text
    assert "meta.llama-3.1-license.derivative-naming" in text


def test_published_schemas_are_current() -> None:
    from compliance.cli.schema_cmd import schema_builders, schema_text

    for name in schema_builders():
        assert (REPO / "schemas" / f"{name}.schema.json").read_text() == schema_text(name), (
            f"schemas/{name}.schema.json is stale: run python scripts/build_schemas.py")


def test_manifest_schema_accepts_examples() -> None:
    import yaml

    schema = json.loads((REPO / "schemas" / "manifest.schema.json").read_text())
    for manifest in sorted(EXAMPLES.glob("*/ai-usage.yaml")):
        data = json.loads(json.dumps(yaml.safe_load(manifest.read_text()), default=str))
        jsonschema.Draft202012Validator(schema).validate(data)
