"""OpenAI Chat Completions (and OpenAI-compatible APIs) as client code logs them.

Accepted lines: an envelope `{"request": {...}, "response": {...}, "timestamp", "account", ...}`;
a bare response (`object: "chat.completion"` or a `choices` array); a bare request
(`model` + `messages`), which is paired with a bare response on the next line.
Legacy `/v1/completions` bodies (`prompt`, `choices[].text`) are read the same way.
"""

from __future__ import annotations

from ..providers import infer_provider
from ..records import EMPTY_PARAMS, STATUS_OK, LogRecord, SourceRef
from ._assemble import (
    assemble,
    from_envelope,
    key_id,
    unwrap_body,
)
from ._common import (
    REQUEST,
    RESPONSE,
    Half,
    Ignored,
    Parsed,
    Reader,
    SYSTEM_ROLES,
    RecordError,
    Req,
    Resp,
    opt_int,
    opt_str,
    params_from,
    split_messages,
    text_of,
    timestamp,
    ts_epoch,
)

NAME = "openai-chat"
_RESPONSE_OBJECTS = frozenset({"chat.completion", "text_completion"})


def request_part(req: dict) -> Req:
    """Prompt, system prompt, model and kept params of a chat (or legacy completions) request."""
    model = opt_str(req.get("model"), "model")
    if "messages" in req:
        system, prompt = split_messages(req["messages"])
    else:
        system, prompt = "", text_of(req.get("prompt"))
    return Req(model, system, prompt, params_from(req))


def response_part(resp: dict) -> Resp:
    """Assistant text (all choices), usage and ids of a chat completion or an error body."""
    choices = resp.get("choices")
    if choices is None and "error" in resp:
        return Resp(opt_str(resp.get("model"), "model"), "", None, None, True,
                    opt_str(resp.get("id"), "id"), None, False)
    if type(choices) is not list:
        raise RecordError("choices is not an array")
    texts: list[str] = []
    reasoning = False
    for choice in choices:
        if type(choice) is not dict:
            raise RecordError("choice is not an object")
        message = choice.get("message")
        if type(message) is dict:
            text = text_of(message.get("content")) or text_of(message.get("refusal"))
            if message.get("reasoning_content") or message.get("reasoning"):
                reasoning = True
        elif message is None:
            text = text_of(choice.get("text"))
        else:
            raise RecordError("choice.message is not an object")
        if text:
            texts.append(text)
    usage_in = usage_out = None
    usage = resp.get("usage")
    if usage:
        if type(usage) is not dict:
            raise RecordError("usage is not an object")
        usage_in = opt_int(usage.get("prompt_tokens"), "usage.prompt_tokens")
        usage_out = opt_int(usage.get("completion_tokens"), "usage.completion_tokens")
        details = usage.get("completion_tokens_details")
        if type(details) is dict and opt_int(details.get("reasoning_tokens"), "reasoning_tokens"):
            reasoning = True
    created = resp.get("created")
    if created is not None and type(created) is not int and type(created) is not float:
        raise RecordError("created is not a number")
    return Resp(
        opt_str(resp.get("model"), "model"),
        texts[0] if len(texts) == 1 else "\n".join(texts),
        usage_in,
        usage_out,
        False,
        opt_str(resp.get("id"), "id"),
        ts_epoch(created) if created is not None else None,
        reasoning,
    )


def detect(obj: dict) -> bool:
    """Chat/completions response, request, or an envelope around them."""
    resp = obj.get("response")
    if type(resp) is dict and "choices" in resp:
        return True
    if "choices" in obj or obj.get("object") in _RESPONSE_OBJECTS:
        return True
    req = obj.get("request")
    if type(resp) is dict:
        body = unwrap_body(resp)
        if "choices" in body:
            return True
    if type(req) is dict:
        body = unwrap_body(req)
        return "messages" in body or "prompt" in body
    return "messages" in obj and "model" in obj and "custom_id" not in obj


def parse(obj: dict, source: SourceRef) -> Parsed:
    """Envelope -> full record; bare request/response -> a half to pair with its neighbour."""
    if obj.get("object") == "chat.completion.chunk":
        return Ignored("openai-chat streaming chunk (not reassembled)")
    if "request" in obj or "response" in obj:
        return from_envelope(obj, source, NAME, request_part, response_part)
    if "choices" in obj or obj.get("object") in _RESPONSE_OBJECTS or "error" in obj:
        return Half(RESPONSE, None, None, assemble(source, NAME, None, response_part(obj)))
    return Half(REQUEST, None, None, assemble(source, NAME, request_part(obj), None))


