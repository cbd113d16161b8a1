"""Several reports in one run, format inference from names, stdout rules, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance.report.formats import RENDERER_MODULES, Format, format_for_path, render
from tests.conftest import EXAMPLES
from tests.report.helpers import example_report, verdict_line

DISTILLED = str(EXAMPLES / "distilled-chat")
AS_OF = ("--as-of", "2026-11-01")


def test_every_format_has_a_renderer_and_the_cli_lists_them_all() -> None:
    from compliance.cli.scan import OutputFormat
    from compliance.config import FormatName

    assert set(RENDERER_MODULES) == set(Format)
    assert [f.value for f in OutputFormat] == [f.value for f in Format]
    assert set(FormatName.__args__) == {f.value for f in Format}  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "fmt"), [
    ("r.json", Format.json), ("r.sarif", Format.sarif), ("r.sarif.json", Format.sarif), ("R.HTML", Format.html),
    ("r.htm", Format.html), ("r.xml", Format.junit), ("r.junit.xml", Format.junit), ("r.md", Format.markdown),
    ("r.markdown", Format.markdown), ("r.txt", Format.text), ("gl-code-quality-report.json", Format.codequality),
    ("out/x.codequality.json", Format.codequality), ("r.pdf", None), ("json", None), (".json", None),
])
def test_format_from_file_name(name: str, fmt: Format | None) -> None:
    assert format_for_path(name) == fmt


def test_five_reports_in_one_run(cli, tmp_path: Path) -> None:
    names = ["r.html", "r.sarif", "r.xml", "r.md", "r.json"]
    args = [a for n in names for a in ("--output", n)]
    result = cli("scan", DISTILLED, *args, *AS_OF, cwd=tmp_path)
    assert result.exit_code == 1, result.output
    for name in names:
        assert (tmp_path / name).stat().st_size > 500, name
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["summary"]["verdict"] == "fail"
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    assert json.loads((tmp_path / "r.sarif").read_text())["version"] == "2.1.0"
    assert (tmp_path / "r.xml").read_text().startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
    assert (tmp_path / "r.md").read_text().startswith("### tos-check: ❌ FAIL")
    # nothing went to stdout but the verdict and the list of files written
    assert result.stdout.splitlines()[0] + "\n" == verdict_line(report)
    assert [l for l in result.stdout.splitlines() if l.startswith("Wrote ")] == [
        f"Wrote {fmt} report to {name}" for fmt, name in zip(["html", "sarif", "junit", "markdown", "json"], names)]


def test_every_format_is_byte_identical_across_runs(cli, tmp_path: Path) -> None:
    names = ["r.html", "r.sarif", "r.xml", "r.md", "r.json", "r.txt", "gl-code-quality-report.json"]
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        result = cli("scan", DISTILLED, *[a for n in names for a in ("-o", n)], *AS_OF, cwd=tmp_path / run)
        assert result.exit_code == 1, result.output
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_a_format_without_output_goes_to_stdout_next_to_files(cli, tmp_path: Path) -> None:
    result = cli("scan", DISTILLED, "--format", "json", "--output", "r.sarif", "--output", "r.xml", *AS_OF, cwd=tmp_path)
    assert result.exit_code == 1
    assert json.loads(result.stdout)["tool"]["name"] == "tos-check"
    assert json.loads((tmp_path / "r.sarif").read_text())["version"] == "2.1.0"
    # a --format that an output already produces is not written to stdout a second time
    again = cli("scan", DISTILLED, "--format", "sarif", "--output", "a.sarif", "--output", "r.md", *AS_OF, cwd=tmp_path)
    assert again.stdout.startswith("Verdict: FAIL") and (tmp_path / "a.sarif").exists()


def test_one_format_with_one_output_wins_over_the_extension(cli, tmp_path: Path) -> None:
    result = cli("scan", DISTILLED, "--format", "sarif", "--output", "results.json", *AS_OF, cwd=tmp_path)
    assert result.exit_code == 1
    assert json.loads((tmp_path / "results.json").read_text())["version"] == "2.1.0"
    assert result.stdout.startswith("Verdict: FAIL")


def test_codequality_by_format_or_by_name(cli, tmp_path: Path) -> None:
    by_name = cli("scan", DISTILLED, "-o", "gl-code-quality-report.json", "-o", "r.json", *AS_OF, cwd=tmp_path)
    assert by_name.exit_code == 1
    issues = json.loads((tmp_path / "gl-code-quality-report.json").read_text())
    assert isinstance(issues, list) and issues
    by_format = cli("scan", DISTILLED, "--format", "codequality", *AS_OF, cwd=tmp_path)
    assert json.loads(by_format.stdout) == issues


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "json", "--format", "sarif"], "more than one report would go to stdout"),
    (["--output", "report.pdf", "--output", "r.json"], "report.pdf: cannot tell the report format"),
    (["--output", "r.json", "--output", "./r.json"], "given twice"),
    (["--output", "missing-folder/r.json"], "folder does not exist"),
])
def test_ambiguous_or_impossible_outputs_are_usage_errors(cli, tmp_path: Path, args: list[str], message: str) -> None:
    result = cli("scan", DISTILLED, *args, cwd=tmp_path)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.glob("r.*"))


def test_exit_zero_writes_reports_and_exits_0(cli, tmp_path: Path) -> None:
    result = cli("scan", DISTILLED, "-o", "r.json", "--exit-zero", *AS_OF, cwd=tmp_path)
    assert result.exit_code == 0
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["verdict"] == "fail"
    assert "Verdict: FAIL" in result.stdout


def test_exit_zero_does_not_hide_input_errors(cli, tmp_path: Path) -> None:
    (tmp_path / "ai-usage.yaml").write_text("project: p\nartifacts: 3\n")
    result = cli("scan", str(tmp_path), "--exit-zero")
    assert result.exit_code == 2 and "ai-usage.yaml:2" in result.stderr


def test_quiet_prints_only_the_verdict(cli, tmp_path: Path) -> None:
    expected = verdict_line(example_report())
    assert expected.startswith("Verdict: FAIL (")
    result = cli("scan", DISTILLED, "--quiet", *AS_OF)
    assert result.exit_code == 1
    assert result.stdout == expected
    with_files = cli("scan", DISTILLED, "-q", "-o", "r.md", "-o", "r.json", *AS_OF, cwd=tmp_path)
    assert with_files.stdout == expected
    assert (tmp_path / "r.md").exists() and (tmp_path / "r.json").exists()
    passing = cli("scan", str(EXAMPLES / "support-bot"), "-q")
    assert passing.exit_code == 0 and passing.stdout.startswith("Verdict: PASS")


def test_log_and_discovery_flags_reach_the_scan_options(cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from compliance import engine

    seen = {}
    real = engine.run_scan

    def spy(options):  # type: ignore[no-untyped-def]
        seen["options"] = options
        return real(options)

    monkeypatch.setattr(engine, "run_scan", spy)
    cli("scan", DISTILLED, "--logs", "logs/*.jsonl", "--logs", "more/*.jsonl.gz", "--log-format", "openai-batch",
        "--exclude", "vendor/**", "--no-discover", "-q")
    options = seen["options"]
    assert options.logs == ["logs/*.jsonl", "more/*.jsonl.gz"]
    assert options.log_format == "openai-batch"
    assert options.exclude == ["vendor/**"]
    assert options.discover is False
    cli("scan", DISTILLED, "-q")
    assert seen["options"].discover is True and seen["options"].logs == []


def test_renderers_take_report_data_only() -> None:
    data = example_report()
    for fmt in Format:
        text = render(data, fmt)
        assert text.endswith("\n") and len(text) > 200, fmt
