"""A blank English spaCy pipeline with a case-insensitive lookup lemmatizer.

No trained pipeline can be downloaded here, so everything is rules: tokenizer, sentence
boundaries from punctuation, lemmas from spaCy's English lookup table (shipped in
`data/`, extracted by `scripts/build_lemma_table.py`), then Matcher and PhraseMatcher on LEMMA.
spaCy's own lookup lemmatizer keys on the exact token text, so `Trained` would not become
`train`; this component looks up the lower-cased form instead.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

TABLE_PATH = Path(__file__).parent / "data" / "en_lemma_lookup.json.gz"


@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    with gzip.open(TABLE_PATH, "rt", encoding="utf-8") as handle:
        table: dict[str, str] = json.load(handle)
    return table


def _register() -> None:
    from spacy.language import Language

    if "tos_lookup_lemmatizer" in Language.factories:
        return

    @Language.component("tos_lookup_lemmatizer")
    def tos_lookup_lemmatizer(doc: "Doc") -> "Doc":
        table = lemma_table()
        for token in doc:
            lower = token.lower_
            token.lemma_ = table.get(lower, lower)
        return doc


@lru_cache(maxsize=1)
def get_nlp() -> "Language":
    """The shared pipeline: tokenizer, sentencizer, lower-case lookup lemmas."""
    import spacy

    _register()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("tos_lookup_lemmatizer")
    return nlp


def make_patterns(nlp: "Language", phrases: list[Any]) -> tuple[list["Doc"], list[list[dict[str, Any]]]]:
    """Split lexicon entries into phrase docs (strings) and token patterns (lists of dicts)."""
    docs: list["Doc"] = []
    tokens: list[list[dict[str, Any]]] = []
    for phrase in phrases:
        if isinstance(phrase, str):
            docs.append(nlp(phrase))
        else:
            tokens.append(list(phrase))
    return docs, tokens
