"""`tos-check scan`: the CI gate.

Reads the configuration (`[tool.tos-check]` or `.tos-check.yaml` at the scanned root; flags win),
plans the reports, scans, applies waivers and the baseline, renders every report before writing
any, then exits 0 (pass), 1 (policy failure) or 2 (input or tool error). `--exit-zero` exits 0
after writing the reports whatever the verdict; input errors still exit 2, since then no report
was written.
"""

from __future__ import annotations

import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from compliance.cli import app, reports_errors
from compliance.errors import EXIT_OK, EXIT_POLICY, InputError


class OutputFormat(str, Enum):
    """Kept equal to `compliance.report.formats.Format` (a test checks it); here so that
    `--help` needs no report module."""

    text = "text"
    markdown = "markdown"
    json = "json"
    html = "html"
    sarif = "sarif"
    junit = "junit"
    codequality = "codequality"


class FailOn(str, Enum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    never = "never"


def parse_date(value: Optional[str], option: str) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(None, None, f"{option}: {value!r} is not a date (YYYY-MM-DD)") from None


def source_root_prefix(root: Path, source_root: Optional[Path]) -> str:
    """The scanned folder relative to the repository root, for repository-relative report paths.

    The repository root is `--source-root`, else the nearest enclosing folder with `.git`, else
    the current folder. A scanned folder outside it keeps paths relative to itself.
    """
    resolved = root.resolve()
    base = source_root.resolve() if source_root is not None else None
    if base is None:
        base = next((p for p in (resolved, *resolved.parents) if (p / ".git").exists()), Path.cwd().resolve())
    try:
        rel = resolved.relative_to(base).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@app.command()
@reports_errors
def scan(
    path: Annotated[Path, typer.Argument(help="Project folder (or a manifest file).")] = Path("."),
    manifest: Annotated[Optional[Path], typer.Option("--manifest", "-m", help="Usage manifest; default PATH/ai-usage.yaml.")] = None,
    rules: Annotated[Optional[list[Path]], typer.Option("--rules", help="Extra rule-pack folder or file (repeatable).")] = None,
    output_format: Annotated[Optional[list[OutputFormat]], typer.Option(
        "--format", "-f", help="Report format (repeatable). Without a matching --output it goes to stdout. Default: text.")] = None,
    output: Annotated[Optional[list[Path]], typer.Option(
        "--output", "-o", help="Write a report to this file (repeatable). The format comes from the name: .json .sarif .html "
        ".xml (JUnit) .md .txt, gl-code-quality-report.json or *.codequality.json (GitLab Code Quality); "
        "one --format with one --output writes that format whatever the name.")] = None,
    template: Annotated[Optional[list[Path]], typer.Option(
        "--template", help="Render your own Jinja2 template (sandboxed; autoescaped when it ends in .html or .html.j2). "
        "Goes where a --format would.")] = None,
    fail_on: Annotated[Optional[FailOn], typer.Option(
        "--fail-on", help="Lowest severity of a violation or review that fails the scan. Default: high.")] = None,
    as_of: Annotated[Optional[str], typer.Option(
        "--as-of", help="Judge undated uses, and waiver expiry, as of this date (YYYY-MM-DD); default today.")] = None,
    waivers: Annotated[Optional[Path], typer.Option(
        "--waivers", help="Waiver file; default PATH/.tos-check/waivers.yaml when it exists.")] = None,
    baseline: Annotated[Optional[Path], typer.Option(
        "--baseline", help="A previous JSON report: fail only on findings whose fingerprint is new.")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 after writing the reports, whatever the verdict.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the verdict (reports asked for still get written).")] = False,
    source_root: Annotated[Optional[Path], typer.Option(
        "--source-root", help="Repository root that SARIF, JUnit and Code Quality paths are relative to; "
        "default: the enclosing git work tree, else the current folder.")] = None,
    logs: Annotated[Optional[list[str]], typer.Option(
        "--logs", metavar="GLOB", help="API log files to read (repeatable); used by the log source.")] = None,
    log_format: Annotated[Optional[str], typer.Option(
        "--log-format", help="Format of the --logs files instead of detecting it; used by the log source.")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(
        "--exclude", metavar="GLOB", help="Paths to leave out (repeatable); used by the log and discovery sources.")] = None,
    no_discover: Annotated[bool, typer.Option(
        "--no-discover", help="Do not look for AI use in the repository beyond the manifest; used by the discovery source.")] = False,
) -> None:
    """Scan a project and report where its AI use breaks the terms it agreed to.

    Exit codes: 0 passes, 1 findings at or above --fail-on, 2 input or usage error.
    """
    from compliance.baseline import load_report
    from compliance.config import load_config
    from compliance.engine import ScanOptions, run_scan
    from compliance.report.build import build_report
    from compliance.report.formats import Format, RenderOptions
    from compliance.report.outputs import plan_outputs
    from compliance.report.terminal import progress, use_colour, write_text
    from compliance.report.text import verdict_line
    from compliance.waivers import default_waivers_path, load_waivers

    if not path.exists():
        raise InputError(str(path), None, "path not found")
    root = path if path.is_dir() else path.parent
    config = load_config(root)
    as_of_date = parse_date(as_of, "--as-of")

    cli_reports = bool(output_format or output or template)
    formats = [Format(f.value) for f in output_format or []] if cli_reports else [Format(f) for f in config.formats]
    outputs = list(output or []) if cli_reports else list(config.outputs)
    targets = plan_outputs(formats, list(template or []), outputs)

    waiver_path = waivers or config.waivers or default_waivers_path(root)
    loaded_waivers = load_waivers(waiver_path, _display(waiver_path, root)) if waiver_path else []
    baseline_path = baseline or config.baseline
    base = load_report(baseline_path, str(baseline_path)) if baseline_path else None

    options = ScanOptions(
        path=path, manifest=manifest or config.manifest, rules_dirs=list(rules or config.rules),
        as_of=as_of_date, fail_on=(fail_on.value if fail_on else config.fail_on) or "high",
        logs=list(logs or []), log_format=log_format, exclude=list(exclude or []), discover=not no_discover,
    )
    with progress("Scanning…", enabled=not quiet):
        result = run_scan(options)
        data = build_report(result, loaded_waivers, as_of_date or date.today(), base)
    render_options = RenderOptions(path_prefix=source_root_prefix(root, source_root))
    rendered = [(target, target.render(data, render_options)) for target in targets]

    for target, text in rendered:
        if target.dest is None:
            continue
        try:
            target.dest.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(str(target.dest), None, f"cannot write report: {exc.strerror}") from None
    to_stdout = [(t, text) for t, text in rendered if t.dest is None]
    if to_stdout:
        target, text = to_stdout[0]
        if target.fmt is Format.text:
            write_text(verdict_line(data) if quiet else text, sys.stdout, use_colour(sys.stdout))
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    else:
        summary = verdict_line(data)
        if not quiet:
            summary += "".join(f"Wrote {t.label} report to {t.dest}\n" for t, _ in rendered)
        write_text(summary, sys.stdout, use_colour(sys.stdout))
    _warn_waivers(data, quiet)
    if exit_zero:
        raise typer.Exit(EXIT_OK)
    raise typer.Exit(EXIT_POLICY if data["summary"]["verdict"] == "fail" else EXIT_OK)


def _warn_waivers(data: dict, quiet: bool) -> None:  # type: ignore[type-arg]
    """Expired, unused and ineffective waivers are worth a line on stderr: someone should act."""
    if quiet:
        return
    for waiver in data.get("waivers") or []:
        if waiver["state"] == "in-force":
            continue
        what = {"expired": f"expired on {waiver['expires']}; its findings fail again",
                "unused": "covers no failing finding; remove it",
                "not-waivable": "names a rule that cannot be waived; it has no effect"}[waiver["state"]]
        typer.echo(f"tos-check: warning: {waiver['file']}:{waiver['line']}: waiver for {waiver['rule']} {what}", err=True)

