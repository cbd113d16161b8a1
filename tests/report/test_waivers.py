"""Waivers: waived findings pass the gate, expired ones do not, unused and ineffective ones are reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.report.helpers import example_report, failing

POLICY = Path(__file__).parent / "data" / "policy"
NAMING = "meta.llama-3.1-license.derivative-naming"
NOTICE = "meta.llama-3.1-license.built-with-llama"
NONCOMMERCIAL = "open.cc-by-nc-4.0.non-commercial"
COMPETE = "openai.services-agreement.no-competing-model"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the distilled-chat example (4 high violations, 1 medium)."""
    dest = tmp_path / "project"
    shutil.copytree(EXAMPLES / "distilled-chat", dest)
    return dest


def waiver(rule: str, scope: str, expires: str = "2027-06-30", approver: str = "Dana Legal (counsel)",
           reason: str = "Written permission from the licensor, ticket LEGAL-42") -> str:
    return (f"  - rule: {rule}\n    scope: {scope}\n    reason: \"{reason}\"\n"
            f"    approver: \"{approver}\"\n    expires: {expires}\n")


def write_waivers(project: Path, *items: str, path: str = ".tos-check/waivers.yaml") -> Path:
    file = project / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text("waivers:\n" + "".join(items))
    return file


def scan(cli, project: Path, *extra: str, as_of: str = "2026-11-01") -> tuple[int, dict, str]:
    result = cli("scan", str(project), "--format", "json", "--as-of", as_of, *extra)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout), result.stderr


NAMED = (NAMING, NONCOMMERCIAL, COMPETE)
_others: list[dict] = []


@pytest.fixture(autouse=True)
def other_high_findings() -> list[dict]:
    """High failing findings of rules these tests do not name (rule packs grow): waived by fingerprint."""
    _others[:] = [f for f in failing(example_report(), "high") if f["rule_id"] not in NAMED]
    return _others


def high_waivers() -> list[str]:
    """Waivers that clear every high finding of the example: three named rules by scope, the rest by fingerprint."""
    return [
        waiver(NAMING, "{artifact: acme-chat-8b}"),
        waiver(NONCOMMERCIAL, "{dataset: ultrachat}"),
        waiver(COMPETE, "{artifact: acme-chat-8b}"),
    ] + [waiver(f["rule_id"], f"{{fingerprint: {f['fingerprint']}}}") for f in _others]


def test_waived_violations_exit_0_and_show_their_approver(cli, project: Path) -> None:
    before = example_report()
    write_waivers(project, *high_waivers())
    code, report, _ = scan(cli, project)
    assert code == 0
    waived = [f for f in report["findings"] if f["status"] == "waived"]
    covered = [f for f in before["findings"] if f["rule_id"] in NAMED and f["status"] == "violation"] + _others
    assert {f["fingerprint"] for f in waived} == {f["fingerprint"] for f in covered}
    assert {NAMING, NONCOMMERCIAL, COMPETE} <= {f["rule_id"] for f in waived} and len(waived) >= 4
    for finding in waived:
        assert finding["waiver"]["approver"] == "Dana Legal (counsel)"
        assert finding["waiver"]["state"] == "in-force" and finding["waiver"]["expires"] == "2027-06-30"
        assert finding["waiver"]["file"] == ".tos-check/waivers.yaml"
    summary = report["summary"]
    assert summary["verdict"] == "pass" and summary["by_status"]["waived"] == len(waived)
    assert summary["by_status"]["violation"] == before["summary"]["by_status"]["violation"] - len(waived)
    n = 3 + len(_others)
    assert summary["waivers"] == {"in_force": n, "expired": 0, "not_waivable": 0, "unused": 0}
    assert [w["state"] for w in report["waivers"]] == ["in-force"] * n
    assert [w["line"] for w in report["waivers"]][:3] == [2, 7, 12]


