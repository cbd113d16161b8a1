"""Baselines and report diffs: compare two JSON reports by finding fingerprint.

`scan --baseline OLD.json` fails only on failing findings that are new: a violation or review
whose fingerprint was not already a violation or review in OLD. A finding that passed (or was
waived) in the baseline and fails now is new: it is a regression. `tos-check diff OLD NEW`
lists what appeared, disappeared or changed status.

Fingerprints are the rule id and the ids of the facts it judged (see `compliance.findings`), so
they survive reordering and line shifts. When two findings share one (the same rule in two
versions of a document), the first in report order, which is the worst status, stands for both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compliance.errors import InputError
from compliance.yamlio import read_text_file
from compliance.findings import FAILING


@dataclass
class ReportFile:
    """A JSON report read back: its findings by fingerprint."""

    path: str
    data: dict[str, Any]
    findings: dict[str, dict[str, Any]]

    def failing(self) -> set[str]:
        return {fp for fp, f in self.findings.items() if f["status"] in FAILING}


def load_report(path: Path, display: str | None = None) -> ReportFile:
    """Read a tos-check JSON report; anything else is an input error with file and line."""
    shown = display or str(path)
    text = read_text_file(path, shown)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(shown, exc.lineno, f"not JSON: {exc.msg}") from None
    if not isinstance(data, dict) or data.get("tool", {}).get("name") != "tos-check" or not isinstance(data.get("findings"), list):
        raise InputError(shown, 1, "not a tos-check JSON report (write one with `tos-check scan --format json`)")
    if str(data.get("report_version")) != "1":
        raise InputError(shown, 1, f"report version {data.get('report_version')!r} is not supported (expected 1)")
    findings: dict[str, dict[str, Any]] = {}
    for index, finding in enumerate(data["findings"]):
        if not isinstance(finding, dict) or not isinstance(finding.get("fingerprint"), str) or "status" not in finding:
            raise InputError(shown, _line_of_finding(text, index), f"findings[{index}] has no fingerprint or status")
        findings.setdefault(finding["fingerprint"], finding)
    return ReportFile(shown, data, findings)


def _line_of_finding(text: str, index: int) -> int | None:
    """Best effort line of the index-th finding: the line of its `"rule_id"` key, if it has one."""
    seen = -1
    for number, line in enumerate(text.splitlines(), 1):
        if '"rule_id"' in line:
            seen += 1
            if seen == index:
                return number
    return None


def apply_baseline(data: dict[str, Any], baseline: ReportFile) -> None:
    """Mark failing findings `new` or `known` and re-gate the summary on the new ones only."""
    from compliance.findings import severity_at_least

    known = baseline.failing()
    summary = data["summary"]
    counts = {"new": 0, "known": 0}
    gating = 0
    for finding in data["findings"]:
        if finding["status"] not in FAILING:
            continue
        state = "known" if finding["fingerprint"] in known else "new"
        finding["baseline"] = state
        counts[state] += 1
        if state == "new" and severity_at_least(finding["severity"], summary["fail_on"]):
            gating += 1
    now_failing = {f["fingerprint"] for f in data["findings"] if f["status"] in FAILING}
    summary["failing"] = gating
    summary["verdict"] = "fail" if gating else "pass"
    data["baseline"] = {"path": baseline.path, "new": counts["new"], "known": counts["known"],
                        "resolved": len(known - now_failing)}


def _brief(finding: dict[str, Any]) -> dict[str, Any]:
    return {"fingerprint": finding["fingerprint"], "rule_id": finding.get("rule_id", ""),
            "status": finding["status"], "severity": finding.get("severity", ""),
            "message": finding.get("message", ""), "subjects": finding.get("subjects", {})}


def diff_reports(old: ReportFile, new: ReportFile) -> dict[str, Any]:
    """What appeared, disappeared or changed status (or severity) between two reports."""
    appeared = [_brief(new.findings[fp]) for fp in new.findings if fp not in old.findings]
    disappeared = [_brief(old.findings[fp]) for fp in old.findings if fp not in new.findings]
    changed = []
    unchanged = 0
    for fp, finding in new.findings.items():
        before = old.findings.get(fp)
        if before is None:
            continue
        if (before["status"], before.get("severity")) != (finding["status"], finding.get("severity")):
            item = _brief(finding)
            item["old_status"], item["old_severity"] = before["status"], before.get("severity", "")
            changed.append(item)
        else:
            unchanged += 1
    key = lambda f: (f["rule_id"], f["fingerprint"])
    return {
        "old": old.path, "new": new.path,
        "appeared": sorted(appeared, key=key), "disappeared": sorted(disappeared, key=key),
        "changed": sorted(changed, key=key), "unchanged": unchanged,
    }
