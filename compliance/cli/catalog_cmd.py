"""`tos-check catalog resolve`: what the model and dataset catalogs make of a name."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated, Any

import typer

from compliance.cli import reports_errors

catalog_app = typer.Typer(help="Look names up in the model and dataset catalogs.", no_args_is_help=True)


class ResolveFormat(str, Enum):
    text = "text"
    json = "json"


def model_row(name: str) -> dict[str, Any]:
    from compliance.catalog import resolve_model

    r = resolve_model(name)
    return {"input": name, "provider": r.provider, "family": r.family, "id": r.id, "kind": r.kind,
            "license": r.license, "terms_as": r.terms_as, "confidence": round(r.confidence, 3),
            "method": r.method}


def dataset_row(name: str) -> dict[str, Any]:
    from compliance.catalog import resolve_dataset

    r = resolve_dataset(name)
    return {"input": name, "id": r.id, "hf_id": r.hf_id, "origin": r.origin,
            "provider": (r.generated_by[0].provider if r.generated_by else None) if r.id else None,
            "generated_by": [g.model_dump() for g in r.generated_by],
            "license": r.license, "carries_terms": list(r.carries_terms), "confidence": round(r.confidence, 3),
            "method": r.method}


@catalog_app.command("resolve")
@reports_errors
def resolve(
    names: Annotated[list[str], typer.Argument(help="Model names (or dataset names with --dataset).")],
    dataset: Annotated[bool, typer.Option("--dataset", help="Resolve dataset names instead of models.")] = False,
    output_format: Annotated[ResolveFormat, typer.Option("--format", "-f")] = ResolveFormat.text,
) -> None:
    """Resolve names against the catalogs: provider, family, id, license and confidence (null when unknown)."""
    rows = [dataset_row(n) if dataset else model_row(n) for n in names]
    if output_format is ResolveFormat.json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        if row["id"] is None:
            typer.echo(f"{row['input']}: not in the catalog")
        elif dataset:
            makers = ", ".join(f"{g['provider'] or '?'} {g['model']}" for g in row["generated_by"]) or "people"
            typer.echo(f"{row['input']}: {row['id']} ({row['hf_id']}), {row['origin']}, by {makers}; license {row['license']}; "
                       f"carries {', '.join(row['carries_terms']) or 'no provider terms'} [{row['method']}, {row['confidence']}]")
        else:
            typer.echo(f"{row['input']}: {row['provider']} {row['family']} ({row['id']}, {row['kind']}); license "
                       f"{row['license'] or 'provider terms by date'} [{row['method']}, {row['confidence']}]")
