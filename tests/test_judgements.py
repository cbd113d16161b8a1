"""The `competes` and `classifies` judgements read kind and description through spaCy rules."""

from __future__ import annotations

import pytest

from compliance.facts import Evidence, Fact
from compliance.nlp.judgements import find_cues, judge


def artifact(description: str, kind: str = "model-weights", name: str = "M") -> Fact:
    return Fact("artifacts", "a", {"kind": kind, "name": name, "description": description},
                [Evidence("m.yaml", 1)], {"description": Evidence("m.yaml", 4, description)})


@pytest.mark.parametrize("description", [
    "General-purpose chat assistant for our customers.",
    "An open-weights LLM that follows instructions.",
    "A code assistant that writes Python and completes code in the editor.",
    "Reasoning model for math olympiad problems with chain-of-thought.",
    "Our alternative to ChatGPT for enterprise users.",
    "Conversational AI that answers questions on any topic.",
])
def test_competing_models(description: str) -> None:
    assert judge("competes", artifact(description), {}).score >= 0.7


@pytest.mark.parametrize("description", [
    "Internal classifier that routes support tickets to the right team.",
    "A retrieval embedding model for internal search.",
    "Sentiment classifier for product reviews.",
    "This is not a general chatbot: it only labels emails as spam.",
])
def test_narrow_models(description: str) -> None:
    assert judge("competes", artifact(description), {}).score < 0.3
    assert judge("classifies", artifact(description), {}).score >= 0.7


def test_no_description_is_uncertain() -> None:
    score = judge("competes", artifact(""), {}).score
    assert 0.3 <= score < 0.7


def test_negation_flips_a_cue() -> None:
    plain = {c.label: c.negated for c in find_cues("It is a general chatbot.")}
    negated = {c.label: c.negated for c in find_cues("It is not a chatbot.")}
    assert plain["chat-assistant"] is False and negated["chat-assistant"] is True
    assert judge("competes", artifact("It is not a chatbot."), {}).score < judge("competes", artifact("It is a chatbot."), {}).score


def test_lemmas_are_case_insensitive() -> None:
    labels = {c.label for c in find_cues("CLASSIFIES Emails and TAGS Documents")}
    assert "narrow-classifier" in labels


def test_judgement_carries_evidence() -> None:
    j = judge("competes", artifact("General-purpose chat assistant."), {})
    assert j.evidence and j.evidence[0].line == 4 and "chat assistant" in j.evidence[0].note
