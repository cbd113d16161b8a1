"""The lemma-label service answers what a local spaCy build answers, and its failures cost nothing
but time (the caller builds locally)."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from compliance.nlp import service
from compliance.nlp.service import LabelService, patterns_key
from compliance.signals.compiled import load_signals
from compliance.signals.conditions import LemmaMatcher

pytestmark = pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(),
                                reason="the service forks its helper")

TEXTS = [
    "Generate 20 diverse instruction and answer pairs for fine-tuning our model.",
    "You are an impartial judge. Rate the response below from 1 to 10 for helpfulness.",
    "Solve the following problem. Think step by step and show your chain of thought.",
    "Create a synthetic dataset of customer questions.",
    "What is the capital of France?",
    "",
    "Compare the two answers and output only the better one's score.",
    "Écris des exemples variés pour l'entraînement. Then write q&a pairs.",
]


def _matcher() -> LemmaMatcher:
    return load_signals([]).lemmas


def _fuzzed(n: int) -> list[str]:
    rng = random.Random(4)
    words = " ".join(TEXTS).split() + ["training", "data", "rate", "score", "step", "by", "dataset", "!", ".", "\n"]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(1, 25))) for _ in range(n)]


def test_service_labels_equal_local_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "_service", None)  # the local matcher builds here
    remote = LabelService()
    try:
        local = _matcher()
        patterns = local._patterns
        key = patterns_key(patterns)
        matched = 0
        for text in TEXTS + _fuzzed(300):
            want = local.labels(text)  # no service in this process's globals: built here
            got = remote.labels(key, patterns, text)
            assert got == want, text
            matched += bool(want)
        assert matched >= 50 and local.loaded
    finally:
        remote.close()


def test_matcher_uses_the_service_and_never_loads_spacy(monkeypatch: pytest.MonkeyPatch) -> None:
    remote = LabelService()
    monkeypatch.setattr(service, "_service", remote)
    try:
        lemmas = _matcher()
        reference = _matcher()
        for text in TEXTS:
            assert lemmas.labels(text) == reference.labels(text)
        assert not lemmas.loaded  # every answer came from the helper
    finally:
        remote.close()


def test_a_dead_service_means_a_local_build(monkeypatch: pytest.MonkeyPatch) -> None:
    remote = LabelService()
    monkeypatch.setattr(service, "_service", remote)
    remote._process.kill()
    remote._process.join()
    lemmas = _matcher()
    assert lemmas.labels(TEXTS[0]) == _matcher().labels(TEXTS[0])
    assert remote.broken and lemmas.loaded
    assert remote.labels("x", {}, "y") is None  # broken stays broken


def test_unknown_patterns_fall_back() -> None:
    """Patterns the helper can't build are reported as an error reply: the caller builds locally
    and meets the same error itself."""
    remote = LabelService()
    try:
        assert remote.labels("bad", {"L0": [[{"LEMMA": {"NOT_AN_OPERATOR": ["x"]}}]]}, "x y") is None
        assert remote.broken
    finally:
        remote.close()


def test_audit_is_the_same_with_and_without_the_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI starts the service; the report is byte-identical to one made without it."""
    import subprocess
    import sys

    data = Path(__file__).resolve().parents[1] / "logs" / "data"
    env = {**os.environ, "CI": "1"}  # TOS_CHECK_NO_LABEL_SERVICE is set per run below
    outputs = []
    for switch in ("0", "1"):
        env["TOS_CHECK_NO_LABEL_SERVICE"] = switch
        done = subprocess.run([sys.executable, "-m", "compliance", "audit", str(data), "--format", "json", "--top", "0"],
                              capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
        assert done.returncode in (0, 2), done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["accounts"]


def test_patterns_sent_ahead_are_not_sent_again(monkeypatch: pytest.MonkeyPatch) -> None:
    remote = LabelService()
    monkeypatch.setattr(service, "_service", remote)
    try:
        lemmas = _matcher()
        lemmas.prepare_service()
        assert lemmas._key in remote._sent
        sent: list[str] = []
        send = remote._conn.send
        monkeypatch.setattr(remote._conn, "send", lambda message: (sent.append(message[0]), send(message))[1])
        assert lemmas.labels(TEXTS[0]) == _local_labels(monkeypatch, TEXTS[0])
        assert sent == ["labels"] and not lemmas.loaded
    finally:
        remote.close()


def _local_labels(monkeypatch: pytest.MonkeyPatch, text: str) -> frozenset[str]:
    with monkeypatch.context() as local:
        local.setattr(service, "_service", None)
        return _matcher().labels(text)
