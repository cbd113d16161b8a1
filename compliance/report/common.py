"""What several renderers share: locations, levels, titles and the plain-text account of a finding."""

from __future__ import annotations

import posixpath
from typing import Any

from compliance.report.escaping import one_line, shorten

FAILING = ("violation", "review")
SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
STATUS_ORDER = ("violation", "review", "waived", "pass")


def repo_path(path: str, prefix: str = "") -> str:
    """An evidence path (relative to the scanned folder) made relative to the repository root."""
    if path.startswith("/") or not prefix:
        return path
    return posixpath.normpath(posixpath.join(prefix, path))


def humanize(slug: str) -> str:
    return slug.replace("-", " ").replace("_", " ")


def finding_title(finding: dict[str, Any]) -> str:
    """One line naming the clause and document, e.g. `Derivative naming (Llama 3.1 …, 1.b.i …)`."""
    section = one_line(finding["clause"].get("section") or "")
    title = one_line(finding["document"].get("title") or finding["document"]["id"])
    where = f"{title}, {section}" if section else title
    return f"{humanize(finding['clause_type']).capitalize()} ({where})"


def waiver_note(waiver: dict[str, Any] | None) -> str:
    """How a waiver bears on a finding, in one plain line ("" without one)."""
    if not waiver:
        return ""
    who = one_line(waiver.get("approver", ""))
    until = waiver.get("expires", "")
    state = waiver.get("state")
    if state == "in-force":
        return f"waived by {who} until {until}: {one_line(waiver.get('reason', ''))}"
    if state == "expired":
        return f"waiver by {who} expired on {until}: the finding counts again"
    if state == "not-waivable":
        return f"waiver by {who} does not apply: this rule cannot be waived"
    return ""


def finding_text(finding: dict[str, Any], prefix: str = "", snippets: int = 5) -> str:
    """A plain, multi-line account of a finding for JUnit failures and similar."""
    lines = [f"{finding['status'].upper()} [{finding['severity']}] {finding['rule_id']}",
             one_line(finding["message"])]
    clause = finding["clause"]
    if clause.get("quote"):
        lines.append(f'Clause: "{shorten(one_line(clause["quote"]), 600)}"')
    doc = finding["document"]
    source = f"Source: {one_line(doc.get('title', ''))}, version {one_line(doc.get('version', ''))}"
    if clause.get("section"):
        source += f", {one_line(clause['section'])}"
    if clause.get("effective_date"):
        source += f", effective {clause['effective_date']}"
    url = clause.get("url") or doc.get("url")
    if url:
        source += f" — {one_line(url)}"
    lines.append(source)
    for ev in finding["evidence"][:snippets]:
        text = f"at {repo_path(one_line(ev['path']), prefix)}:{ev['line']}"
        if ev.get("snippet"):
            text += f"  {shorten(one_line(ev['snippet']), 160)}"
        if ev.get("note"):
            text += f"  ({one_line(ev['note'])})"
        lines.append(text)
    if len(finding["evidence"]) > snippets:
        lines.append(f"… and {len(finding['evidence']) - snippets} more evidence location(s)")
    if finding.get("remediation"):
        lines.append(f"Fix: {one_line(finding['remediation'])}")
    note = waiver_note(finding.get("waiver"))
    if note:
        lines.append(f"Waiver: {note}")
    lines.append(f"Fingerprint: {finding['fingerprint']}")
    return "\n".join(lines)
