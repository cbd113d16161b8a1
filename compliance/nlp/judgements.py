"""Judgements about an artifact that its facts alone cannot make.

Terms such as OpenAI's forbid using outputs "to develop models that compete", and carve out
models "primarily intended to categorize, classify, or organize data". Whether an artifact is one
or the other is read from what the project says it is: its kind, its name and description, and its
base model's capabilities. The cues and their weights are data (`rules/lexicon/artifact-judgements.yaml`);
this module matches them with spaCy's Matcher and PhraseMatcher on lemmas, honours negation
("not a general chatbot"), and turns the weighted cues into a score between 0 and 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from compliance.facts import Evidence, Fact
from compliance.redact import snippet
from compliance.rules.conditions import Judgement
from compliance.yamlio import load_yaml_file


@dataclass(frozen=True)
class Cue:
    label: str
    text: str
    negated: bool


@dataclass(frozen=True)
class Scale:
    bias: float
    kind_weights: dict[str, float]
    capability_weights: dict[str, float]


@dataclass
class Lexicon:
    scales: dict[str, Scale]
    weights: dict[str, dict[str, float]]  # label -> judgement -> weight
    negation_window: int
    negators: frozenset[str]
    matcher: Any
    phrase_matcher: Any


def lexicon_path() -> Path:
    from compliance.rules.loader import bundled_rules_dir

    return bundled_rules_dir() / "lexicon" / "artifact-judgements.yaml"


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    from spacy.matcher import Matcher, PhraseMatcher

    from compliance.nlp.pipeline import get_nlp, make_patterns

    nlp = get_nlp()
    data = load_yaml_file(lexicon_path())
    matcher = Matcher(nlp.vocab)
    phrase_matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
    weights: dict[str, dict[str, float]] = {}
    for cue in data["cues"]:
        weights[cue["label"]] = {k: float(v) for k, v in cue["weights"].items()}
        docs, tokens = make_patterns(nlp, cue["patterns"])
        if docs:
            phrase_matcher.add(cue["label"], docs)
        if tokens:
            matcher.add(cue["label"], tokens)
    scales = {
        name: Scale(float(spec["bias"]), {k: float(v) for k, v in spec["kind_weights"].items()},
                    {k: float(v) for k, v in spec.get("capability_weights", {}).items()})
        for name, spec in data["judgements"].items()
    }
    return Lexicon(scales, weights, int(data["negation"]["window"]), frozenset(data["negation"]["lemmas"]),
                   matcher, phrase_matcher)


@lru_cache(maxsize=4096)
def find_cues(text: str) -> tuple[Cue, ...]:
    """Cues in a text, one per label (its first occurrence), with negation applied."""
    from compliance.nlp.pipeline import get_nlp

    lex = load_lexicon()
    doc = get_nlp()(text)
    spans = [(doc.vocab.strings[m], s, e) for m, s, e in lex.matcher(doc)]
    spans += [(doc.vocab.strings[m], s, e) for m, s, e in lex.phrase_matcher(doc)]
    cues: dict[str, Cue] = {}
    for label, start, end in sorted(spans, key=lambda x: (x[1], -(x[2] - x[1]), x[0])):
        if label in cues:
            continue
        sent_start = doc[start].sent.start
        window = doc[max(sent_start, start - lex.negation_window):start]
        negated = any(t.lemma_ in lex.negators for t in window)
        cues[label] = Cue(label, doc[start:end].text, negated)
    return tuple(sorted(cues.values(), key=lambda c: c.label))


def judge(name: str, subject: Fact, params: dict[str, Any]) -> Judgement:
    """Score one judgement (a key of the lexicon's `judgements`) for an artifact fact."""
    lex = load_lexicon()
    scale = lex.scales[name]
    data = subject.data
    kind = str(data.get("kind"))
    total = scale.bias + scale.kind_weights.get(kind, 0.0)
    reasons = [f"kind {kind} ({scale.kind_weights.get(kind, 0.0):+.1f})"]
    base = data.get("base") or {}
    for capability in sorted(set(base.get("capabilities") or [])):
        weight = scale.capability_weights.get(capability, 0.0)
        if weight:
            total += weight
            reasons.append(f"base model is {capability} ({weight:+.1f})")
    text = "\n\n".join(str(data[k]) for k in ("name", "description") if data.get(k))
    cues = find_cues(text) if text else ()
    for cue in cues:
        weight = lex.weights[cue.label].get(name, 0.0)
        if not weight:
            continue
        weight = -0.5 * weight if cue.negated else weight
        total += weight
        reasons.append(f"{'negated ' if cue.negated else ''}'{cue.text}' ({cue.label}, {weight:+.1f})")
    score = 1.0 / (1.0 + math.exp(-total))
    evidence: list[Evidence] = []
    anchor = subject.evidence_for("description") or subject.evidence_for("name")
    if anchor is not None and cues:
        note = f"{name} cues: " + ", ".join(f"{'not ' if c.negated else ''}{c.text}" for c in cues)
        evidence.append(Evidence(anchor.path, anchor.line, snippet(anchor.snippet), anchor.kind, round(score, 3), note))
    return Judgement(name, round(score, 4), tuple(reasons), tuple(evidence))
