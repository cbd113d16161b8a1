"""JUnit XML, as GitLab, Jenkins and GitHub test reporters read it.

One `<testsuite>` per rule pack (document id and version) that was loaded, plus one for findings
the engine makes itself (coverage). One `<testcase>` per rule with findings in that pack:
`classname` is the pack (GitLab shows it as the suite), `name` the rule id, `file` the first
evidence path (repository-relative). Each violation or review is one `<failure>` whose text is the
human account (GitLab ignores `message=`); a waived finding is a `<skipped>` saying who waived it
until when; passes add nothing. Rules of a pack that made no finding did not apply: each suite's
properties count them. No timestamps or durations: the same input gives the same bytes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from compliance.report.common import finding_text, repo_path, waiver_note
from compliance.report.escaping import shorten, xml_text
from compliance.report.formats import RenderOptions

ENGINE_SUITE = "tos-check.coverage"


def _pack_key(finding: dict[str, Any]) -> str:
    doc = finding["document"]
    return f"{doc['id']}@{doc.get('version', '')}"


def _suites(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    suites: dict[str, dict[str, Any]] = {}
    for pack in data.get("rule_packs", []):
        suites[f"{pack['id']}@{pack['version']}"] = {"rules": pack["rules"], "path": pack["path"], "cases": {}}
    for finding in data["findings"]:
        key = _pack_key(finding)
        suite = suites.setdefault(key, {"rules": None, "path": "", "cases": {}})
        suite["cases"].setdefault(finding["rule_id"], []).append(finding)
    return suites


def junit_tree(data: dict[str, Any], options: RenderOptions) -> ET.Element:
    root = ET.Element("testsuites", {"name": "tos-check"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for key, suite in sorted(_suites(data).items()):
        cases = suite["cases"]
        node = ET.SubElement(root, "testsuite", {"name": xml_text(key)})
        counts = {"tests": len(cases), "failures": 0, "errors": 0, "skipped": 0}
        props = ET.SubElement(node, "properties")
        if suite["path"]:
            ET.SubElement(props, "property", {"name": "rule-pack", "value": xml_text(suite["path"])})
        if suite["rules"] is not None:
            ET.SubElement(props, "property", {"name": "rules", "value": str(suite["rules"])})
            ET.SubElement(props, "property", {"name": "rules-not-applicable", "value": str(max(suite["rules"] - len(cases), 0))})
        for rule_id in sorted(cases):
            findings = cases[rule_id]
            first_path = repo_path(findings[0]["evidence"][0]["path"], options.path_prefix)
            case = ET.SubElement(node, "testcase", {
                "name": xml_text(rule_id), "classname": xml_text(f"tos-check.{key}"),
                "file": xml_text(first_path), "time": "0",
            })
            failing = [f for f in findings if f["status"] in ("violation", "review")]
            waived = [f for f in findings if f["status"] == "waived"]
            for finding in failing:
                ET.SubElement(case, "failure", {
                    "message": xml_text(shorten(finding["message"], 300)),
                    "type": f"{finding['status']}:{finding['severity']}",
                }).text = xml_text_block(finding_text(finding, options.path_prefix))
            if failing:
                counts["failures"] += 1
            elif waived:
                notes = "; ".join(waiver_note(f.get("waiver")) for f in waived)
                ET.SubElement(case, "skipped", {"message": xml_text(shorten(notes, 500))})
                counts["skipped"] += 1
            passes = [f for f in findings if f["status"] == "pass"]
            out = [finding_text(f, options.path_prefix) for f in waived + passes]
            if out:
                ET.SubElement(case, "system-out").text = xml_text_block("\n\n".join(out))
        for name, value in counts.items():
            node.set(name, str(value))
            totals[name] += value
        node.set("time", "0")
    for name, value in totals.items():
        root.set(name, str(value))
    root.set("time", "0")
    return root


def xml_text_block(text: str) -> str:
    """Multi-line text for an element body: each line made safe with `xml_text`."""
    return "\n".join(xml_text(line) for line in text.splitlines())


def render(data: dict[str, Any], options: RenderOptions) -> str:
    tree = junit_tree(data, options)
    ET.indent(tree, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tree, encoding="unicode") + "\n"
