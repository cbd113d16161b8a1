"""`tos-check rules …`: list, show, validate, test and verify rule packs."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from compliance.cli import reports_errors
from compliance.errors import EXIT_INPUT, EXIT_POLICY

rules_app = typer.Typer(help="Inspect, validate, test and verify rule packs.", no_args_is_help=True)

ExtraRules = Annotated[Optional[list[Path]], typer.Option("--rules", help="Extra rule-pack folder or file (repeatable).")]
NoBundled = Annotated[bool, typer.Option("--no-bundled", help="Leave out the bundled packs.")]


def _load(rules: Optional[list[Path]], no_bundled: bool = False):  # type: ignore[no-untyped-def]
    from compliance.rules.loader import load_rules

    return load_rules(list(rules or []), include_bundled=not no_bundled)


@rules_app.command("list")
@reports_errors
def list_rules(rules: ExtraRules = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List every rule with its document version and severity."""
    ruleset = _load(rules)
    rows = [
        {"id": r.id, "document": r.pack.document.id, "version": r.pack.document.version,
         "clause": r.spec.clause, "kind": r.spec.kind, "severity": r.spec.severity}
        for r in ruleset.rules()
    ]
    rows.sort(key=lambda row: (row["id"], row["version"]))
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        typer.echo(f"{row['id']:<62} {row['version']:<12} {row['severity']:<8} {row['kind']}")


@rules_app.command("show")
@reports_errors
def show(rule_id: str, rules: ExtraRules = None) -> None:
    """Print one rule as its pack defines it (every version)."""
    from compliance.cli.explain import describe_rule

    ruleset = _load(rules)
    found = ruleset.by_id.get(rule_id)
    if not found:
        typer.echo(f"tos-check: error: no rule {rule_id!r}", err=True)
        raise typer.Exit(EXIT_INPUT)
    for rule in found:
        typer.echo(describe_rule(rule, full=True))


@rules_app.command("validate")
@reports_errors
def validate(paths: Annotated[Optional[list[Path]], typer.Argument(help="Packs or folders; default the bundled packs.")] = None) -> None:
    """Check rule packs against the schema and the condition language (exit 2 on the first error)."""
    ruleset = _load(paths, no_bundled=bool(paths))
    total = sum(len(p.rules) for p in ruleset.packs)
    typer.echo(f"{len(ruleset.packs)} packs, {total} rules: valid")


@rules_app.command("test")
@reports_errors
def test(rules: ExtraRules = None, no_bundled: NoBundled = False, verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """Run every rule's examples; exit 1 if any example is judged differently than it expects."""
    from compliance.rules.testing import run_rule_tests

    ruleset = _load(rules, no_bundled)
    results = run_rule_tests(ruleset)
    failed = [r for r in results if not r.ok]
    for r in results:
        if verbose or not r.ok:
            mark = "ok  " if r.ok else "FAIL"
            typer.echo(f"{mark} {r.rule_id} :: {r.example}: expected {r.expected}, got {r.got}")
            if not r.ok and r.detail:
                typer.echo(f"     {r.detail}")
    untested = [rule.id for rule in ruleset.rules() if not rule.spec.examples]
    typer.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if untested:
        typer.echo(f"rules without examples: {', '.join(sorted(set(untested)))}")
    if failed:
        raise typer.Exit(EXIT_POLICY)


@rules_app.command("verify")
@reports_errors
def verify(
    corpus: Annotated[Optional[list[Path]], typer.Option("--corpus", help="Folder of source texts (repeatable); searched before the bundled rules/sources/.")] = None,
    rules: ExtraRules = None,
    no_bundled: NoBundled = False,
) -> None:
    """Check that every quote appears verbatim (up to whitespace and Markdown) in its source text.

    Source texts are looked up in each --corpus folder, then in the bundled `rules/sources/`.
    """
    from compliance.rules.verify import source_folders, verify_quotes

    for folder in corpus or []:
        if not folder.is_dir():
            typer.echo(f"tos-check: error: {folder}: corpus folder not found", err=True)
            raise typer.Exit(EXIT_INPUT)
    folders = source_folders(list(corpus or []))
    checks = verify_quotes(_load(rules, no_bundled), folders)
    missing = [c for c in checks if not c.found]
    for c in missing:
        typer.echo(f"MISSING {c.rule_id} ({c.pack}): {c.reason} [{c.source}]")
    typer.echo(f"{len(checks) - len(missing)} of {len(checks)} quotes found in their source texts")
    if missing:
        raise typer.Exit(EXIT_POLICY)


class DiffFormat(str, Enum):
    text = "text"
    json = "json"


@rules_app.command("diff")
@reports_errors
def diff(
    old: Annotated[str, typer.Argument(help="Document as document-id@version, e.g. openai.terms-of-use@2023-03-14.")],
    new: Annotated[str, typer.Argument(help="The document to compare with: another version, or another document.")],
    output_format: Annotated[DiffFormat, typer.Option("--format", help="text or json.")] = DiffFormat.text,
    rules: ExtraRules = None,
) -> None:
    """Compare the clauses of two documents: added, removed and reworded (with a word diff)."""
    from compliance.rules.diff import diff_packs, find_pack, render_text

    ruleset = _load(rules)
    result = diff_packs(find_pack(ruleset, old), find_pack(ruleset, new))
    if output_format is DiffFormat.json:
        typer.echo(json.dumps(result.to_json(), indent=2, sort_keys=True, ensure_ascii=False))
    else:
        typer.echo(render_text(result), nl=False)
