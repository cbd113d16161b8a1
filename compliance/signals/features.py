"""Prompt templates, topics and other derived record fields.

Bulk generation fills one instruction with many slot values: numbers ("write 5 pairs"), quoted
seeds, a topic ("about photosynthesis"). Blanking those slots turns the prompts of one campaign
into one *template*; near-duplicate detection then compares templates, not prompts. Only the
first MAX_CHARS characters are read, so the cost per record is bounded.
"""

from __future__ import annotations

import hashlib
import re

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
    if len(text) > HEAD_CHARS + TAIL_CHARS:
        text = text[:HEAD_CHARS] + " ... " + text[-TAIL_CHARS:]
    return text.lower()


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
    t = _clip(text)
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
    t = _numbers(t)
    return " ".join(t.split())


def template_key(template: str) -> int:
    """A stable 64-bit key for a template (the same in every process, unlike hash())."""
    return int.from_bytes(hashlib.blake2b(template.encode("utf-8", "replace"), digest_size=8).digest(), "big")


def blocks(template: str) -> tuple[str, str]:
    """Two cheap blocking keys (first and last four words): fuzzy comparison only happens
    between templates that share one, so varied traffic costs no comparisons at all."""
    # the same as splitting on every space and keeping the first/last four words, without the full split
    return " ".join(template.split(" ", 4)[:4]), " ".join(template.rsplit(" ", 4)[-4:])
