"""Untrusted text (names, descriptions, snippets, notes) renders inert in HTML and Markdown.

The Markdown is rendered with a GitHub-like CommonMark renderer (raw HTML allowed, autolinks on),
so the test checks what a reader would get, not just the bytes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

HOSTILE_NAME = "Acme <script>alert(1)</script> [link](http://x) @someone"
HOSTILE_DESCRIPTION = "Chat assistant <img src=x onerror=alert(2)> ![i](http://x/i.png) www.evil.example @org/team contact jane.doe@example.com"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    project = tmp_path / "hostile"
    project.mkdir()
    (project / "ai-usage.yaml").write_text(
        "project: \"p <b>bold</b> @someone\"\n"
        "artifacts:\n"
        "  - id: a\n    kind: model-weights\n"
        f"    name: \"{HOSTILE_NAME}\"\n"
        f"    description: \"{HOSTILE_DESCRIPTION}\"\n"
        "    commercial: true\n    distribution: public\n"
        "    base_model: meta-llama/Llama-3.1-8B-Instruct\n"
        "    trained_on: [d]\n"
        "datasets:\n  - id: d\n    path: \"data/<script>x.jsonl\"\n    origin: generated\n"
        "    generated_by: {provider: openai, model: gpt-4o}\n")
    return project


def render(cli, project: Path, fmt: str) -> str:
    result = cli("scan", str(project), "--format", fmt, "--fail-on", "never", "--as-of", "2026-11-01")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_hostile_text_reaches_the_reports(cli, hostile: Path) -> None:
    text = render(cli, hostile, "text")
    assert HOSTILE_NAME in text  # the plain-text report shows it as it is: it is inert there


def test_html_escapes_everything_untrusted(cli, hostile: Path) -> None:
    html = render(cli, hostile, "html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    assert "<img" not in html.lower() and "onerror=alert" not in html.replace("onerror=alert(2)&gt;", "")
    assert "<b>bold</b>" not in html
    assert 'href="http://x' not in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert all(h.startswith("https://") or h == "data:," for h in hrefs), hrefs
    assert "jane.doe@example.com" not in html


def test_markdown_is_inert_when_rendered(cli, hostile: Path) -> None:
    md = render(cli, hostile, "markdown")
    assert "jane.doe@example.com" not in md
    rendered = MarkdownIt("gfm-like", {"html": True}).render(md)
    assert "<script" not in rendered and "<img" not in rendered and "<b>bold" not in rendered
    links = re.findall(r'<a href="([^"]*)"', rendered)
    assert all(l.startswith("https://") for l in links), links  # only the rule packs' sources
    assert "http://x" not in links and not any("evil.example" in l for l in links)
    assert "@someone" not in md and "@org/team" not in md  # no mention can form
    assert "@\u200bsomeone" in md


def test_markdown_link_targets_are_http_only() -> None:
    from compliance.report.escaping import markdown_url, safe_url

    assert markdown_url("https://example.com/a b") == ""
    assert markdown_url("javascript:alert(1)") == ""
    assert markdown_url("https://en.wikipedia.org/wiki/X_(y)") == "https://en.wikipedia.org/wiki/X_%28y%29"
    assert safe_url("data:text/html,<b>") == "" and safe_url("docs/knowledge-base.md") == ""


def test_hostile_rule_pack_urls_do_not_become_links(cli, hostile: Path, tmp_path: Path) -> None:
    pack = tmp_path / "rules" / "evil.yaml"
    pack.parent.mkdir()
    pack.write_text(
        "schema_version: 1\ndocument:\n  id: evil.policy\n  provider: evil\n  title: \"Evil <script>x</script> policy\"\n"
        "  kind: organisation-policy\n  version: \"1\"\n  url: \"javascript:alert(1)\"\nrules:\n"
        "  - id: evil.policy.any\n    clause: organisation-policy\n    severity: high\n    when:\n"
        "      for:\n        - artifact: {in: artifacts}\n      require: {$artifact.id: {exists: true}}\n"
        "    message: \"{artifact.name} [x](javascript:alert(1))\"\n")
    for fmt in ("html", "markdown"):
        result = cli("scan", str(hostile), "--rules", str(pack.parent), "--format", fmt, "--fail-on", "never")
        assert result.exit_code == 0, result.output
        out = result.stdout
        assert "<script>x" not in out
        html = out if fmt == "html" else MarkdownIt("gfm-like", {"html": True}).render(out)
        assert "javascript:" not in " ".join(re.findall(r'href="([^"]*)"', html))
        assert "<script>x" not in html
