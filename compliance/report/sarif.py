"""SARIF 2.1.0 for GitHub code scanning.

One run; `tool.driver.rules` holds one descriptor per rule id that produced a finding (its clause
as the full description, the source as `helpUri`, severity as `security-severity`). Results are the
violations, reviews and waived findings (passes are not alerts). A waived finding carries a SARIF
suppression (kind `external`, status `accepted`, the approver and reason as justification); the
waiver list is in the run's properties. Locations are made repository-relative with
`RenderOptions.path_prefix`; `partialFingerprints` carry the finding fingerprint, which survives
reordering and line shifts.

Untrusted text goes into `text` fields only after `one_line` (redacted, no control characters),
and into `markdown` fields only after `escape_markdown`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from compliance.report.common import finding_title, repo_path, waiver_note
from compliance.report.escaping import escape_markdown, one_line, safe_url, shorten
from compliance.report.formats import RenderOptions

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
RESULT_STATUSES = ("violation", "review", "waived")
MAX_RELATED = 9  # GitHub shows up to 10 locations per result


def _pascal(rule_id: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", rule_id) if part)


def _uri(path: str, prefix: str) -> str:
    full = repo_path(path, prefix)
    return "file://" + full if full.startswith("/") else full


def _rule_descriptor(finding: dict[str, Any], versions: list[str]) -> dict[str, Any]:
    clause, doc = finding["clause"], finding["document"]
    quote = one_line(clause.get("quote") or "")
    url = safe_url(clause.get("url")) or safe_url(doc.get("url"))
    title = finding_title(finding)
    source = f"{one_line(doc.get('title', ''))}, version {', '.join(one_line(v) for v in versions)}"
    if clause.get("section"):
        source += f", {one_line(clause['section'])}"
    if clause.get("effective_date"):
        source += f" (effective {clause['effective_date']})"
    remediation = one_line(finding.get("remediation") or "")
    help_text = "\n\n".join(p for p in (
        f'Clause: "{quote}"' if quote else "", f"Source: {source}" + (f" {url}" if url else ""),
        f"How to comply: {remediation}" if remediation else "") if p)
    md_source = escape_markdown(source)
    if url:
        md_source = f"[{md_source}]({url})"
    help_md = "\n\n".join(p for p in (
        f"> {escape_markdown(quote)}" if quote else "", f"**Source:** {md_source}",
        f"**How to comply:** {escape_markdown(remediation)}" if remediation else "",
        f"Explain locally: `tos-check explain {finding['rule_id']}`") if p)
    descriptor: dict[str, Any] = {
        "id": finding["rule_id"],
        "name": _pascal(finding["rule_id"])[:255],
        "shortDescription": {"text": shorten(title, 1024)},
        "fullDescription": {"text": quote or one_line(finding["message"])},
        "help": {"text": help_text or title, "markdown": help_md},
        "defaultConfiguration": {"level": LEVEL[finding["severity"]]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[finding["severity"]],
            "precision": "high" if finding.get("confidence") is None else "medium",
            "problem.severity": "error" if finding["severity"] in ("critical", "high") else "warning",
            "tags": sorted({"tos-check", "compliance", one_line(finding["provider"]), finding["clause_type"],
                            one_line(doc["id"])})[:20],
        },
    }
    if url:
        descriptor["helpUri"] = url
    return descriptor


def _location(evidence: dict[str, Any], prefix: str, ident: int | None = None) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(evidence["path"], prefix), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": int(evidence["line"])},
        }
    }
    if ident is not None:
        location["id"] = ident
        text = one_line(evidence.get("snippet") or "") or f"{evidence['kind']} evidence"
        if evidence.get("note"):
            text += f" ({one_line(evidence['note'])})"
        location["message"] = {"text": shorten(text, 300)}
    return location


def _result(finding: dict[str, Any], rule_index: int, prefix: str) -> dict[str, Any]:
    status = finding["status"]
    message = one_line(finding["message"])
    if status == "review":
        message = f"Needs review: {message}"
    elif status == "waived":
        message = f"Waived: {message} ({waiver_note(finding.get('waiver'))})"
    result: dict[str, Any] = {
        "ruleId": finding["rule_id"],
        "ruleIndex": rule_index,
        "level": "note" if status == "waived" else LEVEL[finding["severity"]],
        "message": {"text": message},
        "locations": [_location(finding["evidence"][0], prefix)],
        "partialFingerprints": {"tosCheckFindingFingerprint/v1": finding["fingerprint"]},
        "properties": {"status": status, "severity": finding["severity"],
                       "documentVersion": one_line(finding["document"].get("version", ""))},
    }
    related = finding["evidence"][1:1 + MAX_RELATED]
    if related:
        result["relatedLocations"] = [_location(ev, prefix, i + 1) for i, ev in enumerate(related)]
    if finding.get("confidence") is not None:
        result["properties"]["confidence"] = finding["confidence"]
    if finding.get("baseline"):
        result["baselineState"] = "unchanged" if finding["baseline"] == "known" else "new"
    if status == "waived" and finding.get("waiver"):
        waiver = finding["waiver"]
        result["suppressions"] = [{
            "kind": "external", "status": "accepted",
            "justification": shorten(f"{one_line(waiver['reason'])} (approved by {one_line(waiver['approver'])}, "
                                     f"expires {waiver['expires']})", 1000),
        }]
    return result


def sarif_log(data: dict[str, Any], options: RenderOptions) -> dict[str, Any]:
    """The SARIF log as a dict (see module docstring)."""
    findings = data["findings"]
    versions: dict[str, list[str]] = {}
    first: dict[str, dict[str, Any]] = {}
    for finding in findings:
        versions.setdefault(finding["rule_id"], [])
        version = finding["document"].get("version", "")
        if version not in versions[finding["rule_id"]]:
            versions[finding["rule_id"]].append(version)
        first.setdefault(finding["rule_id"], finding)
    rule_ids = sorted(first)
    rules = [_rule_descriptor(first[rid], sorted(versions[rid])) for rid in rule_ids]
    index = {rid: i for i, rid in enumerate(rule_ids)}
    results = [_result(f, index[f["rule_id"]], options.path_prefix) for f in findings if f["status"] in RESULT_STATUSES]
    summary = data["summary"]
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "tos-check",
            "version": data["tool"]["version"],
            "semanticVersion": data["tool"]["version"],
            "rules": rules,
        }},
        "automationDetails": {"id": f"tos-check/{one_line(data['scan']['project'])}/"},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "verdict": summary["verdict"],
            "failOn": summary["fail_on"],
            "asOf": data["scan"]["as_of"],
            "countsByStatus": summary["by_status"],
            "waivers": [
                {"rule": w["rule"], "state": w["state"], "approver": w["approver"], "expires": w["expires"],
                 "reason": one_line(w["reason"]), "scope": w["scope"], "findings": w["findings"],
                 "file": w["file"], "line": w["line"]}
                for w in data.get("waivers") or []
            ],
        },
    }
    run["originalUriBaseIds"] = {"%SRCROOT%": {"description": {"text": "The root of the repository scanned."}}}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(data: dict[str, Any], options: RenderOptions) -> str:
    return json.dumps(sarif_log(data, options), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
