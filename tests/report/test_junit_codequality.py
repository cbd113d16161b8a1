"""JUnit XML parsed strictly, and the GitLab Code Quality report's shape."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import junitparser
import pytest

from tests.conftest import EXAMPLES
from tests.report.helpers import example_report

AS_OF = ("--as-of", "2026-11-01")


def write(cli, tmp_path: Path, example: str, name: str, *extra: str) -> Path:
    result = cli("scan", str(EXAMPLES / example), "--output", name, *AS_OF, *extra, cwd=tmp_path)
    assert result.exit_code in (0, 1), result.output
    return tmp_path / name


def report_json(cli, example: str) -> dict:
    return example_report(example)


def test_junit_one_suite_per_pack_one_case_per_rule_one_failure_per_violation(cli, tmp_path: Path) -> None:
    path = write(cli, tmp_path, "distilled-chat", "r.xml")
    report = report_json(cli, "distilled-chat")
    root = ET.parse(path).getroot()  # well-formed, or this raises
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    packs = {f"{p['id']}@{p['version']}" for p in report["rule_packs"]}
    assert {s.get("name") for s in suites} == packs  # every loaded pack, even the ones that did not apply
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
        assert [c.get("name") for c in cases] == sorted({c.get("name") for c in cases})  # one case per rule
        for case in cases:
            assert case.get("classname") == f"tos-check.{suite.get('name')}"
            first = next(f for f in report["findings"] if f["rule_id"] == case.get("name")
                         and f"{f['document']['id']}@{f['document']['version']}" == suite.get("name"))
            assert case.get("file") == "examples/distilled-chat/" + first["evidence"][0]["path"]  # repository-relative
    failures = root.findall(".//failure")
    violations = [f for f in report["findings"] if f["status"] in ("violation", "review")]
    assert len(failures) == len(violations) >= 5
    compete = root.find(".//testcase[@name='openai.services-agreement.no-competing-model']")
    assert compete is not None and len(compete.findall("failure")) == 2
    text = compete.find("failure").text
    assert "use Output to develop artificial intelligence models that compete" in text  # the human message is in the text
    assert "at examples/distilled-chat/ai-usage.yaml:" in text and "Fix:" in text
    assert int(root.get("failures")) == sum(int(s.get("failures")) for s in suites)


def test_junit_reads_in_junitparser(cli, tmp_path: Path) -> None:
    path = write(cli, tmp_path, "distilled-chat", "r.xml")
    xml = junitparser.JUnitXml.fromfile(str(path))
    cases = [(suite.name, case) for suite in xml for case in suite]
    failed = [case for _, case in cases if not case.is_passed and not case.is_skipped]
    report = report_json(cli, "distilled-chat")
    assert {c.name for c in failed} == {f["rule_id"] for f in report["findings"] if f["status"] in ("violation", "review")} >= {
        "meta.llama-3.1-license.derivative-naming", "meta.llama-3.1-license.built-with-llama",
        "open.cc-by-nc-4.0.non-commercial", "openai.services-agreement.no-competing-model"}
    for case in failed:
        assert all(isinstance(r, junitparser.Failure) and r.text and r.type.startswith(("violation:", "review:")) for r in case.result)
    passed = [c for _, c in cases if c.is_passed]
    assert {c.name for c in passed} >= {"openai.services-agreement.rate-limit-circumvention"}


def test_passing_project_has_no_failures(cli, tmp_path: Path) -> None:
    root = ET.parse(write(cli, tmp_path, "support-bot", "r.xml")).getroot()
    assert root.get("failures") == "0" and int(root.get("tests")) >= 1


def test_junit_text_is_valid_xml_whatever_the_input(cli, tmp_path: Path) -> None:
    (tmp_path / "ai-usage.yaml").write_text(
        "project: p\nartifacts:\n  - id: a\n    kind: model-weights\n"
        "    name: \"Acme ]]> <b>&amp; \\x01 \\uFFFE @someone\"\n"
        "    distribution: public\n    base_model: meta-llama/Llama-3.1-8B-Instruct\n")
    out = tmp_path / "out"
    out.mkdir()
    result = cli("scan", str(tmp_path), "--format", "junit", "--output", str(out / "r.xml"), "--fail-on", "never")
    assert result.exit_code == 0, result.output
    root = ET.parse(out / "r.xml").getroot()
    messages = " ".join(f.text or "" for f in root.iter("failure"))
    assert "Acme ]]> <b>&amp;" in messages and "\x01" not in messages


def test_code_quality_issues(cli, tmp_path: Path) -> None:
    issues = json.loads(write(cli, tmp_path, "distilled-chat", "gl-code-quality-report.json").read_text())
    report = report_json(cli, "distilled-chat")
    assert len(issues) == sum(1 for f in report["findings"] if f["status"] != "pass") >= 5
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    expected_paths = ["examples/distilled-chat/" + f["evidence"][0]["path"] for f in report["findings"] if f["status"] != "pass"]
    assert [i["location"]["path"] for i in issues] == expected_paths
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["path"].startswith("examples/distilled-chat/")
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
    mapping = {"critical": "blocker", "high": "critical", "medium": "major", "low": "minor", "info": "info"}
    assert [i["severity"] for i in issues] == [mapping[f["severity"]] for f in report["findings"] if f["status"] != "pass"]


@pytest.mark.parametrize("example", ["support-bot"])
def test_code_quality_is_an_empty_array_when_nothing_fails(cli, tmp_path: Path, example: str) -> None:
    assert json.loads(write(cli, tmp_path, example, "gl-code-quality-report.json").read_text()) == []
