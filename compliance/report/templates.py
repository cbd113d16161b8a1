"""Jinja2 environments: the bundled templates, and a sandbox for users' own templates.

Bundled templates live in `reports/` (installed as `compliance/_bundled/reports`). HTML templates
are autoescaped; the text and Markdown templates escape through the `plain` and `md` filters.
A template given with `--template` is rendered in an immutable sandbox: it can read the report
data and use the same filters, but cannot reach Python internals or change the data.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from compliance.errors import InputError
from compliance.report.escaping import (
    escape_markdown,
    markdown_code,
    markdown_short,
    markdown_url,
    one_line,
    safe_url,
    shorten,
)

AUTOESCAPE_EXTENSIONS = ("html", "htm", "xml", "html.j2", "htm.j2", "xml.j2", "svg")


def templates_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    installed = here / "_bundled" / "reports"
    return installed if installed.is_dir() else here.parent / "reports"


def _add_filters(env: jinja2.Environment) -> None:
    env.filters["md"] = escape_markdown
    env.filters["md_short"] = markdown_short
    env.filters["md_url"] = markdown_url
    env.filters["md_code"] = markdown_code
    env.filters["plain"] = one_line
    env.filters["short"] = lambda value, limit=200: shorten(one_line(value), limit)
    env.filters["safe_url"] = safe_url


def _options() -> dict[str, Any]:
    return {
        "undefined": jinja2.StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The bundled templates; `*.html` templates are autoescaped, the others are not."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=jinja2.select_autoescape(enabled_extensions=AUTOESCAPE_EXTENSIONS, default_for_string=False),
        **_options(),
    )
    _add_filters(env)
    return env


def render_bundled(name: str, data: dict[str, Any], **context: Any) -> str:
    return environment().get_template(name).render(report=data, **context)


def render_user_template(path: Path, data: dict[str, Any]) -> str:
    """Render a user's template file in the sandbox; autoescaped when it produces HTML or XML."""
    if not path.is_file():
        raise InputError(str(path), None, "template not found")
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(path.parent)),
        autoescape=jinja2.select_autoescape(enabled_extensions=AUTOESCAPE_EXTENSIONS, default_for_string=False),
        **_options(),
    )
    _add_filters(env)
    try:
        template = env.get_template(path.name)
        return template.render(report=data)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(str(path), exc.lineno, f"template syntax error: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise InputError(str(path), None, f"template not found: {exc.name}") from None
    except jinja2.UndefinedError as exc:
        raise InputError(str(path), _template_line(exc, path.name), f"template error: {exc.message}") from None
    except jinja2.exceptions.SecurityError as exc:
        raise InputError(str(path), _template_line(exc, path.name), f"template not allowed: {exc}") from None
    except (TypeError, ValueError, OverflowError) as exc:
        raise InputError(str(path), _template_line(exc, path.name), f"template error: {exc}") from None


def _template_line(exc: BaseException, name: str) -> int | None:
    """The template line an error was raised at, from the traceback Jinja2 rewrites."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).name == name:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