def test_an_expired_waiver_leaves_the_finding_failing(cli, project: Path) -> None:
    items = high_waivers()
    items[0] = waiver(NAMING, "{artifact: acme-chat-8b}", expires="2026-10-31")
    write_waivers(project, *items)
    code, report, stderr = scan(cli, project)
    assert code == 1
    naming = next(f for f in report["findings"] if f["rule_id"] == NAMING)
    assert naming["status"] == "violation" and naming["waiver"]["state"] == "expired"
    assert report["waivers"][0]["state"] == "expired" and report["summary"]["waivers"]["expired"] == 1
    assert "waiver for meta.llama-3.1-license.derivative-naming expired on 2026-10-31" in stderr
    # the expiry date itself is still in force
    code_on_last_day, _, _ = scan(cli, project, as_of="2026-10-31")
    assert code_on_last_day == 0


def test_unused_waivers_are_reported(cli, project: Path) -> None:
    write_waivers(project, *high_waivers(), waiver(NOTICE, "{artifact: some-other-model}"),
                  waiver("openai.services-agreement.rate-limit-circumvention", "{account: org-acme-research}"))
    code, report, stderr = scan(cli, project)
    assert code == 0
    states = {w["rule"]: w["state"] for w in report["waivers"]}
    assert states[NOTICE] == "unused"  # scope matches nothing
    assert states["openai.services-agreement.rate-limit-circumvention"] == "unused"  # that finding passes
    assert report["waivers"][-2]["findings"] == report["waivers"][-1]["findings"] == []
    assert report["summary"]["waivers"]["unused"] == 2
    assert stderr.count("covers no failing finding") == 2


@pytest.mark.parametrize("scope", ["{fingerprint: FP}", "{artifact: acme-chat-8b, dataset: gpt4o-instructions}", "{dataset: gpt4o-instructions}"])
def test_scopes_by_fingerprint_dataset_and_several_keys(cli, project: Path, scope: str) -> None:
    before = example_report()
    target = next(f for f in before["findings"] if f["rule_id"] == COMPETE and "gpt4o-instructions" in f["subjects"]["flow"])
    other = next(f for f in before["findings"] if f["rule_id"] == COMPETE and "ultrachat" in f["subjects"]["flow"])
    write_waivers(project, waiver(COMPETE, scope.replace("FP", target["fingerprint"])))
    _, report, _ = scan(cli, project)
    status = {f["fingerprint"]: f["status"] for f in report["findings"]}
    assert status[target["fingerprint"]] == "waived"
    assert status[other["fingerprint"]] == "violation"


def test_account_scope_waives_findings_about_that_account(cli, project: Path) -> None:
    manifest = project / "ai-usage.yaml"
    manifest.write_text(manifest.read_text().replace("period: {from: 2025-09-01, to: 2025-11-30}", "period: {from: 2022-01-01, to: 2022-02-01}"))
    _, before, _ = scan(cli, project)
    gaps = [f for f in before["findings"] if f["rule_id"] == "tos-check.coverage.terms-not-known" and "provider_uses:" in f["subjects"]["fact"]]
    assert gaps, "expected a coverage gap for the provider use"
    write_waivers(project, waiver("tos-check.coverage.terms-not-known", "{account: org-acme-research}"))
    _, report, _ = scan(cli, project)
    waived = {f["fingerprint"] for f in report["findings"] if f["status"] == "waived"}
    assert {g["fingerprint"] for g in gaps} <= waived
    write_waivers(project, waiver("tos-check.coverage.terms-not-known", "{account: org-someone-else}"))
    _, other, _ = scan(cli, project)
    assert not [f for f in other["findings"] if f["status"] == "waived"]


def test_a_rule_marked_not_waivable_ignores_waivers(cli, project: Path) -> None:
    write_waivers(project, *high_waivers(), waiver("acme.policy.no-public-weights", "{artifact: acme-chat-8b}"))
    code, report, stderr = scan(cli, project, "--rules", str(POLICY))
    assert code == 1
    policy = next(f for f in report["findings"] if f["rule_id"] == "acme.policy.no-public-weights")
    assert policy["status"] == "violation" and policy["waiver"]["state"] == "not-waivable"
    assert report["waivers"][-1]["state"] == "not-waivable" and report["summary"]["waivers"]["not_waivable"] == 1
    assert report["summary"]["failing"] == 1
    assert "cannot be waived" in stderr


