"""The JSON report: the report data itself, with sorted keys so the same input gives the same bytes."""

from __future__ import annotations

import json
from typing import Any

from compliance.report.formats import RenderOptions


def render_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render(data: dict[str, Any], options: RenderOptions) -> str:
    return render_json(data)
