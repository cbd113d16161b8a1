"""The optional C extension (compliance/signals/_native.c) gives the values of the Python functions.

The extension is built into the wheel when the package is installed on a machine with a C compiler,
and next to the source by `python hatch_build.py` (the tests import the checkout). These tests skip
where it is missing, and fail instead when TOS_CHECK_REQUIRE_NATIVE=1 (set by .ci/run, which
builds it). The Python functions in features.py are the reference.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from compliance.signals import features
from compliance.sources.logs.readers import openai_chat

from ..logs.test_fast_parse import PLAIN, _variants
from .test_template_fast_paths import _fuzz_texts

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "logs" / "data"


@pytest.fixture(scope="module")
def native():  # type: ignore[no-untyped-def]
    if features.NATIVE is None:
        message = ("the C extension compliance.signals._native is not importable here: a checkout needs "
                   "`python hatch_build.py` to build it in place (needs a C compiler)")
        if os.environ.get("TOS_CHECK_REQUIRE_NATIVE") == "1":
            pytest.fail(message + " (TOS_CHECK_REQUIRE_NATIVE=1)")
        pytest.skip(message)
    return features.NATIVE


# Pieces that reach every branch: URL and e-mail edges, both quote kinds with the lookbehind and
# lookahead cases, topic start words after letters and digits, the white space str.split() knows
# (\x1c-\x1f included), NUL, clipping marks, and digits.
_PIECES = list("ab_Z09 .,;:?!(\"'@%+-/\n\t\x1c\x1f\x0b\r\x00<>") + [
    "http", "https", "://", "about ", "topic:", "regarding ", "on the subject of ", "on the topic of ", "x@y.co",
    ".com", "@a", "a.b", "'s", "don't", "subject:", "category:", "theme:", "domain:", "concerning ", "related to ",
    "HTTP://", "ABOUT ", "Topic:", "  ", "\n\n", "1234", "...", "```", "a@b.c", "x.y@z-w.org", "'quoted words'"]


def _char_fuzz(rng: random.Random) -> str:
    mode = rng.random()
    if mode < 0.75:
        return "".join(rng.choice(_PIECES) for _ in range(rng.choice((1, 3, 6, 12, 30))))
    if mode < 0.85:  # quoted runs around the 400-character limit
        quote = rng.choice("\"'")
        inner = "".join(rng.choice("ab \n'\"") if rng.random() < 0.01 else "a" for _ in range(rng.randint(395, 405)))
        return rng.choice(["", "x ", " ", "a", "'", "_"]) + quote + inner + quote + rng.choice(["", "x", " ", "'", ".", "_"])
    if mode < 0.93:  # topic values around the 80-character limit
        value = "".join(rng.choice("ab 1\t\x1c-") for _ in range(rng.randint(70, 90)))
        text = rng.choice(["", "x", "xabout ", "(", "1"]) + rng.choice(["about", "topic:", "domain:"]) \
            + rng.choice(["", " ", "\n ", " \n", "\x1c"]) + value + rng.choice(["", ".", "about x", '"q"'])
        return text * rng.choice((1, 3, 8))
    text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(100, 260)))  # clipped: over 480 characters
    return text[:rng.randint(470, 600)]


def test_templates_and_topics_match_python_on_fuzzed_texts(native) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(11)
    texts = [_char_fuzz(rng) for _ in range(40_000)]
    templates, topics = native.templates(texts), native.topics(texts)
    handled = 0
    for text, template, topic in zip(texts, templates, topics):
        if not text.isascii() or "```" in text:
            assert template is None and topic is False, repr(text)
            continue
        handled += 1
        assert template == features.template_of(text), repr(text)
        assert topic == features.topic_of(text), repr(text)
        assert native.word_count(text) == len(text.split()), repr(text)
    assert handled > 30_000


def test_templates_and_topics_match_python_on_mixed_texts(native) -> None:  # type: ignore[no-untyped-def]
    for seed in range(20):
        texts = _fuzz_texts(seed, 300)
        assert features.templates_of(texts) == features._templates_of(texts)
        assert features.topics_of(texts) == features._topics_of(texts)
    for text in ["", "é", "naïve about x", "```code``` about y", "Σ 12"]:
        assert native.templates([text]) == ([""] if text == "" else [None])
        assert native.word_count(text) == (-1 if not text.isascii() else len(text.split()))


@pytest.mark.parametrize(("text", "template"), [
    ("See https://a.b/c?d=1 and http:// x", "see <url> and http:// x"),
    ("Mail x.y@z-w.org or a@b.c, then 'quoted words' and don't", "mail <email> or a@b.c, then \"_\" and don't"),
    ('Write 12 "seed" items about Quantum Physics. Then 3 more', 'write 0 "_" items about <topic>. then 0 more'),
    ("topic:\n\n  x", "topic: <topic>"),
])
def test_known_templates(native, text: str, template: str) -> None:  # type: ignore[no-untyped-def]
    assert features.template_of(text) == template
    assert native.templates([text]) == [template]


def test_bad_arguments_raise_type_errors(native) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError):
        native.templates(["ok", 3])
    with pytest.raises(TypeError):
        native.topics(None)
    with pytest.raises(TypeError):
        native.word_count(b"bytes")


def test_pure_python_switch() -> None:
    code = "from compliance.signals import features; print(features.NATIVE is None)"
    env = {**os.environ, "TOS_CHECK_PURE_PYTHON": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "True"


def test_build_without_a_compiler_says_why(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    try:
        import hatch_build
    finally:
        sys.path.remove(str(ROOT))
    monkeypatch.setenv("CC", str(tmp_path / "no-such-cc"))
    why = hatch_build.compile_extension(tmp_path / "_native.so")
    assert why is not None and "no-such-cc" in why
    assert not (tmp_path / "_native.so").exists()
    monkeypatch.setenv("TOS_CHECK_NO_NATIVE", "1")
    assert hatch_build.compile_extension(tmp_path / "_native.so") == "TOS_CHECK_NO_NATIVE is set"


def test_the_extension_takes_its_words_and_sizes_from_features(native, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Topic start words and clipping sizes are features.py's, given to the extension at load; words
    it can't scan in one pass leave the work to Python."""
    text = "Wrt x, about y; and more words here, to be clipped away at the end."
    try:
        native.configure(("wrt ",), 10, 5)
        monkeypatch.setattr(features, "_TOPIC_STARTS", ("wrt ",))
        monkeypatch.setattr(features, "HEAD_CHARS", 10)
        monkeypatch.setattr(features, "TAIL_CHARS", 5)
        assert native.templates([text]) == [features.template_of(text)]
        assert native.topics([text]) == [features.topic_of(text)] == ["x"]
        for words in (("a a",), ("About ",), ("café ",)):
            monkeypatch.setattr(features, "_TOPIC_STARTS", words)
            assert features._load_native() is None, words
        with pytest.raises(ValueError):
            native.configure(("",), 1, 1)
        with pytest.raises(ValueError):
            native.configure(("a",), -1, 1)
    finally:
        monkeypatch.undo()
        native.configure(features._TOPIC_STARTS, features.HEAD_CHARS, features.TAIL_CHARS)
    assert native.templates([text]) == [features.template_of(text)]