def test_waivers_appear_in_every_report(cli, project: Path, tmp_path: Path) -> None:
    write_waivers(project, *high_waivers())
    names = ["r.html", "r.md", "r.txt", "r.sarif", "r.xml", "gl-code-quality-report.json"]
    result = cli("scan", str(project), *[a for n in names for a in ("-o", n)], "-o", "r.json", "--as-of", "2026-11-01", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text())
    waived = [f for f in report["findings"] if f["status"] == "waived"]
    n = len(report["waivers"])
    assert "Dana Legal (counsel)" in (tmp_path / "r.html").read_text()
    assert f"Waivers: {n} in force" in (tmp_path / "r.md").read_text()
    text = (tmp_path / "r.txt").read_text()
    assert f"Waivers: {n} in force, 0 expired, 0 not waivable, 0 unused." in text and "WAIVED [high]" in text
    sarif = json.loads((tmp_path / "r.sarif").read_text())["runs"][0]
    assert len(sarif["properties"]["waivers"]) == n
    suppressed = [r for r in sarif["results"] if r.get("suppressions")]
    assert len(suppressed) == len(waived) and all(r["suppressions"][0]["status"] == "accepted" for r in suppressed)
    assert (tmp_path / "r.xml").read_text().count("<skipped") == len({f["rule_id"] for f in waived})  # one per waived rule
    issues = json.loads((tmp_path / "gl-code-quality-report.json").read_text())
    assert sum(1 for i in issues if i["description"].startswith("[high] Waived")) == len(waived)


def test_waivers_option_and_yml_name(cli, project: Path, tmp_path: Path) -> None:
    elsewhere = write_waivers(tmp_path, *high_waivers(), path="approved.yaml")
    code, _, _ = scan(cli, project, "--waivers", str(elsewhere))
    assert code == 0
    write_waivers(project, *high_waivers(), path=".tos-check/waivers.yml")
    code, _, _ = scan(cli, project)
    assert code == 0
    missing = cli("scan", str(project), "--waivers", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2 and "nope.yaml: file not found" in missing.stderr


@pytest.mark.parametrize(("body", "line", "message"), [
    ("waivers:\n  - rule: x.y\n    scope: {artifact: a}\n    reason: r\n    approver: a\n", 2, "missing required key 'waivers.0.expires'"),
    ("waivers:\n  - rule: meta.llama-3.1-license.derivative-naming\n    scope: {}\n    reason: r\n    approver: a\n    expires: 2027-01-01\n",
     3, "a scope needs at least one of"),
    (("waivers:\n  - rule: meta.llama-3.1-license.derivative-naming\n    scope: {artifact: a}\n    reason: r\n    approver: a\n"
      "    expires: 2027-01-01\n    until: never\n"), 7, "unknown key 'waivers.0.until'"),
    (("waivers:\n  - rule: meta.llama-3.1-license.derivative-naming\n    scope: {artifact: a}\n    reason: r\n    approver: a\n"
      "    expires: next year\n"), 6, "waivers.0.expires"),
    (("waivers:\n  - rule: meta.llama-3.1-license.derivative-namin\n    scope: {artifact: a}\n    reason: r\n    approver: a\n"
      "    expires: 2027-01-01\n"), 2, "did you mean meta.llama-3.1-license.derivative-naming?"),
    ("waivers: [\n", 2, "invalid YAML"),
    ("- just a list\n", 1, "a waiver file is a mapping"),
])
def test_malformed_waiver_files_are_input_errors_with_file_and_line(cli, project: Path, body: str, line: int, message: str) -> None:
    (project / ".tos-check").mkdir()
    (project / ".tos-check" / "waivers.yaml").write_text(body)
    result = cli("scan", str(project), "--format", "json")
    assert result.exit_code == 2, result.output
    assert f".tos-check/waivers.yaml:{line}:" in result.stderr and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_approver_email_addresses_are_redacted(cli, project: Path) -> None:
    write_waivers(project, waiver(NAMING, "{artifact: acme-chat-8b}", approver="dana@acme.example.com"))
    _, report, _ = scan(cli, project)
    assert "dana@acme.example.com" not in json.dumps(report)
    assert report["waivers"][0]["approver"] == "[REDACTED-EMAIL]"
