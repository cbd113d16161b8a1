"""The plain-text report (`reports/text.txt.j2`) and the one-line verdict `--quiet` prints."""

from __future__ import annotations

from typing import Any

from compliance.report.formats import RenderOptions
from compliance.report.templates import render_bundled


def verdict_line(data: dict[str, Any]) -> str:
    s = data["summary"]
    line = f"Verdict: {s['verdict'].upper()} ({s['failing']} finding(s) at or above --fail-on {s['fail_on']}"
    if data.get("baseline"):
        line += ", new since the baseline"
    waived = s.get("waivers", {}).get("in_force", 0) if isinstance(s.get("waivers"), dict) else 0
    if waived:
        line += f"; {waived} waiver(s) in force"
    return line + ")\n"


def render(data: dict[str, Any], options: RenderOptions) -> str:
    return render_bundled("text.txt.j2", data, verdict_line=verdict_line(data))