def _table_state(table):  # type: ignore[no-untyped-def]
    return (list(table.counts.items()), list(table.alias.items()), list(table.by_block.items()), table.evicted,
            table.overflow)


def _with_and_without_c(native, monkeypatch: pytest.MonkeyPatch, method: str, items: list):  # type: ignore[no-untyped-def, type-arg]
    """Two TemplateTables given the same items through `method`, one with the C extension and one
    without; they must end in the same state. Returns the first."""
    from compliance.signals import accumulate
    from compliance.signals.accumulate import TemplateTable

    with_c, python = TemplateTable(), TemplateTable()
    for item in items:
        getattr(with_c, method)(item)
        monkeypatch.setattr(accumulate, "NATIVE", None)
        getattr(python, method)(item)
        monkeypatch.setattr(accumulate, "NATIVE", native)
    assert _table_state(with_c) == _table_state(python)
    return with_c


def _template_stream(rng: random.Random, n: int) -> list:  # type: ignore[type-arg]
    """Templates with repeats, near-duplicates (fuzzy matches through a shared block), short ones
    (both blocks equal), spaces in odd places, non-ASCII, and enough unique ones to evict."""
    words = ["write", "a", "diverse", "instruction", "about", "<topic>", "and", "answer", "é", "✓", "rate", "the", "x"]
    kept: list[str] = []
    out: list = []  # type: ignore[type-arg]
    for _ in range(n):
        mode = rng.random()
        if mode < 0.3 and kept:
            out.append(rng.choice(kept))  # a repeat
        elif mode < 0.45 and kept:
            base = rng.choice(kept).split(" ")
            base[rng.randrange(len(base))] = rng.choice(words)  # a near-duplicate: one word changed
            out.append(" ".join(base))
        elif mode < 0.5:
            out.append(" ".join(rng.choice(words) for _ in range(rng.randint(0, 4))))  # at most four words
        elif mode < 0.53:
            out.append(rng.choice(["", " ", "a  b   c d e", " a b c d e f ", "a b c d\u3000e f g h"]))
        else:
            text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 14))) + f" {rng.randrange(10**6)}"
            kept.append(text)
            out.append(text)
    return out


