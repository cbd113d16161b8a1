"""Inline Markdown stripped to its text: what a clause says, without how it was formatted.

Quotes are checked against Markdown copies of terms (`rules verify`, `rules diff`) and clauses are
detected in Markdown licenses (`terms detect`); both need the same notion of "the text".
"""

from __future__ import annotations

import re

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])")
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|`")


def strip_inline(text: str) -> str:
    """Images and links keep their text; escapes are undone; emphasis and code marks go."""
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _ESCAPE.sub(r"\1", text)
    return _EMPHASIS.sub("", text)
