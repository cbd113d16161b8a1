"""The report formats: one str Enum, each member mapped to the module that renders it.

Every renderer module has `render(data, options) -> str`: report data in, text out, no I/O.
`format_for_path` says which format a file name asks for (`--output report.sarif`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import PurePath
from typing import Any


class Format(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"
    html = "html"
    sarif = "sarif"
    junit = "junit"
    codequality = "codequality"


RENDERER_MODULES: dict[Format, str] = {
    Format.text: "compliance.report.text",
    Format.markdown: "compliance.report.markdown",
    Format.json: "compliance.report.json_report",
    Format.html: "compliance.report.html",
    Format.sarif: "compliance.report.sarif",
    Format.junit: "compliance.report.junit",
    Format.codequality: "compliance.report.codequality",
}
if set(RENDERER_MODULES) != set(Format):  # exhaustive: a new format needs its module here
    raise RuntimeError(f"formats without a renderer: {sorted(set(Format) - set(RENDERER_MODULES))}")

# Whole file names first, then extensions, longest first: `x.sarif.json` is SARIF, not JSON.
FILE_NAMES: dict[str, Format] = {
    "gl-code-quality-report.json": Format.codequality,
    "codequality.json": Format.codequality,
    "code-quality.json": Format.codequality,
}
EXTENSIONS: dict[str, Format] = {
    ".codequality.json": Format.codequality,
    ".sarif.json": Format.sarif,
    ".sarif": Format.sarif,
    ".json": Format.json,
    ".html": Format.html,
    ".htm": Format.html,
    ".junit.xml": Format.junit,
    ".xml": Format.junit,
    ".md": Format.markdown,
    ".markdown": Format.markdown,
    ".txt": Format.text,
    ".text": Format.text,
}


@dataclass(frozen=True)
class RenderOptions:
    """Settings a renderer may need beyond the report data.

    `path_prefix` is the scanned folder relative to the repository root ("" when they are the
    same): evidence paths are relative to the scanned folder, but SARIF, JUnit and Code Quality
    consumers resolve paths from the repository root.
    """

    path_prefix: str = ""


def format_for_path(path: str | PurePath) -> Format | None:
    """The format a file name asks for, or None when the name says nothing."""
    name = PurePath(path).name.lower()
    if name in FILE_NAMES:
        return FILE_NAMES[name]
    for suffix in sorted(EXTENSIONS, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix):
            return EXTENSIONS[suffix]
    return None


def renderer(fmt: Format | str) -> Callable[[dict[str, Any], RenderOptions], str]:
    module = importlib.import_module(RENDERER_MODULES[Format(fmt)])
    return module.render  # type: ignore[no-any-return]


def render(data: dict[str, Any], fmt: Format | str, options: RenderOptions | None = None) -> str:
    """Render report data in one format."""
    return renderer(fmt)(data, options or RenderOptions())