def test_template_table_add_many_matches_python(native, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The C loop of TemplateTable.add_many leaves each table exactly as the Python loop does:
    counts, aliases and blocks in the same order, evictions and overflow included."""
    from compliance.signals.accumulate import TemplateTable

    rng = random.Random(11)
    evicted = aliased = 0
    monkeypatch.setattr(TemplateTable, "CAP", 40)  # small, so that eviction and overflow happen often
    for _ in range(60):
        stream = _template_stream(rng, rng.choice((10, 100, 400)))
        batches = [stream[i:i + rng.randint(1, 60)] for i in range(0, len(stream), 60)]
        with_c = _with_and_without_c(native, monkeypatch, "add_many", batches)
        evicted += with_c.evicted
        aliased += len(with_c.alias)
    assert evicted and aliased  # the stream reached both Python-only steps


def test_template_table_evicts_and_overflows_in_c(native, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from compliance.signals import accumulate
    from compliance.signals.accumulate import TemplateTable

    monkeypatch.setattr(TemplateTable, "CAP", 4)
    unique = [f"{i} alpha beta gamma delta epsilon zeta eta {i}" for i in range(10)]  # no block shared
    table = TemplateTable()
    table.add_many(unique[:4] + unique[:4])  # four kept, each seen twice: nothing can be evicted
    table.add_many(unique[4:])
    assert table.overflow == 6 and table.evicted == 0 and len(table.counts) == 4
    fresh = TemplateTable()
    fresh.add_many(unique)  # all seen once: evicted in groups of four
    monkeypatch.setattr(accumulate, "NATIVE", None)
    reference = TemplateTable()
    reference.add_many(unique)
    assert _table_state(fresh) == _table_state(reference) and fresh.evicted == 8


def test_blocks_match_python(native) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(5)
    for template in _template_stream(rng, 3000) + ["", " ", "    ", "a b c d", "a b c d e", "  a b c d e  "]:
        assert native.blocks(template) == features._blocks(template), template


def test_template_table_bad_arguments(native) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError):
        native.table_add({}, {}, {}, ("a",), 0, 4, 8)  # a tuple, not a list
    with pytest.raises(TypeError):
        native.blocks(b"a b")
    counts: dict = {}  # type: ignore[type-arg]
    assert native.table_add(counts, {}, {}, ["a b", 3, "c"], 0, 4, 8) == 1  # non-str: left to Python
    assert counts == {"a b": 1}


# --- records of the usual openai-chat envelope (tests/logs/test_fast_parse.py runs the reader with and without it)


def test_chat_record_equals_from_envelope_or_declines(native) -> None:  # type: ignore[no-untyped-def]
    """openai_chat's records in C (chat_record): the C record builder gives _from_envelope's record (same values and types, the source's
    record id included) or None, on every variant and every line of the sample logs."""
    chat = openai_chat._CHAT_RECORD
    lines = [json.dumps(obj).encode() for obj in _variants()]
    lines += [line for path in sorted(DATA.glob("*.jsonl")) for line in path.read_bytes().splitlines()]
    lines.append(json.dumps(PLAIN).replace('"gpt-4o-2024-08-06"', '"a-model-not-seen-before"').encode())
    taken = declined = 0
    for i, line in enumerate(lines):
        try:
            env = openai_chat._DECODE(line)
        except Exception:  # noqa: BLE001 - not the fast shape
            continue
        try:
            want = openai_chat._from_envelope(env, "x.jsonl", i + 1)
        except Exception:  # noqa: BLE001 - _from_envelope raises: C must decline
            want = None
        got = chat(env, "x.jsonl", i + 1)
        if got is None:
            declined += 1
            continue
        assert want is not None, line
        assert got == want and got.source == want.source and got.source.record_id == want.source.record_id, line
        assert [type(getattr(got, f.name)) for f in fields(got)] == [type(getattr(want, f.name)) for f in fields(want)]
        taken += 1
    assert taken >= 10 and declined >= 10
    # a model the provider cache hasn't seen is declined once, then taken
    fresh = openai_chat._DECODE(json.dumps(PLAIN).replace('"gpt-4o-2024-08-06"', '"another-unseen-model"').encode())
    assert chat(fresh, "x", 1) is None
    assert openai_chat._from_envelope(fresh, "x", 1) is not None
    assert chat(fresh, "x", 1) == openai_chat._from_envelope(fresh, "x", 1)


def test_chat_record_bad_calls(native) -> None:  # type: ignore[no-untyped-def]
    chat = openai_chat._CHAT_RECORD
    with pytest.raises(TypeError):
        chat(None, "x")
    assert chat({"request": {}}, "x", 1) is None  # not the envelope struct: declined


def test_cue_sentences_match_python(native) -> None:  # type: ignore[no-untyped-def]
    """LemmaMatcher.template_cue_text's sentence step in C equals conditions.cue_sentences: stops
    in every position, overlapping and repeated literals, literals across a stop's space, empty
    sentences and an empty literal."""
    from compliance.signals.conditions import _findable, cue_sentences

    rng = random.Random(3)
    pieces = ["write", " ", "a", "aa", "dataset", "data set", ". ", "! ", "? ", "; ", ": ", ".", ":", "x", "step by step",
              "rate", "score", "0", "_", "<topic>", "...", "  "]
    vocabulary = ["a", "aa", "aaa", "dataset", "data set", "rate", "score", "step by step", "x", "set", "", "write a"]
    for _ in range(20000):
        template = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        literals = [w for w in rng.sample(vocabulary, rng.randint(0, 5)) if _findable(w)]
        assert native.cue_sentences(template, literals) == cue_sentences(template, literals), (template, literals)
    assert native.cue_sentences("é. a", ["a"]) is None  # non-ASCII: the caller's Python path
    with pytest.raises(TypeError):
        native.cue_sentences("a. b", ("a",))


def _re2_set(literals: list[str]):  # type: ignore[no-untyped-def]
    import re2  # type: ignore[import-untyped]

    options = re2.Options()
    options.case_sensitive = False
    options.never_capture = True
    found = re2.Set.SearchSet(options)
    for literal in literals:
        found.Add(re2.escape(literal))
    found.Compile()
    return lambda text: found.Match(text.encode("utf-8")) or []  # the wrapper says None for no match


def test_literal_set_matches_the_re2_set(native) -> None:  # type: ignore[no-untyped-def]
    """The prefilter's C scanner answers what its RE2 set answers: the bundled literals, and a set
    of over 64 short literals (several mask words, one- and two-character literals, an empty one),
    on texts mixing cases, NUL, line breaks and non-ASCII (which goes to the fallback)."""
    from compliance.signals.compiled import load_signals

    rng = random.Random(1)
    bundled = load_signals([]).literals
    short = sorted({"".join(rng.choice("abcAB-&") for _ in range(rng.randint(1, 5))).lower() for _ in range(150)}) + [""]
    for literals, alphabet in ((bundled, bundled + [w.upper() for w in bundled] + [w[:2] for w in bundled]
                                + list("abcxyzABZ .,\n\x00") + ["é", "\u212a", "\u017f"]),
                               (short, list("abcABé -&\n\x00"))):
        assert len(literals) > 40
        reference = _re2_set(literals)
        scanner = native.LiteralSet(list(literals), reference)
        for _ in range(20000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
            assert sorted(scanner(text)) == sorted(reference(text)), (text, literals is bundled)
    assert native.LiteralSet(["kelvin"], _re2_set(["kelvin"]))("\u212aelvin") == [0]  # Unicode folding: RE2's answer
    with pytest.raises(ValueError):
        native.LiteralSet(["café"], reference)  # non-ASCII literal: the caller keeps RE2
    with pytest.raises(TypeError):
        native.LiteralSet(["a"], None)
    with pytest.raises(TypeError):
        scanner(b"bytes")


def test_signal_set_uses_the_scanner(native) -> None:  # type: ignore[no-untyped-def]
    from compliance.signals.compiled import load_signals

    signals = load_signals([])
    assert isinstance(signals._matcher(), native.LiteralSet)


def test_batch_prefilter_matches_python(native) -> None:  # type: ignore[no-untyped-def]
    """SignalSet.passing_prefilter in one C call (LiteralSet.passing) gives the Python loop's
    answer: per signal, the records holding one of its literals in one of its fields."""
    from types import SimpleNamespace

    from compliance.signals.compiled import load_signals
    from compliance.signals.conditions import Columns

    signals = load_signals([])
    signals._matcher()
    assert signals._passing is not None and len(signals._fields) >= 2
    rng = random.Random(8)
    words = signals.literals + [w.upper() for w in signals.literals] + ["x", "é", "Write", "\u212a", " ", ".", "\n"]

    def text() -> object:
        roll = rng.random()
        if roll < 0.1:
            return None
        if roll < 0.2:
            return ""
        return " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))

    for size in (1, 7, 300, 2048):
        records = [SimpleNamespace(prompt=text(), system=text(), response=text()) for _ in range(size)]
        columns = Columns(records, signals.lemmas)
        with_c = signals.passing_prefilter(columns)
        passing, signals._passing = signals._passing, None
        try:
            python = signals.passing_prefilter(Columns(records, signals.lemmas))
        finally:
            signals._passing = passing
        assert with_c == python
        assert with_c or size == 1
    with pytest.raises(ValueError):
        passing([["a"], ["b", "c"]], signals._routes)


def test_compare_matches_python(native) -> None:  # type: ignore[no-untyped-def]
    """The numeric record tests in C: exact types only (no bool), Python's comparison between ints
    and floats (big ints, infinities and NaN included)."""
    import operator

    rng = random.Random(12)
    pool = [0, 1, -1, 5, 6, 40, 64, 2**53 + 1, -(2**70), 2**70, 0.0, -0.0, 5.5, 6.0, float("inf"), float("-inf"),
            float("nan"), True, False, None, "7", 7.000000000000001, 1e300]
    ops = {0: operator.lt, 1: operator.le, 4: operator.gt, 5: operator.ge}
    for _ in range(3000):
        values = [rng.choice(pool) for _ in range(rng.randint(0, 40))]
        idx = sorted(rng.sample(range(len(values)), rng.randint(0, len(values))))
        arg = rng.choice([0, 6, 40, 64, 16000, 2**53 + 1, 2**70, -(2**70), 5.5, 6.0, float("inf"), 1e300])
        for code, compare in ops.items():
            want = [i for i in idx if type(values[i]) in (int, float) and compare(values[i], arg)]
            assert native.compare(values, idx, code, arg) == want, (values, idx, code, arg)
    with pytest.raises(ValueError):
        native.compare([1], [0], 2, 1)  # ==: not a comparison the tests use
    with pytest.raises(IndexError):
        native.compare([1], [3], 0, 1)


def test_param_column_matches_python(native) -> None:  # type: ignore[no-untyped-def]
    from types import MappingProxyType, SimpleNamespace

    records = [SimpleNamespace(params=p) for p in ({"temperature": 0.5, "n": 2}, {}, MappingProxyType({"n": 3}),
                                                   MappingProxyType({}), {"n": None})]
    for key in ("n", "temperature", "missing"):
        assert native.param_column(records, key) == [r.params.get(key) for r in records]
    with pytest.raises(AttributeError):
        native.param_column([object()], "n")


def test_similar_matches_python(native, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """TemplateTable._similar in C: reps under the first block, then the last, each once, the length
    filter, and rapidfuzz's answer; the Python loop is the reference."""
    from compliance.signals import accumulate
    from compliance.signals.accumulate import TemplateTable

    rng = random.Random(21)
    checked = hits = 0
    for _ in range(300):
        table = TemplateTable()
        for template in _template_stream(rng, rng.randint(5, 80)):
            table.add(template)
        for template in _template_stream(rng, 30):
            keys = features.blocks(template)
            with_c = table._similar(template, keys)
            monkeypatch.setattr(accumulate, "NATIVE", None)
            python = table._similar(template, keys)
            monkeypatch.setattr(accumulate, "NATIVE", native)
            assert with_c == python, template
            checked += 1
            hits += with_c is not None
    assert checked and hits
    with pytest.raises(TypeError):
        native.similar("a", "a", "a", {}, None)


def test_template_table_merge_matches_python(native, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """TemplateTable.merge in C (table_add with a count per template) leaves the table the Python
    loop of add(template, count) leaves: repeats, aliases, fuzzy matches, evictions, overflow."""
    from compliance.signals.accumulate import TemplateTable

    monkeypatch.setattr(TemplateTable, "CAP", 40)
    rng = random.Random(17)
    evicted = aliased = 0
    for _ in range(80):
        stream = _template_stream(rng, rng.choice((40, 200, 600)))  # one stream cut into parts: near-duplicates across parts
        cuts = sorted(rng.sample(range(1, len(stream)), rng.randint(1, 4)))
        parts = []
        for begin, end in zip([0, *cuts], [*cuts, len(stream)]):
            part = TemplateTable()
            part.add_many(stream[begin:end])
            parts.append(part)
        with_c = _with_and_without_c(native, monkeypatch, "merge", parts)
        evicted += with_c.evicted
        aliased += len(with_c.alias)
    assert evicted and aliased
    with pytest.raises(TypeError):
        native.table_add({}, {}, {}, ["a"], 0, 4, 8, [1, 2])  # one count per template


def test_accounts_and_attr_or_match_python(native) -> None:  # type: ignore[no-untyped-def]
    """add_batch's grouping by account (provider or unknown, account or key or unknown) and its
    `x or default` columns, in C, against the Python reference."""
    from types import SimpleNamespace

    from compliance.signals.collect import _accounts

    rng = random.Random(30)
    values = ["openai", "anthropic", "", None, "acct-1", "acct-2", 0]
    for size in (0, 1, 5, 300):
        records = [SimpleNamespace(provider=rng.choice(values), account=rng.choice(values),
                                   api_key_id=rng.choice(values), model=rng.choice(values)) for _ in range(size)]
        assert native.accounts(records, "(unknown)") == _accounts(records)  # type: ignore[arg-type]
        for name in ("model", "api_key_id", "provider"):
            assert native.attr_or(records, name, "(unknown)") == [getattr(r, name) or "(unknown)" for r in records]
    with pytest.raises(AttributeError):
        native.accounts([object()], "(unknown)")


def test_column_matches_getattr(native) -> None:  # type: ignore[no-untyped-def]
    """Columns read from LogRecord slots directly (other objects through getattr) equal getattr's."""
    from types import SimpleNamespace

    from compliance.sources.logs import iter_log_records

    records = list(iter_log_records([str(p) for p in sorted(DATA.glob("*.jsonl"))], None))
    records += [SimpleNamespace(prompt="abc", response="", model=None, timestamp=None, params={}, status="ok")]
    assert len(records) > 30
    for name in ("prompt", "response", "model", "timestamp", "params", "status"):
        assert native.column(records, name) == [getattr(r, name) for r in records]
    assert native.column(records, "prompt", True) == [len(r.prompt) for r in records]
    with pytest.raises(AttributeError):
        native.column(records, "no_such_field")
