"""`tos-check schema NAME`: print a published JSON Schema (manifest, rule-pack or report)."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated, Any, Callable

import typer

from compliance.cli import app, reports_errors


class SchemaName(str, Enum):
    manifest = "manifest"
    rule_pack = "rule-pack"
    report = "report"


def schema_builders() -> dict[str, Callable[[], dict[str, Any]]]:
    from compliance.manifest import manifest_json_schema
    from compliance.report.schema import report_json_schema
    from compliance.rules.schema import rule_pack_json_schema

    return {"manifest": manifest_json_schema, "rule-pack": rule_pack_json_schema, "report": report_json_schema}


def schema_text(name: str) -> str:
    return json.dumps(schema_builders()[name](), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@app.command()
@reports_errors
def schema(name: Annotated[SchemaName, typer.Argument(help="Which schema to print.")]) -> None:
    """Print the JSON Schema of the manifest, a rule pack, or the JSON report."""
    typer.echo(schema_text(name.value), nl=False)
