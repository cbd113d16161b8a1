"""The Markdown report for pull-request and merge-request comments (`reports/markdown.md.j2`).

Short by design: a verdict line, a table of the failing findings and collapsible details. Long
reports are cut at MAX_ROWS rows and MAX_DETAILS details, saying how many were left out, so the
comment stays under the forges' size limits (GitHub: 65,536 characters).
"""

from __future__ import annotations

from typing import Any

from compliance.report.formats import RenderOptions
from compliance.report.templates import render_bundled

MAX_ROWS = 50
MAX_DETAILS = 20


def render(data: dict[str, Any], options: RenderOptions) -> str:
    return render_bundled("markdown.md.j2", data, max_rows=MAX_ROWS, max_details=MAX_DETAILS)
