"""What a provider call's outputs are used for, inferred from the code around it, with a confidence.

Signals: the API itself (embeddings, fine-tuning, batch), whether the output is written to a file
and what that file is called, the file, function and decorator names, and the prompt wording
(spaCy PhraseMatcher on lemmas). Weights are data (`purposes.yaml`); they combine as a noisy-or.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from compliance.sources.discover.model import Call, DataIO

LEXICON_PATH = Path(__file__).with_name("purposes.yaml")
THRESHOLD = 0.5
GENERATING = ("data-generation", "distillation", "labelling")
SPLIT = re.compile(r"[^a-z0-9]+")
CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass
class Purposes:
    """Purpose -> confidence, with the reasons behind each."""

    scores: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, list[str]] = field(default_factory=dict)

    def add(self, purpose: str, weight: float, reason: str) -> None:
        self.scores[purpose] = 1 - (1 - self.scores.get(purpose, 0.0)) * (1 - weight)
        self.reasons.setdefault(purpose, []).append(reason)

    def chosen(self) -> list[str]:
        return sorted(p for p, s in self.scores.items() if s >= THRESHOLD)

    def confidence(self, purpose: str) -> float:
        return round(self.scores.get(purpose, 0.0), 3)

    def merge(self, other: "Purposes") -> None:
        for purpose, score in other.scores.items():
            self.scores[purpose] = max(self.scores.get(purpose, 0.0), score)
            self.reasons.setdefault(purpose, []).extend(r for r in other.reasons.get(purpose, []) if r not in self.reasons.get(purpose, []))


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    with open(LEXICON_PATH, encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


@lru_cache(maxsize=1)
def _prompt_matcher() -> Any:
    from spacy.matcher import PhraseMatcher

    from compliance.nlp.pipeline import get_nlp

    nlp = get_nlp()
    matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
    for purpose, spec in lexicon()["prompts"].items():
        matcher.add(purpose, [nlp(phrase) for phrase in spec["phrases"]])
    return matcher


def words(text: str) -> set[str]:
    """Lower-case words of an identifier or path: `generate_data.py` -> {generate, data, generate_data}."""
    spaced = CAMEL.sub("_", text)
    parts = [p for p in SPLIT.split(spaced.lower()) if p]
    joined = {f"{a}_{b}" for a, b in zip(parts, parts[1:])}
    return set(parts) | joined


@lru_cache(maxsize=2048)
def prompt_cues(text: str) -> tuple[tuple[str, str], ...]:
    """(purpose, matched phrase) for each purpose whose cue appears in a prompt."""
    from compliance.nlp.pipeline import get_nlp

    nlp = get_nlp()
    doc = nlp(text[:2000])
    found: dict[str, str] = {}
    for match_id, start, end in _prompt_matcher()(doc):
        found.setdefault(nlp.vocab.strings[match_id], doc[start:end].text)
    return tuple(sorted(found.items()))


def infer(call: Call, writes: list[DataIO]) -> Purposes:
    """Purposes of one call, given the writes of its file that carry its output."""
    lex = lexicon()
    result = Purposes()
    api_purpose = {"embeddings": "embedding", "fine-tuning": "fine-tuning", "fine-tuning-file": "fine-tuning"}.get(call.api)
    if api_purpose:
        result.add(api_purpose, 0.95, f"{call.api} API")
        return result
    if call.api in ("batch", "batch-file"):
        result.add("data-generation", 0.4, "Batch API (bulk offline requests)")
    for io in writes:
        target = (io.target.text or io.target.ref or "").lower()
        named = words(target.rsplit("/", 1)[-1]) | words(target)
        hits = {p: spec for p, spec in lex["writes"].items() if named & set(spec["words"])}
        if not hits:
            result.add("data-generation", 0.5, f"output written to {target or 'a file'} ({io.loc})")
        for purpose, spec in hits.items():
            result.add(purpose, spec["weight"], f"output written to {target} ({io.loc})")
    names = words(call.loc.path) | words(call.function)
    for purpose, spec in lex["names"].items():
        hit = sorted(names & set(spec["words"]))
        if hit:
            result.add(purpose, spec["weight"], f"name: {', '.join(hit[:3])}")
    decorator_words = set().union(*[words(d.rsplit(".", 1)[-1]) for d in call.decorators]) if call.decorators else set()
    for purpose, spec in lex["decorators"].items():
        hit = sorted(decorator_words & set(spec["words"]))
        if hit:
            result.add(purpose, spec["weight"], f"decorator: {', '.join(call.decorators)}")
    seen: set[str] = set()
    for prompt in call.prompts:
        for purpose, phrase in prompt_cues(prompt):
            if purpose not in seen:
                seen.add(purpose)
                result.add(purpose, lex["prompts"][purpose]["weight"], f"prompt: “{phrase}”")
    if "distillation" in result.scores and "data-generation" in result.scores:
        result.add("distillation", 0.2, "generation named for distillation")
    return result
