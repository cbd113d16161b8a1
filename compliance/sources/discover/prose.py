"""Statements in README and model-card prose, by spaCy rule patterns on lemmas.

"generated with GPT-4", "distilled from ChatGPT", "fine-tuned on ShareGPT conversations", "we used
text-davinci-003 to generate", "based on Llama 3.1 8B". A pattern finds the verb and preposition;
the words after it (or between "use" and "to") are tried against the model and dataset catalogs,
longest span first. A cheap regex decides which sentences reach spaCy. Negated statements
("not generated with GPT-4") are dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from compliance.catalog import resolve_dataset, resolve_model
from compliance.sources.discover.model import Claim, Loc

PREFILTER = re.compile(r"generat|distil|fine-?tun|finetun|train|synthe|label|annotat|based on|built on|initiali[sz]|"
                       r"\bused?\b.{0,60}\bto\b", re.I)
GEN_VERBS = ["generate", "create", "produce", "synthesize", "synthesise", "write", "collect", "augment", "obtain",
             "paraphrase", "rewrite", "label", "annotate"]
TRAIN_VERBS = ["train", "tune", "finetune", "pretrain", "sft"]
NEGATORS = {"not", "n't", "never", "no", "without"}
STOP_WORDS = {"and", "or", "on", "to", "for", "with", "by", "from", "in", "using", "via", "which", "that", "as", "at",
              "then", "while", "where"}
MAX_SPAN = 10
CONFIDENCE = 0.55


@lru_cache(maxsize=1)
def _matcher() -> Any:
    from spacy.matcher import Matcher

    from compliance.nlp.pipeline import get_nlp

    matcher = Matcher(get_nlp().vocab)
    prep = {"LOWER": {"IN": ["with", "by", "using", "from", "via", "through"]}}
    matcher.add("generated-with", [[{"LEMMA": {"IN": GEN_VERBS}}, {"OP": "{0,4}"}, prep]])
    matcher.add("use-to", [[{"LEMMA": "use"}, {"OP": "{1,6}"}, {"LOWER": "to"}, {"LEMMA": {"IN": GEN_VERBS}}]])
    matcher.add("distilled-from", [[{"LEMMA": {"IN": ["distill", "distil"]}}, {"OP": "{0,3}"}, {"LOWER": {"IN": ["from", "of"]}}]])
    matcher.add("trained-on", [[{"LEMMA": {"IN": TRAIN_VERBS}}, {"OP": "{0,4}"}, {"LOWER": "on"}]])
    matcher.add("base-model", [
        [{"LEMMA": {"IN": TRAIN_VERBS}}, {"OP": "{0,2}"}, {"LOWER": {"IN": ["from", "of"]}}],
        [{"LEMMA": {"IN": ["base", "build"]}}, {"LOWER": {"IN": ["on", "upon"]}}],
        [{"LEMMA": "initialize"}, {"OP": "{0,2}"}, {"LOWER": "from"}],
    ])
    return matcher


def _spans(doc: Any, start: int, end: int) -> list[str]:
    """Texts of token spans starting at `start`, longest first, stopping at punctuation or a link word."""
    stop = start
    while stop < min(end, start + MAX_SPAN):
        token = doc[stop]
        if token.is_punct and token.text not in ("-", "/", ".", "_", ":") or token.lower_ in STOP_WORDS:
            break
        if token.text == "." and (stop + 1 >= len(doc) or doc[stop + 1].is_space or doc[stop + 1].is_punct):
            break
        stop += 1
    texts = []
    for last in range(stop, start, -1):
        texts.append(doc.text[doc[start].idx:doc[last - 1].idx + len(doc[last - 1].text)].strip())
    return texts


def _resolve(texts: list[str], datasets_first: bool) -> tuple[str, str, float] | None:
    """(kind, matched text, confidence) of the longest span a catalog knows."""
    for text in texts:
        if len(text) < 3:
            continue
        order = ("dataset", "model") if datasets_first else ("model", "dataset")
        for kind in order:
            res = resolve_dataset(text) if kind == "dataset" else resolve_model(text)
            if res.id is not None and res.confidence >= 0.85:
                return kind, text, res.confidence
    return None


def prose_claims(path: str, lines: list[str], start: int = 1) -> list[Claim]:
    """Claims in the prose of a Markdown file (code blocks and front matter left out)."""
    from compliance.nlp.pipeline import get_nlp

    claims: list[Claim] = []
    in_code = False
    nlp = get_nlp()
    matcher = _matcher()
    for number in range(start, len(lines) + 1):
        line = lines[number - 1]
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        if in_code or not PREFILTER.search(line):
            continue
        doc = nlp(line)
        seen: set[tuple[str, str]] = set()
        for match_id, begin, end in sorted(matcher(doc), key=lambda m: (m[1], -m[2])):
            label = nlp.vocab.strings[match_id]
            window = doc[max(doc[begin].sent.start, begin - 4):begin]
            if any(t.lower_ in NEGATORS for t in window):
                continue
            if label == "use-to":
                texts = _spans(doc, begin + 1, end - 2)
            else:
                texts = _spans(doc, end, len(doc))
            found = _resolve(texts, datasets_first=label == "trained-on")
            if found is None:
                continue
            kind, text, confidence = found
            relation = _relation(label, kind)
            if relation is None or (relation, text.lower()) in seen:
                continue
            seen.add((relation, text.lower()))
            claims.append(Claim(Loc(path, number, line.strip()), relation, text, round(CONFIDENCE * confidence, 3), "prose"))
    return claims


def _relation(label: str, kind: str) -> str | None:
    if label == "trained-on":
        return "trained-on" if kind == "dataset" else "generated-with"
    if kind != "model":
        return "trained-on" if label in ("generated-with", "distilled-from") and kind == "dataset" else None
    return {"generated-with": "generated-with", "use-to": "generated-with", "distilled-from": "distilled-from",
            "base-model": "base-model"}[label]
