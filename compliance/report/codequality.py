"""GitLab Code Quality: a JSON array of Code Climate issues.

One issue per violation, review or waived finding (passes are not issues). Severities map
critical→blocker, high→critical, medium→major, low→minor, info→info; a waived finding is `info`
and says who waived it. The fingerprint is unique per issue (GitLab de-duplicates on it): a
hash of the finding fingerprint and the document version, since one rule can fire in two
versions of a document for the same facts.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from compliance.report.common import repo_path, waiver_note
from compliance.report.escaping import one_line, shorten
from compliance.report.formats import RenderOptions

SEVERITY = {"critical": "blocker", "high": "critical", "medium": "major", "low": "minor", "info": "info"}


def issues(data: dict[str, Any], options: RenderOptions) -> list[dict[str, Any]]:
    out = []
    for finding in data["findings"]:
        status = finding["status"]
        if status == "pass":
            continue
        message = one_line(finding["message"])
        if status == "review":
            message = f"Needs review: {message}"
        elif status == "waived":
            message = f"Waived ({waiver_note(finding.get('waiver'))}): {message}"
        evidence = finding["evidence"][0]
        version = finding["document"].get("version", "")
        digest = hashlib.sha256(f"{finding['fingerprint']}\0{version}".encode()).hexdigest()[:32]
        out.append({
            "type": "issue",
            "check_name": finding["rule_id"],
            "description": shorten(f"[{finding['severity']}] {message}", 1000),
            "fingerprint": digest,
            "severity": "info" if status == "waived" else SEVERITY[finding["severity"]],
            "location": {"path": repo_path(one_line(evidence["path"]), options.path_prefix),
                         "lines": {"begin": int(evidence["line"])}},
        })
    return out


def render(data: dict[str, Any], options: RenderOptions) -> str:
    return json.dumps(issues(data, options), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
