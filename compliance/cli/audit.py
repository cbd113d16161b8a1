"""`tos-check audit LOGS...`: which accounts look like they extract outputs to train another model.

For a provider (or a team auditing its own traffic): every account in the logs ranked by a risk
score built from the bundled log signals (rules/signals/), with the signals that fired, clusters
of coordinated accounts, and sample records (file:line, redacted) behind each.

Exit codes: 0 done, 2 usage error or an input that could not be read (the report is still written).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from compliance.cli import app, reports_errors
from compliance.errors import EXIT_INPUT, EXIT_OK, InputError


class AuditFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
@reports_errors
def audit(
    logs: Annotated[list[str], typer.Argument(help="Log files, folders, globs, or - for stdin.")],
    rules: Annotated[Optional[list[Path]], typer.Option("--rules", help="Extra rule-pack folder or file with signals (repeatable).")] = None,
    top: Annotated[int, typer.Option("--top", min=0, help="Show the N riskiest accounts (0: all).")] = 25,
    output_format: Annotated[AuditFormat, typer.Option("--format", "-f", help="Report format.")] = AuditFormat.text,
    log_format: Annotated[Optional[str], typer.Option("--log-format", help="Force one log format (default: detect per file).")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report here instead of stdout.")] = None,
    workers: Annotated[Optional[int], typer.Option("--workers", min=1, help="Processes to read with (default: every core).")] = None,
) -> None:
    """Rank the accounts in API logs by how much they look like output extraction for training."""
    from compliance.nlp import service

    # spaCy loads in a helper while this process imports, loads packs and plans (the tos-check script
    # started it already in compliance/entry.py; this covers other callers of the CLI app)
    service.start()
    from compliance.signals.compiled import load_signals
    from compliance.signals.report import audit_data, render
    from compliance.signals.runner import analyse
    from compliance.sources.logs import FORMATS

    if log_format is not None and log_format not in FORMATS:
        raise InputError(None, None, f"--log-format: unknown format {log_format!r}; known: {', '.join(FORMATS)}")
    signals = load_signals(list(rules or []))
    if not signals.signals:
        raise InputError(None, None, "no signals loaded: the rule packs define no `signals:`")
    signals.lemmas.prepare_service()
    analysis = analyse(list(logs), signals, log_format, workers=workers)
    data = audit_data(analysis, top)
    text = render(data, output_format.value)
    if output is None:
        typer.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(str(output), None, f"cannot write report: {exc.strerror}") from None
    unreadable = analysis.stats.unreadable
    if unreadable:
        first = unreadable[0]
        more = f" (and {len(unreadable) - 1} more)" if len(unreadable) > 1 else ""
        typer.echo(f"tos-check: error: {first[0]}: {first[1]}{more}", err=True)
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_OK)