READER = Reader(NAME, detect, parse)


# --- fast path -----------------------------------------------------------------------------
#
# The usual client-logged envelope is decoded straight from the line's bytes into typed msgspec
# structs that hold only the fields a record needs (about four times faster than json.loads plus
# the general reader). A line whose shape or types differ in any way fails the typed decode, or a
# check below, and `fast_decode` returns None: the caller then runs json.loads and the general
# reader, so records, errors and skip reasons are always exactly the reader's.

from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

import msgspec  # noqa: E402
from msgspec.structs import astuple  # noqa: E402

from ._common import BOOL, FLOAT, INT, PARAM_TABLE, _coerce  # noqa: E402
from ._assemble import RAW_KEY_PREFIXES  # noqa: E402

_UNSET: object = msgspec.UNSET


class _Message(msgspec.Struct, gc=False):
    role: object = None
    content: object = None


class _Request(msgspec.Struct, gc=False):
    messages: list[_Message]
    model: str | None = None
    body: object = _UNSET
    temperature: object = None
    max_tokens: object = None
    max_completion_tokens: object = None
    max_output_tokens: object = None
    maxOutputTokens: object = None  # noqa: N815 - the wire name
    n: object = None
    logprobs: object = None
    top_logprobs: object = None
    reasoning_effort: object = None
    seed: object = None


class _ChoiceMessage(msgspec.Struct, gc=False):
    content: str
    reasoning_content: object = None
    reasoning: object = None


class _Choice(msgspec.Struct, gc=False):
    message: _ChoiceMessage


class _Usage(msgspec.Struct, gc=False):
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    completion_tokens_details: None = None


class _Response(msgspec.Struct, gc=False):
    choices: list[_Choice]
    id: str | None = None
    model: str | None = None
    created: int | None = None
    usage: _Usage | None = None
    body: object = _UNSET


