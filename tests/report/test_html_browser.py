"""The HTML report in a real browser: headless Chromium (Debian's), driven by Playwright."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance.report.formats import Format, render
from tests.conftest import EXAMPLES
from tests.report.browser import open_report, require_browser
from tests.report.test_html import with_observations


@pytest.fixture
def example_html(cli, tmp_path: Path) -> tuple[Path, dict]:
    require_browser()
    result = cli("scan", str(EXAMPLES / "distilled-chat"), "-o", "report.html", "-o", "report.json", "--as-of", "2026-11-01", cwd=tmp_path)
    assert result.exit_code == 1, result.output
    return tmp_path / "report.html", json.loads((tmp_path / "report.json").read_text())


def test_example_report_in_chromium(example_html: tuple[Path, dict], tmp_path: Path) -> None:
    html, data = example_html
    shot = tmp_path / "report.png"
    with open_report(html) as (page, log):
        assert page.title() == "tos-check: FAIL — acme-chat"
        assert page.locator("#verdict .verdict").inner_text() == "FAIL"
        violations = page.locator('.finding[data-status="violation"]')
        assert violations.count() == data["summary"]["by_status"]["violation"] >= 5
        for i in range(violations.count()):
            assert violations.nth(i).is_visible()
        assert page.locator('.finding[data-status="pass"]').first.is_hidden()  # passes are filtered out by default
        text = page.locator("body").inner_text()
        assert "meta.llama-3.1-license.derivative-naming" in text and "ai-usage.yaml:8" in text
        assert page.locator("#chart-findings svg rect").count() > 5
        assert page.locator("#chart-findings svg").bounding_box()["width"] > 300
        page.screenshot(path=str(shot), full_page=True)
    assert log.console_errors == [], log.console
    assert log.requests == [html.resolve().as_uri()], log.requests  # nothing but the file itself
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_filters_work_with_javascript_off(example_html: tuple[Path, dict]) -> None:
    html, data = example_html
    with open_report(html, javascript=False) as (page, log):
        passes = page.locator('.finding[data-status="pass"]')
        high = page.locator('.finding[data-severity="high"]')
        assert passes.count() == data["summary"]["by_status"]["pass"] and passes.first.is_hidden()
        page.click('label[for="f-st-pass"]')
        assert all(passes.nth(i).is_visible() for i in range(passes.count()))
        assert high.first.is_visible()
        page.click('label[for="f-sev-high"]')
        assert all(high.nth(i).is_hidden() for i in range(high.count()))
        assert page.locator('.finding[data-severity="medium"]').first.is_visible()
        page.click('label[for="f-st-violation"]')
        assert page.locator('.finding[data-severity="medium"][data-status="violation"]').first.is_hidden()
    assert log.console_errors == []


def test_hostile_text_stays_text_in_chromium(cli, tmp_path: Path) -> None:
    require_browser()
    from tests.report.test_untrusted_reports import HOSTILE_NAME

    (tmp_path / "ai-usage.yaml").write_text(
        "project: p\nartifacts:\n  - id: a\n    kind: model-weights\n"
        f"    name: \"{HOSTILE_NAME}\"\n    description: \"<img src=x onerror=alert(2)>\"\n"
        "    distribution: public\n    base_model: meta-llama/Llama-3.1-8B-Instruct\n")
    out = tmp_path / "out"
    out.mkdir()
    assert cli("scan", str(tmp_path), "-f", "html", "-o", str(out / "r.html"), "--fail-on", "never").exit_code == 0
    with open_report(out / "r.html") as (page, log):
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.reload(wait_until="load")
        assert HOSTILE_NAME in page.locator("body").inner_text()
        assert page.locator("main script, .page script, .page img").count() == 0
        assert page.locator('a[href="http://x"]').count() == 0
    assert dialogs == [] and log.console_errors == []
    assert all(not url.startswith("http") for url in log.requests), log.requests


def test_api_volume_chart_in_chromium(example_html: tuple[Path, dict], tmp_path: Path) -> None:
    _, data = example_html
    html = tmp_path / "observed.html"
    html.write_text(render(with_observations(data), Format.html))
    with open_report(html) as (page, log):
        chart = page.locator("#chart-volume svg")
        assert chart.is_visible() and chart.locator("polyline").count() == 3
        assert chart.bounding_box()["height"] > 200
        assert "org-acme-research" in page.locator("#chart-volume").inner_text()
    assert log.console_errors == []
