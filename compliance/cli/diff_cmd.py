"""`tos-check diff OLD.json NEW.json`: what appeared, disappeared or changed status between two reports.

Findings are matched by fingerprint (rule id and the facts it judged), so moved lines and reordered
manifests do not show up as changes. Exit code 0 whatever changed; 2 when a report cannot be read.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from compliance.cli import app, reports_errors


class DiffFormat(str, Enum):
    text = "text"
    json = "json"


def diff_text(diff: dict[str, Any]) -> str:
    from compliance.report.escaping import one_line, shorten

    def line(mark: str, f: dict[str, Any], extra: str = "") -> str:
        return (f"  {mark} {f['status'].upper()} [{f['severity']}] {f['rule_id']}{extra}\n"
                f"      {shorten(one_line(f['message']), 160)}  ({f['fingerprint']})\n")

    out = [f"tos-check diff {one_line(diff['old'])} → {one_line(diff['new'])}\n"]
    for title, key, mark in (("Appeared", "appeared", "+"), ("Disappeared", "disappeared", "-"), ("Changed", "changed", "~")):
        items = diff[key]
        out.append(f"\n{title} ({len(items)}):\n")
        if not items:
            out.append("  none\n")
        for f in items:
            extra = ""
            if key == "changed":
                extra = f"  (was {f['old_status']} [{f['old_severity']}])"
            out.append(line(mark, f, extra))
    out.append(f"\nUnchanged: {diff['unchanged']}\n")
    return "".join(out)


@app.command("diff")
@reports_errors
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier JSON report (tos-check scan --format json).")],
    new: Annotated[Path, typer.Argument(help="The later JSON report.")],
    output_format: Annotated[DiffFormat, typer.Option("--format", "-f", help="text or json.")] = DiffFormat.text,
) -> None:
    """Show which findings appeared, disappeared or changed status between two JSON reports."""
    from compliance.baseline import diff_reports, load_report

    result = diff_reports(load_report(old, str(old)), load_report(new, str(new)))
    if output_format is DiffFormat.json:
        typer.echo(json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        typer.echo(diff_text(result), nl=False)