class _Envelope(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    request: _Request
    response: _Response
    timestamp: object = None
    account: object = None
    api_key_id: object = None
    endpoint: object = None


_DECODE = msgspec.json.Decoder(_Envelope).decode
# Request keys that params_from keeps, in the order of the struct (several spell max_tokens).
_FIRST_PARAM = _Request.__struct_fields__.index("temperature")
_PARAM_KEYS = _Request.__struct_fields__[_FIRST_PARAM:]
_PARAMS_NEEDED = len(_PARAM_KEYS)  # fewer None values than this: some parameter is set
_PARAM_SPECS = tuple(PARAM_TABLE[key] for key in _PARAM_KEYS)
_EXACT = 2 ** 53  # ints below this survive _coerce's float round trip unchanged
_PROVIDERS: dict[str | None, str | None] = {}


def _native_chat() -> Any:
    """The C version of _from_envelope (compliance/signals/_native.c: chat_record), configured with
    this module's structs and constants; None where the extension is not built or switched off."""
    from compliance.signals.features import NATIVE

    if NATIVE is None:
        return None
    kinds = {FLOAT: 0, INT: 1, BOOL: 2}
    NATIVE.configure_chat({
        "envelope": _Envelope, "request": _Request, "response": _Response, "choice": _Choice,
        "answer": _ChoiceMessage, "message": _Message, "usage": _Usage, "record": LogRecord, "source": SourceRef,
        "params": [(key, name, kinds.get(kind, 3), name == "max_tokens") for key, (name, kind) in zip(_PARAM_KEYS, _PARAM_SPECS)],
        "unset": _UNSET, "system_roles": frozenset(SYSTEM_ROLES), "raw_prefixes": tuple(RAW_KEY_PREFIXES),
        "providers": _PROVIDERS, "fromisoformat": datetime.fromisoformat, "utc": UTC, "format": NAME,
        "empty_params": EMPTY_PARAMS, "status_ok": STATUS_OK, "exact": _EXACT,
    })
    return NATIVE.chat_record


_CHAT_RECORD = _native_chat()
_DECODE_ERRORS = (msgspec.DecodeError, RecursionError)


def _native_lines() -> Any:
    from compliance.signals.features import NATIVE

    if _CHAT_RECORD is None or NATIVE is None:
        return None
    chat_lines = NATIVE.chat_lines

    def fast_lines(lines: list[bytes], start: int, path: str, line: int, pos: int, end: int,
                   out: list[LogRecord]) -> tuple[int, int]:
        """`fast_decode` over lines[start:] in C (_native.chat_lines) while it gives records and the
        lines start before `end`: appends the records (numbered line + 1, ...) to out and returns the
        index and start of the first line it left, to the caller's per-line path."""
        return chat_lines(lines, start, path, line, pos, end, _DECODE, _DECODE_ERRORS, out)  # type: ignore[no-any-return]
    return fast_lines


fast_lines = _native_lines()  # None without the C extension


def fast_decode(raw: bytes, path: str, line: int) -> LogRecord | None:
    """`parse(json.loads(raw), source)` for the plain client-logged envelope, or None.

    Handles only the usual shape (logger keys timestamp/account/api_key_id/endpoint, an unwrapped
    request with a `messages` array of string contents, choices with non-empty string message
    contents, int usage counts and `created`); anything else, invalid JSON included, returns None
    and the caller runs the general reader.
    """
    try:
        env = _DECODE(raw)
    except _DECODE_ERRORS:
        return None
    if _CHAT_RECORD is not None:
        record = _CHAT_RECORD(env, path, line)  # the usual envelope, in C; None: not the usual one
        if record is not None:
            return record  # type: ignore[no-any-return]
    try:
        return _from_envelope(env, path, line)
    except Exception:  # noqa: BLE001 - whatever it is, the general reader reports it (or raises it) the same way
        return None


def _from_envelope(env: _Envelope, path: str, line: int) -> LogRecord | None:
    req = env.request
    resp = env.response
    if req.body is not _UNSET or resp.body is not _UNSET:
        return None
    texts: list[str] = []
    for choice in resp.choices:
        answer = choice.message
        if not answer.content or answer.reasoning_content or answer.reasoning:
            return None
        texts.append(answer.content)
    usage_in = usage_out = None
    usage = resp.usage
    if usage is not None:
        usage_in = usage.prompt_tokens
        usage_out = usage.completion_tokens
    created = resp.created
    if created is not None and not 0 <= created < 100_000_000_000:
        return None
    system: list[str] = []
    user: list[str] = []
    for message in req.messages:
        role = message.role
        if role == "user":
            into = user
        elif role in SYSTEM_ROLES:
            into = system
        else:
            continue
        content = message.content
        if type(content) is not str:
            if content is not None:
                return None  # content parts: the general reader's text_of
        elif content:
            into.append(content)
    params: dict[str, object] = {}
    values = astuple(req)[_FIRST_PARAM:]
    if values.count(None) < _PARAMS_NEEDED:
        max_tokens = 0
        for key, (name, kind), value in zip(_PARAM_KEYS, _PARAM_SPECS, values):
            if value is not None:
                if name == "max_tokens":
                    max_tokens += 1
                    if max_tokens > 1:
                        return None  # params_from keeps the first in the request's key order, which a struct loses
                vtype = type(value)
                if (vtype is float and kind == FLOAT) or (vtype is bool and kind == BOOL) \
                        or (vtype is int and kind == INT and -_EXACT < value < _EXACT):
                    params[name] = value  # what _coerce returns for these
                else:
                    params[name] = _coerce(value, kind, key)
    ts = env.timestamp
    if type(ts) is str and ts:
        ts = datetime.fromisoformat(ts)  # the usual ISO text; timestamp() handles the rest (same values)
        if ts.tzinfo is not UTC:
            ts = ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)
    else:
        ts = timestamp(ts)
    account = env.account
    if type(account) is not str:
        account = opt_str(account, "account")
    api_key_id = env.api_key_id
    if type(api_key_id) is not str or api_key_id.startswith(RAW_KEY_PREFIXES):
        api_key_id = key_id(api_key_id)
    endpoint = env.endpoint
    if type(endpoint) is not str:
        endpoint = opt_str(endpoint, "endpoint")
    model = resp.model or req.model
    provider = _PROVIDERS.get(model, _UNSET)
    if provider is _UNSET:
        provider = infer_provider(model, None, None, None)
        if len(_PROVIDERS) < 4096:
            _PROVIDERS[model] = provider
    record_id = resp.id
    return LogRecord(
        SourceRef(path, line, record_id or None), NAME, provider, model,  # type: ignore[arg-type]
        ts or (ts_epoch(created) if created is not None else None),
        account or None, api_key_id or None, endpoint or None,
        "\n".join(system), "\n".join(user), texts[0] if len(texts) == 1 else "\n".join(texts),
        params or EMPTY_PARAMS, usage_in, usage_out, STATUS_OK, record_id,
    )
