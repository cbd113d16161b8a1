"""spaCy Matcher patterns with long gaps, without the Matcher's blow-up.

spaCy expands a `{"OP": "{0,N}"}` wildcard into N optional tokens, and the number of partial
states it tracks grows combinatorially with N (a `{0,40}` gap never finished on a 90 kB line).
Lexicon patterns are written the spaCy way, but here every such wildcard splits the pattern into
pieces matched separately; a hit is a chain of pieces, each starting at most N tokens after the
end of the previous one. A string is one phrase piece (PhraseMatcher on LEMMA, through nlp()).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

_GAP = re.compile(r"^\{0,(\d+)\}$")


def split_pattern(pattern: list[dict[str, Any]]) -> tuple[list[list[dict[str, Any]]], list[int]]:
    """Pieces of a token pattern and the gap allowed after each piece but the last."""
    pieces: list[list[dict[str, Any]]] = [[]]
    gaps: list[int] = []
    for token in pattern:
        gap = _GAP.match(str(token.get("OP", ""))) if set(token) == {"OP"} else None
        if gap and pieces[-1]:
            gaps.append(int(gap.group(1)))
            pieces.append([])
        else:
            pieces[-1].append(dict(token))
    if not pieces[-1]:
        raise ValueError(f"pattern ends with a wildcard: {pattern!r}")
    return pieces, gaps


class SeqMatcher:
    """Labelled patterns (token patterns with gaps, or phrases) matched as chains of pieces."""

    def __init__(self, nlp: Language) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.nlp = nlp
        self.matcher = Matcher(nlp.vocab)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.chains: dict[str, tuple[str, list[int]]] = {}  # chain id -> (label, gaps)
        self.count = 0

    def add(self, label: str, patterns: Iterable[Any]) -> None:
        for pattern in patterns:
            chain = f"{label}\x1f{self.count}"
            self.count += 1
            if isinstance(pattern, str):
                self.phrases.add(f"{chain}\x1f0", [self.nlp(pattern)])
                self.chains[chain] = (label, [])
                continue
            pieces, gaps = split_pattern(list(pattern))
            for k, piece in enumerate(pieces):
                self.matcher.add(f"{chain}\x1f{k}", [piece])
            self.chains[chain] = (label, gaps)

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        strings = doc.vocab.strings
        pieces: dict[str, dict[int, list[tuple[int, int]]]] = {}
        for m, s, e in list(self.matcher(doc)) + list(self.phrases(doc)):
            chain, piece = strings[m].rsplit("\x1f", 1)
            pieces.setdefault(chain, {}).setdefault(int(piece), []).append((s, e))
        hits: set[tuple[str, int, int]] = set()
        for chain, by_piece in pieces.items():
            label, gaps = self.chains[chain]
            if len(by_piece) < len(gaps) + 1:
                continue
            for k in by_piece:
                by_piece[k].sort()
            for s, e in by_piece[0]:
                end = _extend(by_piece, gaps, 1, e)
                if end is not None:
                    hits.add((label, s, end))
        return sorted(hits, key=lambda h: (h[1], h[2], h[0]))


def _extend(by_piece: dict[int, list[tuple[int, int]]], gaps: list[int], k: int, end: int) -> int | None:
    """End of the earliest chain of pieces k.. starting within the gap after `end`, or None."""
    if k > len(gaps):
        return end
    for s, e in by_piece[k]:
        if s < end:
            continue
        if s > end + gaps[k - 1]:
            break
        found = _extend(by_piece, gaps, k + 1, e)
        if found is not None:
            return found
    return None
