"""The report data a scan writes: the engine's report, with waivers and the baseline applied.

Order matters: waivers change finding statuses before the engine summarises them, and the
baseline re-gates the summary after, on new findings only.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from compliance.baseline import ReportFile
    from compliance.engine import ScanResult
    from compliance.waivers import Waiver


def build_report(result: ScanResult, waivers: list[Waiver] | None = None, today: date | None = None,
                 baseline: ReportFile | None = None) -> dict[str, Any]:
    from compliance.baseline import apply_baseline
    from compliance.engine import report_data
    from compliance.waivers import apply_waivers, waiver_counts

    applied = apply_waivers(result, waivers or [], today or date.today())
    data = report_data(result)
    data["waivers"] = [w.to_json() for w in applied]
    data["summary"]["waivers"] = waiver_counts(applied)
    if baseline is not None:
        apply_baseline(data, baseline)
    return data
