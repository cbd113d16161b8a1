"""Shortcuts in the template and lemma steps give the same values as the plain computation."""

from __future__ import annotations

import random

from compliance.signals import features
from compliance.signals.compiled import load_signals
from compliance.signals.conditions import RecordView


def test_quote_blanking_matches_the_full_pattern() -> None:
    pieces = ["a", "b", "_", "'", '"', " ", "\n", "1", "é", "“", "”", "«", "»", ".", "(", "xxx", "'s", "ok'",
              '"hi"', "'yo'", "don't", "“q”"]
    rng = random.Random(5)
    for _ in range(50_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert features._quotes(text) == features._QUOTED.sub('"_"', text), repr(text)


def test_template_label_cache_matches_uncached_labels() -> None:
    signals = load_signals()
    lemmas = signals.lemmas
    signals.passing_prefilter(type("R", (), {"prompt": "x", "system": "", "response": ""})())  # sets the cue set
    assert lemmas.cue is not None
    texts = ["Generate 5 diverse training examples about <topic>. Each must be unique.",
             "Rate this answer on a scale of 1 to 10. Output only the score.",
             "Explain step by step. Show your reasoning before the final answer, please, in detail.",
             "hello there"]
    for text in texts * 2:
        assert lemmas.template_labels(text) == lemmas.labels(lemmas.cue_text(text))


def test_system_template_cache_is_the_template() -> None:
    record = type("R", (), {"prompt": "p", "system": 'You write "quoted" data for 12 users.', "response": ""})()
    view = RecordView(record)
    assert view.text_template("system") == features.template_of(record.system)
    assert RecordView(record).text_template("system") == features.template_of(record.system)
