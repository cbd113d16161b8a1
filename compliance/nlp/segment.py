"""Cut a license or terms text (Markdown or plain text) into clause-sized units that know their lines.

Legal texts arrive in three shapes that a sentencizer alone gets wrong:

- hard-wrapped plain text, where one sentence runs over several lines;
- Markdown, where headings, list items and table rows end without a full stop;
- scraped pages where a whole section sits on one very long line.

So the text is first cut into blocks by layout (blank lines, headings, list items, table rows; a
wrapped line joins its paragraph), Markdown syntax is dropped, whitespace folded, and every
character keeps the line it came from. spaCy's sentencizer splits the blocks into sentences, and
long enumerations ("You may not (i) …; (ii) …") into units at semicolons and enumerators, so that
one prohibition in a list of ten is found on its own. Each unit remembers its context (the
sentence head before the enumeration, the lead-in sentence ending in a colon before a list, the
section heading): "You may not:" above a list decides what the items mean.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from compliance.markdown import strip_inline

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_ATX = re.compile(r"^\s{0,3}#{1,6}\s+")
_SETEXT = re.compile(r"^\s{0,3}(=+|-{2,})\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_]\s*){3,}$")
_BULLET = re.compile(r"^\s*[-*+•]\s+(?=\S)")
_NUMBERED = re.compile(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*[.)]|[a-zA-Z][.)]|\((?:[a-zA-Z]|[ivxIVX]{1,5}|\d{1,3})\)|[ivxIVX]{1,5}[.)])\s+(?=\S)")
_NUMBER_MARK = re.compile(r"^\s*\d{1,3}[.)]\s+(?=\S)")  # "7. " of a numbered list; "(a)", "iv." stay in the text
_TABLE = re.compile(r"^\s*\|")
_SPACES = re.compile(r"\s+")
# scraped pages lose the space after punctuation: "Section;(x) reverse", "authorization.For the"
_GLUED = re.compile(r"(?<=;)(?=\S)|(?<=[a-z]{2}[.:])(?=[A-Z(][a-z(])|(?<=[a-z]{2}:)(?=\(?[a-z]\W)")
_LABEL = re.compile(r"^[^.:;]{1,60}:\s")  # "Violence and harm: engaging in …"
_ENUM = re.compile(r"^(?:[a-z]|[ivx]{1,5}|\d{1,2})$")
# a plain-text section heading: "5. Acceptable Use", "Prohibited Uses", "2. Grant of Copyright License."
_SECTION_NUMBER = re.compile(r"^(?:(?:section|article)\s+)?(?:\d{1,3}(?:\.\d{1,3})*\.?|[A-Z]\.|[IVX]{1,5}\.)\s+", re.IGNORECASE)
_TOP_SECTION = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+\S")
_SMALL_WORDS = frozenset(["a", "an", "and", "or", "of", "the", "to", "for", "in", "on", "by", "with", "at", "from",
                          "as", "per", "its", "your", "our", "this", "that"])
_OPTIONAL_PLURAL = re.compile(r"^(\w+)\(s$")  # the tokenizer cuts "model(s)" into "model(s" + ")"

MAX_LEADS = 3  # nested list lead-ins remembered ("You may not:" > "including by:")
MAX_TITLE = 120  # a first paragraph this short is taken as the title
MAX_BLOCK = 20_000  # characters per spaCy doc; longer blocks are cut at sentence ends


@dataclass
class Block:
    """A paragraph, list item, heading or table row, cleaned, with the line of every character."""

    text: str
    starts: list[int]  # offset in `text` where each contributing line begins
    lines: list[int]  # the 1-based source line of each of those offsets
    heading: bool = False
    item: bool = False
    continues: bool = False  # the rest of a block cut by _split_long in the middle of a sentence (at "; ")

    def line_at(self, offset: int) -> int:
        return self.lines[max(0, bisect.bisect_right(self.starts, offset) - 1)]


@dataclass
class Unit:
    """One clause: a sentence, or one item of an enumeration inside a sentence."""

    span: Span  # tokens of the unit inside its block's Doc
    block: Block
    head: Span | None = None  # the sentence before the first enumerator, when this is a later item
    leads: tuple[Span, ...] = ()  # sentences ending in ':' that introduce the list(s) this unit is in, innermost first
    heading: Span | None = None  # the section heading above
    title: Span | None = None  # the document's title: its first heading, or a short first paragraph
    index: int = 0

    @property
    def text(self) -> str:
        return self.span.text

    @property
    def line(self) -> int:
        return self.block.line_at(self.span.start_char)

    @property
    def end_line(self) -> int:
        return self.block.line_at(max(self.span.start_char, self.span.end_char - 1))

    def line_of_token(self, i: int) -> int:
        return self.block.line_at(self.span.doc[i].idx)


def clean_line(line: str) -> tuple[str, bool, bool]:
    """Markdown-free text of one line, and whether it starts a list item / is a heading."""
    heading = bool(_ATX.match(line))
    text = _ATX.sub("", line)
    item = bool(_BULLET.match(text) or _NUMBERED.match(text))
    text = _NUMBER_MARK.sub("", _BULLET.sub("", text))
    text = _GLUED.sub(" ", strip_inline(text))
    return _SPACES.sub(" ", text).strip(), item, heading


def title_line(line: str, cleaned: str) -> bool:
    """A short line that is no sentence: a section heading of a plain-text document.

    Title case ("Prohibited Uses", "5. Acceptable Use", "2. Grant of Copyright License."), or a
    top-level decimal-numbered line in sentence case without a full stop ("4. Rules of use").
    """
    body = _SECTION_NUMBER.sub("", cleaned).strip()
    full_stop = body.endswith(".")
    body = body[:-1] if full_stop else body
    words = body.split()
    if not words or len(body) > 60 or len(words) > 8 or any(c in body for c in ".,;:!?()[]\"“”‘'/"):
        return False
    if words[-1].lower() in _SMALL_WORDS or not words[0][0].isupper():
        return False
    if all(w[0].isupper() or w[0].isdigit() or w.lower() in _SMALL_WORDS for w in words):
        return True
    return not full_stop and len(words) <= 6 and bool(_TOP_SECTION.match(line))


def blocks(text: str) -> list[Block]:
    """Layout blocks of a text, each with its lines; empty blocks are dropped."""
    # lines as editors and `grep -n` count them: only \n ends a line (str.splitlines also splits
    # at U+2028, form feeds and other separators, which shifts every later line number)
    raw = [line.rstrip("\r") for line in text.split("\n")]
    out: list[Block] = []
    current: Block | None = None

    def close() -> None:
        nonlocal current
        if current is not None and current.text.strip():
            out.append(current)
        current = None

    for number, line in enumerate(raw, start=1):
        if _SETEXT.match(line) and current is not None:
            if len(current.lines) == 1:
                current.heading = True  # the line above was a setext heading
            close()
            continue
        if not line.strip() or _RULE.match(line):
            close()
            continue
        cleaned, item, heading = clean_line(line)
        if not cleaned:
            continue
        if not heading and not _TABLE.match(line) and title_line(line, cleaned) \
                and (current is None or item or current.text.rstrip().endswith((".", "!", "?", ":"))):
            following = raw[number] if number < len(raw) else ""
            heading = not following.strip() or following.strip()[0].isupper() or following.strip()[0].isdigit() \
                or bool(_BULLET.match(following) or _NUMBERED.match(following))
        if heading or item or _TABLE.match(line):
            close()
        if current is None:
            current = Block("", [], [], heading=heading, item=item)
        if current.text:
            current.text += " "
        current.starts.append(len(current.text))
        current.lines.append(number)
        current.text += cleaned
        if heading or _TABLE.match(line):
            close()
    close()
    return [piece for block in out for piece in _split_long(block)]


def _split_long(block: Block) -> Iterator[Block]:
    """Cut a very long block at sentence ends so no spaCy doc grows unbounded."""
    text = block.text
    if len(text) <= MAX_BLOCK:
        yield block
        return
    start = 0
    while start < len(text):
        end = min(len(text), start + MAX_BLOCK)
        if end < len(text):
            cut = max(text.rfind(". ", start, end), text.rfind("; ", start, end))
            end = cut + 2 if cut > start else end
        piece = text[start:end]
        stripped = len(piece) - len(piece.lstrip())
        first = start + stripped
        line = block.line_at(first)
        starts, lines = [0], [line]
        for offset, number in zip(block.starts, block.lines):
            if first < offset < end:
                starts.append(offset - first)
                lines.append(number)
        mid_sentence = start > 0 and text[start - 2:start] == "; "
        yield Block(piece.strip(), starts, lines, block.heading, block.item and start == 0, mid_sentence)
        start = end


def _enumerator_at(doc: Doc, i: int) -> bool:
    """`(iv)`, `(b)`, `(3)` starting at token i (and not `(c)` of a copyright sign)."""
    if i + 2 >= len(doc) or doc[i].text != "(" or doc[i + 2].text != ")":
        return False
    word = doc[i + 1].lower_
    if not _ENUM.match(word):
        return False
    return not (word == "c" and i + 3 < len(doc) and doc[i + 3].text[:1].isupper() and i > 0 and doc[i - 1].lower_ == "copyright")


def split_units(sent: Span) -> list[Span]:
    """A sentence cut at semicolons and before enumerators; tiny pieces stay with the next one."""
    doc = sent.doc
    cuts = [sent.start]
    for i in range(sent.start + 1, sent.end):
        if doc[i - 1].text == ";" or (_enumerator_at(doc, i) and i - cuts[-1] >= 3):
            cuts.append(i)
    cuts.append(sent.end)
    pieces = [doc[a:b] for a, b in itertools.pairwise(cuts) if b > a]
    merged: list[Span] = []
    for piece in pieces:
        if merged and _tiny(merged[-1]):
            merged[-1] = doc[merged[-1].start:piece.end]
        else:
            merged.append(piece)
    if len(merged) > 1 and _tiny(merged[-1]):  # "…; and" ends the sentence: the "and" stays with its item
        merged[-2:] = [doc[merged[-2].start:merged[-1].end]]
    return merged


def _tiny(span: Span) -> bool:
    return sum(1 for t in span if t.is_alpha) < 3


def list_like(block: Block) -> bool:
    """An item of a list: a Markdown/numbered item, a "Label: text" entry, or a fragment ending in ; , or/and."""
    text = block.text.rstrip()
    return block.item or bool(_LABEL.match(text)) or text.endswith((";", ",", " or", " and")) \
        or not text.endswith((".", "!", "?", ":", '"', "”", ")"))


def _optional_plurals(doc: Doc) -> None:
    """Lemmatize "model(s)" (tokenized as "model(s" + ")") as "model"."""
    from compliance.nlp.pipeline import lemma_table

    for token in doc:
        if token.text.endswith("(s"):
            match = _OPTIONAL_PLURAL.match(token.lower_)
            if match:
                token.lemma_ = lemma_table().get(match.group(1), match.group(1))


def units(text: str) -> list[Unit]:
    """Every clause unit of a text, in order, with its context."""
    from compliance.nlp.pipeline import get_nlp

    nlp = get_nlp()
    parts = blocks(text)
    found: list[Unit] = []
    heading: Span | None = None
    leads: list[Span] = []  # outermost first; the last MAX_LEADS are kept
    title: Span | None = None
    carried: Span | None = None  # head of the last sentence, for a block cut in the middle of it
    for number, (block, doc) in enumerate(zip(parts, nlp.pipe(b.text for b in parts))):
        _optional_plurals(doc)
        if title is None and (block.heading or number == 0 and len(block.text) <= MAX_TITLE):
            title = doc[:]
        if block.heading:
            heading, leads = doc[:], []
            continue
        if not list_like(block):
            leads = []
        inherited = tuple(reversed(leads))
        sentences = list(doc.sents)
        for number_in_block, sent in enumerate(sentences):
            pieces = split_units(sent)
            head = pieces[0] if len(pieces) > 1 else None
            # the first sentence of a cut block's rest continues the enumeration begun before the cut
            continued = block.continues and number_in_block == 0 and carried is not None
            if continued:
                head = carried
            for k, piece in enumerate(pieces):
                found.append(Unit(piece, block, head if k or continued else None, inherited, heading, title, len(found)))
            carried = head
        last = sentences[-1] if sentences else None
        if last is not None and last.text.rstrip().endswith(":"):
            leads = (leads + [last])[-MAX_LEADS:]
    return found
