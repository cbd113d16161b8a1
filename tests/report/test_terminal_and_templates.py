"""Terminal colour only on a TTY (and never with NO_COLOR or CI); user templates run sandboxed."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from compliance.report.terminal import use_colour, write_text
from tests.conftest import EXAMPLES, REPO


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("env", "expected"), [
    ({}, True), ({"NO_COLOR": "1"}, False), ({"CI": "true"}, False), ({"TERM": "dumb"}, False), ({"NO_COLOR": ""}, True),
])
def test_colour_decision(env: dict[str, str], expected: bool) -> None:
    assert use_colour(FakeTTY(), env) is expected
    assert use_colour(io.StringIO(), env) is False


def test_colour_styles_lines_but_never_interprets_markup() -> None:
    out = FakeTTY()
    write_text("VIOLATION [high] rule.x\n  name [bold red]x[/bold red] \x1b[2J\nVerdict: FAIL (1)\n", out, colour=True)
    text = out.getvalue()
    assert "\x1b[" in text and "[bold red]x[/bold red]" in text
    plain = io.StringIO()
    write_text("VIOLATION [high] rule.x\n", plain, colour=False)
    assert plain.getvalue() == "VIOLATION [high] rule.x\n"


def run_in_pty(*args: str, env_extra: dict[str, str]) -> str:
    """Run tos-check with stdout on a pseudo-terminal; return what it wrote there."""
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR", "TERM", "FORCE_COLOR")}
    env.update({"TERM": "xterm-256color", "COLUMNS": "120", **env_extra})
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "compliance", *args], stdout=follower, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, env=env, cwd=REPO, timeout=120, check=False)
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == b"" or b"Traceback" not in proc.stderr
    return b"".join(chunks).decode()


def test_colour_on_a_real_terminal_and_plain_with_no_color_or_ci() -> None:
    args = ("scan", str(EXAMPLES / "distilled-chat"), "--as-of", "2026-11-01")
    coloured = run_in_pty(*args, env_extra={})
    assert "\x1b[" in coloured and "VIOLATION" in coloured
    for extra in ({"NO_COLOR": "1"}, {"CI": "true"}):
        plain = run_in_pty(*args, env_extra=extra)
        assert "\x1b[" not in plain and "VIOLATION [high]" in plain


def test_piped_output_is_plain_and_progress_stays_off(cli) -> None:
    result = cli("scan", str(EXAMPLES / "distilled-chat"))
    assert "\x1b[" not in result.stdout and result.stderr == ""


def test_custom_template_is_rendered_in_the_sandbox(cli, tmp_path: Path) -> None:
    (tmp_path / "summary.csv.j2").write_text(
        "rule,status\n{% for f in report.findings if f.status != 'pass' %}{{ f.rule_id }},{{ f.status }}\n{% endfor %}")
    result = cli("scan", str(EXAMPLES / "distilled-chat"), "--template", str(tmp_path / "summary.csv.j2"))
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[0] == "rule,status" and "meta.llama-3.1-license.derivative-naming,violation" in result.stdout
    out = tmp_path / "out.csv"
    assert cli("scan", str(EXAMPLES / "distilled-chat"), "--template", str(tmp_path / "summary.csv.j2"), "-o", str(out)).exit_code == 1
    assert out.read_text() == result.stdout


def test_custom_html_template_is_autoescaped(cli, tmp_path: Path) -> None:
    (tmp_path / "ai-usage.yaml").write_text(
        "project: \"<script>alert(1)</script>\"\nartifacts:\n  - id: a\n    kind: model-weights\n    name: M\n")
    (tmp_path / "mine.html.j2").write_text("<h1>{{ report.scan.project }}</h1>\n")
    result = cli("scan", str(tmp_path), "--template", str(tmp_path / "mine.html.j2"), "--fail-on", "never")
    assert result.stdout == "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>\n"


@pytest.mark.parametrize(("body", "line", "message"), [
    ("ok\n{{ report.__class__.__mro__ }}\n", 2, "template not allowed"),
    ("{{ ''.__class__.__base__.__subclasses__() }}", 1, "template not allowed"),
    ("{% for f in report.findings %}\n{{ f.no_such_key.x }}\n{% endfor %}", 2, "template error"),
    ("{% if %}", 1, "template syntax error"),
    ("{{ report.findings.append(1) }}", 1, "template not allowed"),
])
def test_unsafe_or_broken_templates_are_input_errors(cli, tmp_path: Path, body: str, line: int, message: str) -> None:
    template = tmp_path / "t.txt.j2"
    template.write_text(body)
    result = cli("scan", str(EXAMPLES / "distilled-chat"), "--template", str(template))
    assert result.exit_code == 2, result.output
    assert f"t.txt.j2:{line}: {message}" in result.stderr, result.stderr


def test_missing_template_is_an_input_error(cli, tmp_path: Path) -> None:
    result = cli("scan", str(EXAMPLES / "distilled-chat"), "--template", str(tmp_path / "nope.j2"))
    assert result.exit_code == 2 and "nope.j2: template not found" in result.stderr
