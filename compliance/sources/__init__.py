"""Fact sources: each turns one kind of input (manifest, repository, logs) into facts.

A source is a module with `NAME`, `WORKS_WITHOUT_MANIFEST` (bool) and
`gather(ctx: SourceContext) -> None`, which adds facts to `ctx.facts` and records every input it
read or skipped in `ctx.inputs`. The engine runs them in the order of SOURCES. A new input kind
adds a module and one line here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from compliance.facts import Facts

if TYPE_CHECKING:
    from compliance.engine import InputRecord, ScanOptions
    from compliance.manifest import LoadedManifest

SOURCES: tuple[str, ...] = (
    "compliance.sources.manifest_facts",
    "compliance.sources.discover",
    "compliance.sources.logs.facts",
)


@dataclass
class SourceContext:
    """What a source sees: the scan options, the project root, and what earlier sources found."""

    options: "ScanOptions"
    root: Path
    facts: Facts
    inputs: list["InputRecord"] = field(default_factory=list)
    manifest: "LoadedManifest | None" = None
    manifest_path: str | None = None
    as_of: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def load_sources() -> list[ModuleType]:
    return [importlib.import_module(name) for name in SOURCES]
