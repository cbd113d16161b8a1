"""The HTML report: one self-contained file (`reports/report.html`, autoescaped).

No scripts, no network: styles are inline, charts are inline SVG drawn from the report data,
and a Content-Security-Policy forbids loading anything. The status and severity filters are
checkboxes and CSS sibling selectors, so they work with JavaScript off. By default every
finding but the passes is shown.
"""

from __future__ import annotations

from typing import Any

from compliance.report import charts
from compliance.report.common import SEVERITY_ORDER, STATUS_ORDER
from compliance.report.formats import RenderOptions
from compliance.report.templates import render_bundled

DEFAULT_STATUSES = ("violation", "review", "waived")


def group_findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings by provider, then by document (id and version), in report order.

    Report order puts the worst status and severity first, so the provider and document with
    the worst finding come first too.
    """
    providers: dict[str, dict[str, Any]] = {}
    for finding in findings:
        provider = providers.setdefault(finding["provider"], {"provider": finding["provider"], "documents": {}, "count": 0})
        doc = finding["document"]
        key = f"{doc['id']}@{doc.get('version', '')}"
        group = provider["documents"].setdefault(key, {"document": doc, "findings": []})
        group["findings"].append(finding)
        provider["count"] += 1
    return [{**p, "documents": list(p["documents"].values())} for p in providers.values()]


def render(data: dict[str, Any], options: RenderOptions) -> str:
    return render_bundled(
        "report.html", data,
        groups=group_findings(data["findings"]),
        statuses=STATUS_ORDER, severities=SEVERITY_ORDER, default_statuses=DEFAULT_STATUSES,
        chart_findings=charts.provider_severity(data["findings"]),
        chart_origins=charts.origin_shares(data.get("provenance")),
        chart_volume=charts.api_volume(data.get("observations")),
        severity_colours=charts.SEVERITY_COLOURS,
    )
