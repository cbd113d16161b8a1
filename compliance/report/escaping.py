"""Escaping of untrusted text, one function per output context.

Messages, names, snippets and paths come from manifests, repositories and logs the tool does not
control. Every renderer passes them through one of these before they reach a report, and every one
of these redacts secrets and e-mail addresses first (`compliance.redact`).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from compliance.redact import redact

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_URL = re.compile(r"^https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")


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
    text = _CONTROL.sub("", text)
    return " ".join(text.split())


def shorten(text: str, limit: int) -> str:
    """Cut to at most `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def markdown_short(value: Any, limit: int = 200) -> str:
    """`escape_markdown` of a shortened text (cut before escaping, so no escape is split)."""
    return escape_markdown(shorten(one_line(value), limit))


def markdown_code(value: Any, limit: int = 120) -> str:
    """Untrusted text for inside a Markdown code span (inert): no backticks, table pipes escaped."""
    text = shorten(one_line(value), limit).replace("`", "'")
    return text.replace("|", "\\|")


def xml_text(value: Any) -> str:
    """Untrusted text for XML: one line, redacted, and without characters XML 1.0 forbids."""
    return _NOT_XML.sub("", one_line(value))


def safe_url(value: Any) -> str:
    """The URL if it is a plain http(s) URL, else "" (no javascript:, data:, relative or spaced links)."""
    text = str(value or "").strip()
    return text if _URL.match(text) else ""


def markdown_url(value: Any) -> str:
    """A URL safe to put inside Markdown's `(...)` link target, or "" when it is not http(s)."""
    url = safe_url(value)
    return quote(url, safe=":/?#[]@!$&'*+,;=%-._~") if url else ""
