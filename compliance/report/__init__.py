"""Renderers: report data in, text out. No I/O, no evaluation.

One module per format (see `formats.Format` and `formats.RENDERER_MODULES`): JSON is serialised
directly with sorted keys; SARIF, JUnit and GitLab Code Quality are built as data and serialised;
text, Markdown and HTML come from the Jinja2 templates in `reports/`. Untrusted text is escaped
for each format by `escaping`, which redacts secrets and e-mail addresses first.
"""

from __future__ import annotations

from compliance.report.escaping import escape_markdown, one_line
from compliance.report.formats import Format, RenderOptions, format_for_path, render
from compliance.report.templates import templates_dir

__all__ = ["Format", "RenderOptions", "escape_markdown", "format_for_path", "one_line", "render", "templates_dir"]
