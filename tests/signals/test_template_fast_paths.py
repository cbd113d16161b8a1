"""Shortcuts in the template and lemma steps give the same values as the plain computation."""

from __future__ import annotations

import random

from compliance.signals import features
from compliance.signals.compiled import load_signals
from compliance.signals.conditions import Columns


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
    signals._matcher()  # compiles the prefilter, which is also the cue set
    assert lemmas.cue is not None
    texts = ["Generate 5 diverse training examples about <topic>. Each must be unique.",
             "Rate this answer on a scale of 1 to 10. Output only the score.",
             "Explain step by step. Show your reasoning before the final answer, please, in detail.",
             "hello there"]
    for text in texts * 2:
        assert lemmas.template_labels(text) == lemmas.labels(lemmas.cue_text(text))


def test_system_template_cache_is_the_template() -> None:
    record = type("R", (), {"prompt": "p", "system": 'You write "quoted" data for 12 users.', "response": ""})()
    assert Columns([record]).text_template("system", 0) == features.template_of(record.system)
    assert Columns([record, record]).text_template("system", 1) == features.template_of(record.system)


def _fuzz_texts(seed: int, count: int) -> list[str]:
    pieces = ["write", "about", "About ", "regarding ", "topic: ", "subject:", " on the topic of ", "related to ", "x", "y",
              " ", "  ", "\n", "\t", ".", ",", "?", "(", '"', "'", "'s", "don't", " 'quoted words' ", '"a b"', "“q”",
              "é", "Σ", "İ", "12", "007", "3.5", "http://a.b/c?d=1", "https://x.io", "me@ex.com", "a@b", "```code```",
              "```", "\n.\n", ".\n", "\n.", "...", "ABC", "Q&A", "—", "data set", "step by step", "\u00a0", "\x1c",
              "\r", "\x0b", "\x85", "domain:", "concerning ", "a'", "'b", "\x00"]
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        n = rng.choice((0, 1, 3, 8, 20, 60, 200))
        texts.append("".join(rng.choice(pieces) for _ in range(n)))
    return texts


def test_templates_of_matches_template_of() -> None:
    """The joined-string path (and the C extension where built) give each text's own template,
    in every batch size and mix."""
    for seed in range(40):
        texts = _fuzz_texts(seed, 300)
        expected = [features.template_of(t) for t in texts]
        assert features._templates_of(texts) == expected
        assert features.templates_of(texts) == expected
        ascii_only = [t for t in texts if t.isascii() and "```" not in t]
        assert features._templates_of(ascii_only) == [features.template_of(t) for t in ascii_only]
    for size in (0, 1, 7, 8, 9):
        texts = _fuzz_texts(99, size)
        assert features._templates_of(texts) == [features.template_of(t) for t in texts]
        assert features.templates_of(texts) == [features.template_of(t) for t in texts]


def test_templates_of_on_generated_logs() -> None:
    import json

    from .conftest import loggen

    gen = loggen()
    rng = random.Random(3)
    prompts = []
    for index in range(3000):
        kind = rng.choice(["app", "eval", "gen", "rotation"])
        line = json.loads(gen._line(rng, index, f"org-{kind}-01", kind, rng.randint(1, 3)))
        prompts.append(line["request"]["messages"][-1]["content"])
    expected = [features.template_of(p) for p in prompts]
    assert features._templates_of(prompts) == expected
    assert features.templates_of(prompts) == expected


def test_topics_of_matches_topic_of() -> None:
    for seed in range(40):
        texts = _fuzz_texts(seed, 300)
        assert features._topics_of(texts) == [features.topic_of(t) for t in texts]
        assert features.topics_of(texts) == [features.topic_of(t) for t in texts]
    for size in (0, 1, 7, 8, 9):
        texts = _fuzz_texts(7, size)
        assert features._topics_of(texts) == [features.topic_of(t) for t in texts]
        assert features.topics_of(texts) == [features.topic_of(t) for t in texts]


def test_word_count_is_split_length() -> None:
    for seed in range(20):
        for text in _fuzz_texts(seed, 200) + ["", " ", "a", " a", "a ", "a  b\tc\n\x1cd\x85e"]:
            assert features._word_count(text) == len(text.split()), repr(text)
        texts = _fuzz_texts(seed, 200) + ["", " ", "a  b\tc\n\x1cd\x85e", "é x"]
        assert features.word_counts(texts) == [len(t.split()) for t in texts]


def test_template_cue_text_matches_cue_text() -> None:
    import json

    from .conftest import loggen

    signals = load_signals()
    lemmas = signals.lemmas
    signals._matcher()
    gen = loggen()
    rng = random.Random(8)
    texts = [json.loads(gen._line(rng, i, "org-x-01", kind, rng.randint(1, 3)))["request"]["messages"][-1]["content"]
             for i, kind in enumerate(rng.choice(["app", "eval", "gen", "rotation"]) for _ in range(2000))]
    cues = ["Rate the answer: score it. ", "Generate diverse training examples! ", "step by step; think? ", "q&a pairs. ",
            "fine-tuning data set: ", "e.g. ", ". ", "..."]
    for seed in range(30):
        texts += [t + rng.choice(cues) + t[::-1] for t in _fuzz_texts(seed, 100)]
    for text in texts:
        template = features.template_of(text)
        assert lemmas.template_cue_text(template) == lemmas.cue_text(template), repr(template)
