"""The HTML report's structure: self-contained, charts from the report data, CSS-only filters."""

from __future__ import annotations

import copy
import json
import re

import jsonschema
import pytest

from compliance.report.formats import Format, render
from tests.conftest import REPO
from tests.report.helpers import example_report


@pytest.fixture
def example_data() -> dict:
    return example_report()


def with_observations(data: dict) -> dict:
    """Synthetic log observations (the log source's shape): two providers, three accounts, four days;
    one account has no record on the third day."""
    out = copy.deepcopy(data)
    days = ["2025-09-01", "2025-09-02", "2025-09-03", "2025-09-04"]
    out["observations"] = {"series": [
        {"provider": "anthropic", "account": "(unknown)", "days": [{"date": d, "records": 10 * i} for i, d in enumerate(days)]},
        {"provider": "openai", "account": "<b>org-shadow</b>", "days": [{"date": d, "records": 250} for i, d in enumerate(days) if i != 2]},
        {"provider": "openai", "account": "org-acme-research", "days": [{"date": d, "records": 1000 * (i + 1)} for i, d in enumerate(days)]},
    ]}
    return out


def test_synthetic_observations_match_the_report_schema(example_data: dict) -> None:
    schema = json.loads((REPO / "schemas" / "report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(with_observations(example_data))


def test_html_is_self_contained(example_data: dict) -> None:
    html = render(example_data, Format.html)
    assert html.startswith("<!DOCTYPE html>")
    assert re.search(r'<meta http-equiv="Content-Security-Policy" content="default-src \'none\';', html)
    lowered = html.lower()
    for forbidden in ("<script", " src=", "<link rel=\"stylesheet", "@import", "url(", "@font-face", "<iframe", "<object", "<embed"):
        assert forbidden not in lowered, forbidden
    assert re.findall(r'href="([^"]*)"', html)  # source links exist, and are plain https
    assert all(h == "data:," or h.startswith("https://") for h in re.findall(r'href="([^"]*)"', html))


def test_html_shows_verdict_counts_groups_and_evidence(example_data: dict) -> None:
    html = render(example_data, Format.html)
    assert '<section class="banner fail"' in html and '<div class="verdict">FAIL</div>' in html
    assert html.count('<article class="finding"') == len(example_data["findings"])
    for status in ("violation", "review", "waived", "pass"):
        assert f'<label class="chip" for="f-st-{status}">{status} ({example_data["summary"]["by_status"][status]})</label>' in html
    providers = re.findall(r'<section class="provider" id="provider-\d+">\n<h3>([^ ]+) ', html)
    assert providers[0] == example_data["findings"][0]["provider"] and set(providers) == {f["provider"] for f in example_data["findings"]}
    assert "Llama 3.1 Community License Agreement — version 2024-07-23" in html
    assert "<code>ai-usage.yaml:8</code>" in html and "name: Acme-Chat-8B" in html
    assert '<a href="https://openai.com/policies/services-agreement/" rel="noopener noreferrer">OpenAI Services Agreement</a>' in html
    compete = next(f for f in example_data["findings"] if f["rule_id"] == "openai.services-agreement.no-competing-model")
    assert f"<dt>Effective</dt>\n<dd>{compete['clause']['effective_date']}</dd>" in html
    assert "Rename the model so that its name begins with" in html


def test_filters_are_css_only_with_passes_hidden_by_default(example_data: dict) -> None:
    html = render(example_data, Format.html)
    for status, checked in (("violation", True), ("review", True), ("waived", True), ("pass", False)):
        tag = re.search(rf'<input type="checkbox" class="filter" id="f-st-{status}"[^>]*>', html).group(0)
        assert (" checked" in tag) is checked, tag
        assert f'#f-st-{status}:not(:checked) ~ .page .finding[data-status="{status}"] {{ display: none; }}' in html
    for severity in ("critical", "high", "medium", "low", "info"):
        assert re.search(rf'<input type="checkbox" class="filter" id="f-sev-{severity}"[^>]*checked>', html)
    # the inputs come before .page, so the sibling selectors reach the findings
    assert html.index('id="f-sev-info"') < html.index('<div class="page">') < html.index('<article class="finding"')


def test_findings_chart_counts_match_the_report(example_data: dict) -> None:
    html = render(example_data, Format.html)
    figure = html[html.index('<figure id="chart-findings">'):html.index("</figure>", html.index('<figure id="chart-findings">'))]
    titles = re.findall(r"<title>([^<:]+): (\d+) (\w+)</title>", figure)
    counts: dict[tuple[str, str], int] = {}
    for f in example_data["findings"]:
        counts[(f["provider"], f["severity"])] = counts.get((f["provider"], f["severity"]), 0) + 1
    assert {(p, s): int(n) for p, n, s in titles} == counts


def test_origin_chart_from_provenance(example_data: dict) -> None:
    prov = example_data["provenance"]
    assert [d["id"] for d in prov["datasets"]] == ["gpt4o-instructions", "ultrachat"]
    assert prov["by_origin"] == [{"origin": "generated", "datasets": 2, "share": 1.0}]
    html = render(example_data, Format.html)
    assert '<figure id="chart-origins">' in html and "generated 100% (2)" in html
    unknown = copy.deepcopy(example_data)
    unknown["provenance"]["by_origin"] = [{"origin": "unknown", "datasets": 2, "share": 1.0}]
    assert '<figure id="chart-origins">' not in render(unknown, Format.html)  # no provenance known: no chart
    mixed = copy.deepcopy(example_data)
    mixed["provenance"]["by_origin"] = [{"origin": "human", "datasets": 1, "share": 0.25}, {"origin": "generated", "datasets": 3, "share": 0.75}]
    widths = re.findall(r'<rect x="[\d.]+" y="10" width="([\d.]+)" height="32"', render(mixed, Format.html))
    assert [float(w) for w in widths] == [155.0, 465.0]


def test_api_volume_chart_appears_only_with_observations(example_data: dict) -> None:
    without = copy.deepcopy(example_data)
    without.pop("observations", None)
    assert '<figure id="chart-volume">' not in render(without, Format.html)
    empty = copy.deepcopy(example_data)
    empty["observations"] = {"series": []}
    assert '<figure id="chart-volume">' not in render(empty, Format.html)
    html = render(with_observations(example_data), Format.html)
    start = html.index('<figure id="chart-volume">')
    figure = html[start:html.index("</figure>", start)]
    assert "API volume over time per provider and account (log records per day)" in figure
    assert figure.count("<polyline") == 3  # anthropic, and two openai accounts
    assert "&lt;b&gt;org-shadow&lt;/b&gt;" in figure and "<b>org-shadow" not in figure
    assert "openai / org-acme-research — 10,000 records" in figure
    assert '<td>anthropic</td><td>(unknown)</td><td class="n">60</td><td>2025-09-01</td><td>2025-09-04</td>' in figure
    # series are sorted by (provider, account); the day org-shadow has no record is drawn at zero, on the x axis
    ys = [float(p.split(",")[1]) for p in re.findall(r'<polyline points="([^"]+)"', figure)[1].split()]
    y250 = round(16 + 180 - 180 * 250 / 4000, 1)  # top padding 16, plot height 180, highest day 4,000 records
    assert ys == [y250, y250, 196.0, y250]


def test_html_lists_waivers_baseline_and_inputs(example_data: dict) -> None:
    data = copy.deepcopy(example_data)
    data["waivers"] = [{"file": ".tos-check/waivers.yaml", "line": 2, "rule": "meta.llama-3.1-license.built-with-llama",
                        "scope": {"artifact": "acme-chat-8b"}, "reason": "notice <i>added</i>", "approver": "Dana",
                        "expires": "2026-01-01", "state": "expired", "findings": ["0123456789abcdef0123"]}]
    data["baseline"] = {"path": "old.json", "new": 1, "known": 4, "resolved": 0}
    html = render(data, Format.html)
    assert '<span class="waiver-expired">expired</span>' in html and "notice &lt;i&gt;added&lt;/i&gt;" in html
    assert "1 new failing finding(s), 4 already in the baseline" in html
    assert "<code>ai-usage.yaml</code>" in html and "rules/meta/llama-3.1-license.yaml" in html
