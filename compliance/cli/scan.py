"""`tos-check scan`: the CI gate."""

from __future__ import annotations

from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from compliance.cli import app, reports_errors
from compliance.errors import EXIT_OK, EXIT_POLICY, InputError


class OutputFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


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


@app.command()
@reports_errors
def scan(
    path: Annotated[Path, typer.Argument(help="Project folder (or a manifest file).")] = Path("."),
    manifest: Annotated[Optional[Path], typer.Option("--manifest", "-m", help="Usage manifest; default PATH/ai-usage.yaml.")] = None,
    rules: Annotated[Optional[list[Path]], typer.Option("--rules", help="Extra rule-pack folder or file (repeatable).")] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Report format.")] = OutputFormat.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report here instead of stdout.")] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Lowest severity of a violation or review that fails the scan.")] = FailOn.high,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Judge undated uses as of this date (YYYY-MM-DD); default today.")] = None,
) -> None:
    """Scan a project and report where its AI use breaks the terms it agreed to.

    Exit codes: 0 passes, 1 findings at or above --fail-on, 2 input or usage error.
    """
    from compliance.engine import ScanOptions, report_data, run_scan
    from compliance.report import render

    options = ScanOptions(path=path, manifest=manifest, rules_dirs=list(rules or []),
                          as_of=parse_date(as_of, "--as-of"), fail_on=fail_on.value)
    result = run_scan(options)
    text = render(report_data(result), output_format.value)
    if output is None:
        typer.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(str(output), None, f"cannot write report: {exc.strerror}") from None
    raise typer.Exit(EXIT_POLICY if result.verdict == "fail" else EXIT_OK)
