"""`tos-check discover`: what the repository shows about its AI use; `--write` drafts ai-usage.yaml."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from compliance.cli import reports_errors
from compliance.errors import InputError


class DiscoverFormat(str, Enum):
    text = "text"
    json = "json"


def _text(data: dict[str, Any]) -> str:
    lines = [f"tos-check discover — {data['root']}", ""]
    files = data["files"]
    lines.append("Files read: " + (", ".join(f"{n} {k}" for k, n in files["read"].items()) or "none")
                 + "; skipped: " + (", ".join(f"{n} {k}" for k, n in files["skipped"].items()) or "none"))
    if files["unparsable"]:
        lines.append("Could not parse: " + ", ".join(files["unparsable"]))
    lines += ["", f"Provider calls ({len(data['provider_calls'])}):"]
    for call in data["provider_calls"]:
        purposes = ", ".join(f"{p} {c:.2f}" for p, c in sorted(call["purposes"].items(), key=lambda x: -x[1])) or "purpose unknown"
        where = f" via {call['base_url']}" if call["base_url"] else ""
        lines.append(f"  {call['at']}  {call['provider']} {call['model'] or '(model not resolved)'}{where} [{call['api']}]  {purposes}")
    lines += ["", f"Training steps ({len(data['training'])}):"]
    for step in data["training"]:
        lines.append(f"  {step['at']}  {step['framework']}  base {step['base_model'] or '(unknown)'}"
                     f"  reads {', '.join(step['inputs']) or '(nothing resolved)'}")
    lines += ["", f"Flows of provider output into training ({len(data['flows'])}):"]
    for flow in data["flows"]:
        lines.append(f"  {flow['link'].upper()} ({flow['confidence']:.2f}) {flow['provider']} {flow['model'] or ''}"
                     f" -> {flow['dataset']} -> {flow['trains']}")
        lines += [f"      {hop}" for hop in flow["chain"]]
    if data["statements"]:
        lines += ["", f"Statements in cards and prose ({len(data['statements'])}):"]
        lines += [f"  {s['at']}  {s['relation']}: {s['object']} ({s['source']}, {s['confidence']:.2f})" for s in data["statements"]]
    return "\n".join(lines) + "\n"


@reports_errors
def discover(
    path: Annotated[Path, typer.Argument(help="Repository folder.")] = Path("."),
    write: Annotated[bool, typer.Option("--write", help="Write a draft PATH/ai-usage.yaml with comments naming the evidence.")] = False,
    force: Annotated[bool, typer.Option("--force", help="With --write: overwrite an existing manifest.")] = False,
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", help="Skip paths matching this gitignore-style glob (repeatable).")] = None,
    output_format: Annotated[DiscoverFormat, typer.Option("--format", "-f", help="Output format.")] = DiscoverFormat.text,
) -> None:
    """Find provider API calls, training steps, datasets and the flows between them in a repository."""
    from compliance.manifest import load_manifest_text
    from compliance.sources.discover import discover as run_discovery
    from compliance.sources.discover.writer import findings_data, render_manifest

    if not path.is_dir():
        raise InputError(str(path), None, "not a folder")
    result = run_discovery(path, list(exclude or []))
    if write:
        target = path / "ai-usage.yaml"
        if target.exists() and not force:
            raise InputError(str(target), None, "already exists (use --force to overwrite)")
        text = render_manifest(result.draft)
        load_manifest_text(text, str(target))  # the draft must validate before it is written
        try:
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(str(target), None, f"cannot write: {exc.strerror}") from None
        typer.echo(f"wrote {target}: {len(result.draft.data['artifacts'])} artifact(s), "
                   f"{len(result.draft.data['providers'])} provider use(s), {len(result.draft.data['datasets'])} dataset(s)")
        return
    data = findings_data(result)
    if output_format is DiscoverFormat.json:
        typer.echo(json.dumps(data, indent=2, sort_keys=True, default=str))
    else:
        typer.echo(_text(data), nl=False)
