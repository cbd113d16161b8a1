"""Chart geometry for the HTML report, computed from the report data.

These functions return numbers and labels only; `reports/report.html` draws them as inline SVG,
so every label is autoescaped like any other text. Coordinates are rounded to one decimal so the
same report data always gives the same bytes.
"""

from __future__ import annotations

from typing import Any

from compliance.report.common import SEVERITY_ORDER

SEVERITY_COLOURS = {"critical": "#7f1d1d", "high": "#dc2626", "medium": "#d97706", "low": "#2563eb", "info": "#9ca3af"}
PALETTE = ("#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#65a30d", "#475569", "#b45309")
ORIGIN_COLOURS = {"human": "#059669", "scraped": "#d97706", "generated": "#7c3aed", "mixed": "#2563eb",
                  "chat-logs": "#db2777", "unknown": "#9ca3af"}

WIDTH = 640
LABEL_W = 170
ROW_H = 26


def _r(value: float) -> float:
    return round(value, 1)


def provider_severity(findings: list[dict[str, Any]]) -> dict[str, Any]:
    """Stacked horizontal bars: one row per provider, one segment per severity."""
    counts: dict[str, dict[str, int]] = {}
    for finding in findings:
        row = counts.setdefault(finding["provider"], {s: 0 for s in SEVERITY_ORDER})
        row[finding["severity"]] += 1
    providers = sorted(counts, key=lambda p: (-sum(counts[p].values()), p))
    top = max((sum(row.values()) for row in counts.values()), default=0)
    bar_w = WIDTH - LABEL_W - 50
    rows = []
    for i, provider in enumerate(providers):
        x = float(LABEL_W)
        segments = []
        for severity in SEVERITY_ORDER:
            n = counts[provider][severity]
            if not n:
                continue
            w = bar_w * n / top
            segments.append({"x": _r(x), "w": _r(w), "severity": severity, "count": n,
                             "colour": SEVERITY_COLOURS[severity]})
            x += w
        rows.append({"label": provider, "y": 30 + i * ROW_H, "total": sum(counts[provider].values()),
                     "end": _r(x), "segments": segments})
    legend = [{"severity": s, "colour": SEVERITY_COLOURS[s], "x": LABEL_W + i * 90} for i, s in enumerate(SEVERITY_ORDER)]
    return {"width": WIDTH, "height": 30 + len(rows) * ROW_H + 8, "rows": rows, "legend": legend,
            "label_x": LABEL_W - 8, "empty": not rows}


def origin_shares(provenance: dict[str, Any] | None) -> dict[str, Any]:
    """One 100% bar of training data by origin, with a legend; `empty` when no origin is known."""
    shares = (provenance or {}).get("by_origin") or []
    known = any(s["origin"] != "unknown" for s in shares)
    bar_w = WIDTH - 20
    x = 10.0
    segments = []
    for i, share in enumerate(shares):
        w = bar_w * share["share"]
        segments.append({"x": _r(x), "w": _r(w), "origin": share["origin"], "datasets": share["datasets"],
                         "percent": round(share["share"] * 100), "colour": ORIGIN_COLOURS.get(share["origin"], PALETTE[i % len(PALETTE)]),
                         "legend_x": 10 + (i % 4) * 155, "legend_y": 64 + (i // 4) * 20})
        x += w
    rows = (len(segments) + 3) // 4
    return {"width": WIDTH, "height": 56 + rows * 20 + 6, "segments": segments, "empty": not known}


def api_volume(observations: dict[str, Any] | None) -> dict[str, Any]:
    """Lines of log records per day, one per provider and account; `empty` without data.

    `observations.series` is written by the log source: `[{provider, account, days: [{date,
    records}]}]`. Days a series has no record on are drawn at zero.
    """
    raw = (observations or {}).get("series") or []
    if not any(s.get("days") for s in raw):
        return {"empty": True}
    dates = sorted({d["date"] for s in raw for d in s.get("days") or []})
    keyed = sorted(raw, key=lambda s: (s["provider"], s.get("account") or ""))
    values = [{d["date"]: int(d["records"]) for d in s.get("days") or []} for s in keyed]
    top = max((v for per_day in values for v in per_day.values()), default=0) or 1
    left, right, top_pad, plot_h = 64, 16, 16, 180
    plot_w = WIDTH - left - right
    step = plot_w / (len(dates) - 1) if len(dates) > 1 else 0.0
    x_of = {d: left + (i * step if len(dates) > 1 else plot_w / 2) for i, d in enumerate(dates)}

    def y_of(v: int) -> float:
        return top_pad + plot_h - plot_h * v / top

    series = []
    for i, (spec, per_day) in enumerate(zip(keyed, values)):
        coords = [(_r(x_of[d]), _r(y_of(per_day.get(d, 0)))) for d in dates]
        days = sorted(per_day)
        series.append({
            "provider": spec["provider"], "account": spec.get("account") or None, "colour": PALETTE[i % len(PALETTE)],
            "points": " ".join(f"{x},{y}" for x, y in coords),
            "dots": [{"x": x, "y": y} for x, y in coords] if len(dates) <= 62 else [],
            "total": sum(per_day.values()), "first": days[0] if days else "", "last": days[-1] if days else "",
            "legend_y": top_pad + plot_h + 40 + i * 18,
        })
    label_idx = sorted({0, len(dates) // 2, len(dates) - 1})
    anchors = {0: "start", len(dates) - 1: "end"} if len(dates) > 1 else {}
    x_labels = [{"x": _r(x_of[dates[i]]), "text": dates[i], "anchor": anchors.get(i, "middle")} for i in label_idx]
    y_ticks = [{"y": _r(y_of(v)), "text": f"{v:,}"} for v in sorted({0, top // 2, top})]
    height = top_pad + plot_h + 40 + len(series) * 18 + 6
    return {"empty": False, "width": WIDTH, "height": height, "left": left, "right": WIDTH - right,
            "top": top_pad, "bottom": top_pad + plot_h, "series": series, "x_labels": x_labels,
            "y_ticks": y_ticks, "days": len(dates)}
