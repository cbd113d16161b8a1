"""`tos-check explain RULE_ID`: the clause, its source, why it fires and how to comply."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Annotated, Optional

import typer

from compliance.cli import app, reports_errors
from compliance.errors import EXIT_INPUT


def describe_rule(rule, full: bool = False) -> str:  # type: ignore[no-untyped-def]
    spec, doc = rule.spec, rule.pack.document
    window = f"{doc.effective_from or '?'} – {doc.valid_until or 'current'}"
    lines = [
        f"{spec.id}  ({spec.kind}, severity {spec.severity})",
        f"  Document: {doc.title}, version {doc.version} (in force {window})",
        f"  Source:   {doc.url}" + (f"  [{doc.source_text}]" if doc.source_text else ""),
    ]
    if spec.section:
        lines.append(f"  Section:  {spec.section}")
    if spec.quote:
        lines.append("  Clause:")
        lines += textwrap.wrap(" ".join(spec.quote.split()), 96, initial_indent="    “", subsequent_indent="     ")
        lines[-1] += "”"
    lines.append("  Why it fires:")
    for binding in rule.bindings:
        lines.append(f"    for {binding.name} in {binding.collection}" + (f" where {binding.where.describe()}" if binding.where else ""))
    if rule.require is not None:
        lines.append(f"    require {rule.require.describe()}")
    if rule.unless is not None:
        lines.append(f"    unless {rule.unless.describe()}")
    lines.append(f"    → {spec.message.strip()}")
    if spec.remediation:
        lines.append("  How to comply:")
        lines += textwrap.wrap(" ".join(spec.remediation.split()), 96, initial_indent="    ", subsequent_indent="    ")
    if full and spec.examples:
        lines.append("  Examples: " + "; ".join(f"{e.name} → {e.expect}" for e in spec.examples))
    lines.append(f"  Defined in {rule.pack.path}:{rule.line}")
    return "\n".join(lines) + "\n"


@app.command()
@reports_errors
def explain(
    rule_id: Annotated[str, typer.Argument(help="A rule id, e.g. openai.services-agreement.no-competing-model.")],
    rules: Annotated[Optional[list[Path]], typer.Option("--rules", help="Extra rule-pack folder (repeatable).")] = None,
) -> None:
    """Explain a rule: the clause it encodes, where it comes from, when it fires and how to comply."""
    from rapidfuzz import process

    from compliance.rules.loader import load_rules

    ruleset = load_rules(list(rules or []))
    found = ruleset.by_id.get(rule_id)
    if not found:
        close = process.extract(rule_id, sorted(ruleset.by_id), limit=3, score_cutoff=60)
        hint = f" (did you mean {', '.join(c[0] for c in close)}?)" if close else ""
        typer.echo(f"tos-check: error: no rule {rule_id!r}{hint}", err=True)
        raise typer.Exit(EXIT_INPUT)
    for rule in sorted(found, key=lambda r: r.pack.document.version):
        typer.echo(describe_rule(rule, full=True))
