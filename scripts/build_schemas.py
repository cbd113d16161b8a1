"""Regenerate the published JSON Schemas in schemas/ from the pydantic models."""

from __future__ import annotations

from pathlib import Path

from compliance.cli.schema_cmd import schema_builders, schema_text

OUT = Path(__file__).resolve().parent.parent / "schemas"

if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for name in schema_builders():
        (OUT / f"{name}.schema.json").write_text(schema_text(name), encoding="utf-8")
        print(f"wrote schemas/{name}.schema.json")
