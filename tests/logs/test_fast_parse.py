"""The openai-chat fast path gives exactly the general reader's record, or declines (None)."""

from __future__ import annotations

import copy
import json
import os
from dataclasses import fields

import pytest

from compliance.sources.logs.io import _parse
from compliance.sources.logs.readers import openai_chat
from compliance.sources.logs.readers.openai_chat import READER, fast_decode
from compliance.sources.logs.records import SourceRef

from .conftest import DATA

PLAIN = {
    "timestamp": "2025-09-13T19:43:56Z", "account": "org-app-03", "api_key_id": "key_org-app-03",
    "endpoint": "/v1/chat/completions",
    "request": {"model": "gpt-4o", "messages": [{"role": "system", "content": "Be brief."},
                                                {"role": "user", "content": "Rate this answer 1-10."}],
                "temperature": 0.7, "max_tokens": 8, "logprobs": True, "top_logprobs": 3},
    "response": {"id": "chatcmpl-1", "object": "chat.completion", "created": 1757792636, "model": "gpt-4o-2024-08-06",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "7"}, "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": 12, "completion_tokens": 1, "total_tokens": 13}},
}


@pytest.fixture(autouse=True, params=["c", "python"])
def record_builder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs twice: records built by the C extension's chat_record (where built) and
    by _from_envelope alone."""
    if request.param == "python":
        monkeypatch.setattr(openai_chat, "_CHAT_RECORD", None)
    elif openai_chat._CHAT_RECORD is None:
        if os.environ.get("TOS_CHECK_REQUIRE_NATIVE") == "1":
            pytest.fail("the C extension is not built (TOS_CHECK_REQUIRE_NATIVE=1)")
        pytest.skip("the C extension is not built here (python hatch_build.py)")
    return str(request.param)


def _variants() -> list[dict]:
    """The plain line and edits that each touch one thing the fast path must get right or decline."""
    out = [PLAIN]

    def edit(fn) -> None:  # noqa: ANN001
        obj = copy.deepcopy(PLAIN)
        fn(obj)
        out.append(obj)

    edit(lambda o: o.update(timestamp=None))
    edit(lambda o: o.update(timestamp=""))
    edit(lambda o: o.update(timestamp=1757792636))
    edit(lambda o: o.update(timestamp="not a time"))
    edit(lambda o: o.pop("timestamp"))
    edit(lambda o: o.update(account=""))
    edit(lambda o: o.update(account=42))
    edit(lambda o: o.update(account=[1]))
    edit(lambda o: o.update(api_key_id="sk-secret123"))
    edit(lambda o: o.update(status="error"))
    edit(lambda o: o.update(org="x"))
    edit(lambda o: o["request"].update(model=None))
    edit(lambda o: o["request"].update(model=3))
    edit(lambda o: o["request"].update(temperature="hot"))
    edit(lambda o: o["request"].update(max_tokens=True))
    edit(lambda o: o["request"].update(max_tokens=8.0, temperature=1, logprobs=1, top_logprobs=2**60 + 1))
    edit(lambda o: o["request"].update(seed=2**53 + 1, n=-3, logprobs="true", reasoning_effort="high"))
    edit(lambda o: o["request"].update(temperature=0.25, max_tokens=2.5))
    edit(lambda o: o["request"]["messages"].append({"role": "user", "content": [{"type": "text", "text": "more"}]}))
    edit(lambda o: o["request"]["messages"].append({"role": "user", "content": ""}))
    edit(lambda o: o["request"]["messages"].append({"role": "user", "content": None}))
    edit(lambda o: o["request"]["messages"].append({"role": "developer", "content": "dev"}))
    edit(lambda o: o["request"]["messages"].append({"role": ["user"], "content": "x"}))
    edit(lambda o: o["request"]["messages"].append("text"))
    edit(lambda o: o["request"].update(messages="text"))
    edit(lambda o: o["request"].pop("messages"))
    edit(lambda o: o.update(request={"method": "POST", "url": "/v1/chat", "body": o["request"]}))
    edit(lambda o: o.update(request=None))
    edit(lambda o: o["response"].update(id=""))
    edit(lambda o: o["response"].update(id=None))
    edit(lambda o: o["response"].update(id=5))
    edit(lambda o: o["response"].update(model=None))
    edit(lambda o: o["response"].update(created=1.5))
    edit(lambda o: o["response"].update(created=10**15))
    edit(lambda o: o["response"].update(created=-1))
    edit(lambda o: o["response"].update(created="soon"))
    edit(lambda o: o["response"].update(error={"message": "x"}))
    edit(lambda o: o["response"].update(usage={}))
    edit(lambda o: o["response"].update(usage={"prompt_tokens": 3.0, "completion_tokens": "4"}))
    edit(lambda o: o["response"].update(usage={"prompt_tokens": True}))
    edit(lambda o: o["response"]["usage"].update(completion_tokens_details={"reasoning_tokens": 5}))
    edit(lambda o: o["response"].update(choices=[]))
    edit(lambda o: o["response"]["choices"].append({"message": {"content": "second"}}))
    edit(lambda o: o["response"]["choices"][0]["message"].update(content=""))
    edit(lambda o: o["response"]["choices"][0]["message"].update(content=None, refusal="no"))
    edit(lambda o: o["response"]["choices"][0]["message"].update(reasoning_content="because"))
    edit(lambda o: o["response"]["choices"][0].update(message=None, text="legacy"))
    edit(lambda o: o["response"].update(choices={"a": 1}))
    edit(lambda o: o.update(response={"status_code": 500, "body": o["response"]}))
    return out


def _check(obj: dict, source: SourceRef) -> bool:
    fast = fast_decode(json.dumps(obj).encode() + b"\n", source.path, source.line)
    if fast is None:
        return False
    general = _parse(copy.deepcopy(obj), READER, None, source)
    assert fast == general
    assert [type(getattr(fast, f.name)) for f in fields(fast)] == [type(getattr(general, f.name)) for f in fields(general)]
    assert type(fast.params) is type(general.params)
    return True


def test_fast_decode_equals_reader_or_declines() -> None:
    taken = [_check(obj, SourceRef("x.jsonl", i + 1)) for i, obj in enumerate(_variants())]
    assert taken[0]  # the usual line takes the fast path
    assert sum(taken) >= 10


def test_fast_decode_on_sample_logs() -> None:
    for path in sorted(DATA.glob("*.jsonl")):
        for i, line in enumerate(path.read_bytes().splitlines(keepends=True)):
            source = SourceRef(str(path), i + 1)
            try:
                obj = json.loads(line)
            except ValueError:
                assert fast_decode(line, source.path, source.line) is None  # invalid JSON is the reader's to report
                continue
            if type(obj) is dict:
                _check_raw(line, obj, source)


def _check_raw(raw: bytes, obj: dict, source: SourceRef) -> bool:
    fast = fast_decode(raw, source.path, source.line)
    if fast is None:
        return False
    general = _parse(obj, READER, None, source)
    assert fast == general
    assert [type(getattr(fast, f.name)) for f in fields(fast)] == [type(getattr(general, f.name)) for f in fields(general)]
    return True


def test_fast_decode_raw_lines() -> None:
    """Byte-level cases: what json.loads rejects is declined, duplicate keys keep the last value
    (as json.loads does), and a request naming max_tokens twice is left to the reader (key order)."""
    plain = json.dumps(PLAIN).encode()
    source = SourceRef("x.jsonl", 1)
    for bad in (b"", b"\n", plain[:-1], plain + b"x", b"\xef\xbb\xbf" + plain, plain.replace(b"Be brief", b"Be\x01brief"),
                plain.replace(b"Be brief", b"\\ud800"), b"[" + plain + b"]"):
        record = fast_decode(bad, source.path, source.line)
        try:
            obj = json.loads(bad)
        except ValueError:
            assert record is None, bad
            continue
        if record is not None:
            assert record == _parse(obj, READER, None, source)
    twice = plain.replace(b'"account": "org-app-03"', b'"account": "first", "account": "org-app-03"')
    assert _check_raw(twice, json.loads(twice), source)
    both = plain.replace(b'"max_tokens": 8', b'"max_completion_tokens": 9, "max_tokens": 8')
    assert fast_decode(both, source.path, source.line) is None
    assert _parse(json.loads(both), READER, None, source).params["max_tokens"] == 9
    assert _check_raw(plain + b"\r\n", PLAIN, source)


def test_loads_line_matches_json_loads() -> None:
    """msgspec decodes the usual line; what it rejects falls back, so values and errors are json.loads'."""
    from compliance.sources.logs.streams import _loads_line

    for raw in (b'{"n": 123456789012345678901234567890, "m": -99999999999999999999}\n', b'{"a": 1, "a": 2}',
                b'{"x": 1e400}', b'{"x": NaN}', b'\xef\xbb\xbf{"a": "\\u00e9"}', b'{"f": 0.1, "g": -0.0, "h": 1.5E3}',
                b'{"s": "\\ud800"}', b"[1, 2]", b'  {"a": []}  \r\n'):
        want = json.loads(raw)
        got = _loads_line(raw)
        assert repr(got) == repr(want), raw
    for bad in (b'{"a": 1}x', b"{", b'"\xff"', b'{"a": "\x01"}'):
        try:
            json.loads(bad)
        except ValueError as exc:
            want_error = type(exc)
        else:
            raise AssertionError(bad)
        try:
            _loads_line(bad)
        except ValueError as exc:
            assert type(exc) is want_error
        else:
            raise AssertionError(bad)


def test_fast_decode_reads_every_kept_parameter() -> None:
    from compliance.sources.logs.readers._common import PARAM_TABLE
    from compliance.sources.logs.readers.openai_chat import _PARAM_KEYS

    assert sorted(_PARAM_KEYS) == sorted(PARAM_TABLE)

