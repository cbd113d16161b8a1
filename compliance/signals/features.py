"""Prompt templates, topics and other derived record fields.

Bulk generation fills one instruction with many slot values: numbers ("write 5 pairs"), quoted
seeds, a topic ("about photosynthesis"). Blanking those slots turns the prompts of one campaign
into one *template*; near-duplicate detection then compares templates, not prompts. Only the
first MAX_CHARS characters are read, so the cost per record is bounded.

The functions over many texts (`templates_of`, `topics_of`, `word_counts`) use the optional C
extension `_native` (compliance/signals/_native.c, built when the package is installed on a
machine with a C compiler) for ASCII texts; every other text, and every text when the extension
is missing or TOS_CHECK_PURE_PYTHON=1 is set, goes through the Python functions here, which are
the reference the extension is tested against (tests/signals/test_native.py).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Callable
from types import ModuleType
from typing import Any

HEAD_CHARS = 360
TAIL_CHARS = 120

_URL = re.compile(r"https?://\S+")
_EMAIL = re.compile(r"[\w.%+\-]+@[\w.\-]+\.[a-z]{2,}")
_CODE = re.compile(r"```.*?(?:```|$)", re.S)
# Double quotes of any kind; single quotes only when they open after a space or bracket and close
# before a space or punctuation, so that apostrophes ("don't") stay.
_QUOTED = re.compile(r"\"[^\"\n]{1,400}\"|“[^”\n]{1,400}”|«[^»\n]{1,400}»|(?<![\w'])'[^'\n]{2,400}'(?![\w'])")
# A topic slot opens with one of these words; the value runs to the next punctuation.
_TOPIC_STARTS = ("about ", "regarding ", "concerning ", "related to ", "on the topic of ", "on the subject of ",
                 "topic:", "subject:", "theme:", "domain:", "category:")
_TOPIC_VALUE = re.compile(r"\s*([^.,;:?!\n\"“(]{1,80})")
_DIGIT_CHARS = "0123456789"
_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_ZEROS = re.compile(rb"00+")


def _clip(text: str) -> str:
    """The head and tail of a long text (instructions sit at either end), lower-cased."""
    return _clipped(text).lower()


def _numbers(t: str) -> str:
    """Every run of digits becomes one 0 (bytes.translate: str.translate is ten times slower)."""
    if not any(d in t for d in _DIGIT_CHARS):  # ten memchr scans beat one regex scan
        return t
    return _ZEROS.sub(b"0", t.encode("utf-8", "surrogatepass").translate(_DIGITS)).decode("utf-8", "surrogatepass")


def _topic_spans(t: str) -> list[tuple[int, int]]:
    """Where topic values sit, found with str.find (a regex scan per word costs far more)."""
    spans: list[tuple[int, int]] = []
    for word in _TOPIC_STARTS:
        pos = t.find(word)
        while pos >= 0:
            if pos == 0 or not t[pos - 1].isalnum():
                found = _TOPIC_VALUE.match(t, pos + len(word))
                if found is not None and found.group(1).strip():
                    spans.append((found.start(1), found.end(1)))
            pos = t.find(word, pos + len(word))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            continue
        merged.append((start, end))
    return merged


def topic_of(text: str) -> str | None:
    """The first topic slot value ("... about {topic}."), lower-cased, or None."""
    if not text:
        return None
    t = _clip(text)
    spans = _topic_spans(t)
    if not spans:
        return None
    start, end = spans[0]
    value = " ".join(_numbers(t[start:end]).split())
    return value or None


_DOUBLE = re.compile(r"\"[^\"\n]{1,400}\"")  # the first branch of _QUOTED alone


def _single_quote_opens(t: str) -> bool:
    """True when some ' could open a single-quoted span: the lookbehind of that _QUOTED branch
    (not after a word character, \\w being isalnum or _, nor after another ')."""
    pos = t.find("'")
    while pos >= 0:
        if pos == 0:
            return True
        before = t[pos - 1]
        if not (before.isalnum() or before == "_" or before == "'"):
            return True
        pos = t.find("'", pos + 1)
    return False


def _quotes(t: str) -> str:
    """`_QUOTED.sub('"_"', t)`: when only plain double quotes can match, the single-branch pattern
    gives the same spans (no other branch can start anywhere) and searches by its literal prefix."""
    if "“" in t or "«" in t or _single_quote_opens(t):
        return _QUOTED.sub('"_"', t)
    if '"' in t:
        return _DOUBLE.sub('"_"', t)
    return t


def template_of(text: str) -> str:
    """The text with slot values blanked: URLs, e-mails, code, quotes, topic, numbers."""
    if not text:
        return ""
    return " ".join(_blank(_clip(text)).split())


def _blank(t: str) -> str:
    """Slot values of a clipped, lower-cased text blanked, in order: URLs, e-mails, code, quotes,
    topics, numbers (white space is left as it is)."""
    if "://" in t:
        t = _URL.sub("<url>", t)
    if "@" in t:
        t = _EMAIL.sub("<email>", t)
    if "```" in t:
        t = _CODE.sub("<code>", t)
    t = _quotes(t)
    spans = _topic_spans(t)
    if spans:
        parts, last = [], 0
        for start, end in spans:
            parts.append(t[last:start])
            parts.append("<topic>")
            last = end
        parts.append(t[last:])
        t = "".join(parts)
    return _numbers(t)


def _blocks(template: str) -> tuple[str, str]:
    """Two cheap blocking keys (first and last four words): fuzzy comparison only happens
    between templates that share one, so varied traffic costs no comparisons at all."""
    # the same as splitting on every space and keeping the first/last four words, without the full split
    return " ".join(template.split(" ", 4)[:4]), " ".join(template.rsplit(" ", 4)[-4:])


# --- many texts at once --------------------------------------------------------------------
#
# `templates_of` gives `[template_of(t) for t in texts]` with a few scans of one joined string
# instead of some twenty calls per text. Texts are joined with _SEP, which no blanking pattern
# can cross or consume: URLs, e-mails, quotes and topic values all stop at a line break, and a
# topic value can't start with the '.' inside _SEP. Only ASCII texts without ``` code fences or
# _SEP itself (nor ending in its head or starting with its tail, which would make a second
# separator at the join) take this path (ASCII lower-casing is per character; a fence spans
# lines); the rest go through template_of one by one. tests/signals/test_template_fast_paths.py compares both.

_SEP = "\n.\n"
_BULK_MIN = 8


# ASCII white space (what str.split() splits ASCII text on) -> b" ", every other byte -> b"x".
_WORD_BYTES = bytes.maketrans(bytes(range(256)),
                              bytes(0x20 if b in b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f " else 0x78 for b in range(256)))


def _load_native() -> ModuleType | None:
    """The C extension, configured with this module's clipping sizes and topic start words; None when
    it is missing, switched off, or can't take the words (it finds each in one pass, which equals
    str.find's skipping only for lower-case ASCII words that don't overlap themselves)."""
    if os.environ.get("TOS_CHECK_PURE_PYTHON"):
        return None
    try:
        from compliance.signals import _native  # type: ignore[attr-defined]
    except ImportError:
        return None
    if not all(w.isascii() and w == w.lower() and not any(w[:k] == w[-k:] for k in range(1, len(w)))
               for w in _TOPIC_STARTS):
        return None
    _native.configure(_TOPIC_STARTS, HEAD_CHARS, TAIL_CHARS)
    return _native


NATIVE = _load_native()
# `_blocks(template)`, in C where the extension is built (tests/signals/test_native.py compares them)
blocks: Callable[[str], tuple[str, str]] = NATIVE.blocks if NATIVE is not None else _blocks


def word_counts(texts: list[str]) -> list[int]:
    """`[len(t.split()) for t in texts]`."""
    if NATIVE is None:
        return [_word_count(t) for t in texts]
    return _with_python(NATIVE.word_counts(texts), -1, texts, lambda rest: [_word_count(t) for t in rest])


def _word_count(text: str) -> int:
    """`len(text.split())`; for ASCII text, by counting word starts in one translated copy."""
    if not text.isascii():
        return len(text.split())
    marks = text.encode("ascii").translate(_WORD_BYTES)
    return marks.count(b" x") + (marks[:1] == b"x")


def _joinable(text: str) -> bool:
    return text.isascii() and "```" not in text and _SEP not in text and "\0" not in text \
        and not text.endswith("\n.") and not text.startswith(".\n")


def _clipped(text: str) -> str:
    """The head and tail of a long text, as it is (the joined path lower-cases all texts at once)."""
    return text if len(text) <= HEAD_CHARS + TAIL_CHARS else text[:HEAD_CHARS] + " ... " + text[-TAIL_CHARS:]


def _with_python(out: list[Any], left: object, texts: list[str], python: Callable[[list[str]], list[Any]]) -> list[Any]:
    """The extension's results, with the values of the texts it left (marked `left`) from `python`."""
    rest = [i for i, value in enumerate(out) if value is left]
    if rest:
        for i, value in zip(rest, python([texts[i] for i in rest])):
            out[i] = value
    return out


def topics_of(texts: list[str]) -> list[str | None]:
    """`[topic_of(t) for t in texts]`."""
    if NATIVE is None:
        return _topics_of(texts)
    return _with_python(NATIVE.topics(texts), False, texts, _topics_of)  # False: left to Python


def _topics_of(texts: list[str]) -> list[str | None]:
    """`[topic_of(t) for t in texts]`: topic spans found once over the joined texts."""
    out: list[str | None] = [None] * len(texts)
    joined: list[int] = []
    for i, text in enumerate(texts):
        if not text:
            continue
        if _joinable(text):
            joined.append(i)
        else:
            out[i] = topic_of(text)
    if len(joined) < _BULK_MIN:
        for i in joined:
            out[i] = topic_of(texts[i])
        return out
    clipped = [_clipped(texts[i]) for i in joined]
    t = _SEP.join(clipped).lower()
    starts, pos = [], 0
    for piece in clipped:
        starts.append(pos)
        pos += len(piece) + len(_SEP)
    done: set[int] = set()
    for start, end in _topic_spans(t):
        which = bisect_right(starts, start) - 1
        if which not in done:
            done.add(which)
            value = " ".join(_numbers(t[start:end]).split())
            out[joined[which]] = value or None
    return out


def templates_of(texts: list[str]) -> list[str]:
    """`[template_of(t) for t in texts]`."""
    if NATIVE is None:
        return _templates_of(texts)
    return _with_python(NATIVE.templates(texts), None, texts, _templates_of)  # None: left to Python


def _templates_of(texts: list[str]) -> list[str]:
    """`[template_of(t) for t in texts]`, in Python: a few scans of one joined string."""
    out: list[str] = [""] * len(texts)
    bulk: list[tuple[int, str]] = []
    quoted: list[tuple[int, str]] = []  # with a ' that may open a single-quoted span once URLs and e-mails are blanked
    for i, text in enumerate(texts):
        if not text:
            continue
        if not _joinable(text):
            out[i] = template_of(text)
            continue
        clipped = _clipped(text)
        if "'" in clipped:
            quoted.append((i, clipped))
        else:
            bulk.append((i, clipped))
    for group in (bulk, quoted):
        if len(group) < _BULK_MIN:
            for i, _ in group:
                out[i] = template_of(texts[i])
            continue
        templates = _templates_joined([clipped for _, clipped in group])
        if len(templates) != len(group):  # cannot happen (see _SEP); never pair a text with another's template
            templates = [template_of(texts[i]) for i, _ in group]
        for (i, _), template in zip(group, templates):
            out[i] = template
    return out


def _templates_joined(clipped: list[str]) -> list[str]:
    # No text here has a ``` fence, and _SEP keeps one from forming at a join. Quote blanking picks
    # its pattern for the whole string: the full one is right for every text, the short one only
    # where no ' can open a span (_quotes), which then holds for each text too.
    t = _blank(_SEP.join(clipped).lower())
    # `" ".join(piece.split())` for every piece at once: the separators become NUL (no text has
    # one), every ASCII white-space character a space, runs of spaces one space.
    data = t.replace(_SEP, "\0").encode("ascii").translate(_SPACES)
    data = _SPACE_RUNS.sub(b" ", data)
    return [piece.strip(b" ").decode("ascii") for piece in data.split(b"\0")]


# The characters str.split() splits ASCII text on.
_SPACES = bytes.maketrans(b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f", b" " * 9)
_SPACE_RUNS = re.compile(rb"  +")
