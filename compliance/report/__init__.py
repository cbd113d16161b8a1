"""Renderers: report data in, text out. No I/O, no evaluation.

JSON is serialised directly (sorted keys, so the same input gives the same bytes); people-facing
formats come from the Jinja2 templates in `reports/`.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import jinja2

from compliance.bundled import bundled_dir
from compliance.redact import redact


def templates_dir() -> Path:
    return bundled_dir("reports")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def escape_markdown(value: Any) -> str:
    """Make untrusted text inert in GitHub/GitLab Markdown: no HTML, links, images, mentions, tables."""
    text = redact(str(value))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = re.sub(r"(?i)\b(https?|ftp|file|javascript|data):", "\\1\u200b:", text)  # no autolinks
    text = text.replace("@", "@\u200b")  # no mentions or team pings
    text = re.sub(r"\b(www)\.", "\\1\u200b.", text)
    return " ".join(text.split())


def one_line(value: Any) -> str:
    """Untrusted text for a plain-text report: redacted, control characters removed, one line."""
    text = redact(str(value))
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]", "", text)
    return " ".join(text.split())


@lru_cache(maxsize=4)
def environment(autoescape: bool = False) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = escape_markdown
    env.filters["plain"] = one_line
    return env


def render_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_template(name: str, data: dict[str, Any]) -> str:
    return environment().get_template(name).render(report=data)


RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "json": render_json,
    "text": lambda data: render_template("text.txt.j2", data),
    "markdown": lambda data: render_template("markdown.md.j2", data),
}


def render(data: dict[str, Any], fmt: str) -> str:
    """Render report data in one of RENDERERS' formats."""
    return RENDERERS[fmt](data)
