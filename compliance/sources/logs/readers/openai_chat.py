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

_FAST_ENV = frozenset({"timestamp", "account", "api_key_id", "endpoint", "request", "response"})


def fast_parse(obj: dict, source: SourceRef) -> LogRecord | None:
    """`parse(obj, source)` for the plain client-logged envelope, without the general machinery.

    Handles only the usual shape (logger keys timestamp/account/api_key_id/endpoint, unwrapped
    request with a `messages` array of string contents, choices with string message contents, int
    usage counts and `created`); returns None for anything else, and for anything that would be an
    error, so that the caller runs the general reader and gets exactly its record or skip reason.
    """
    try:
        return _fast(obj, source)
    except Exception:  # noqa: BLE001 - whatever it is, the general reader reports it (or raises it) the same way
        return None


def _fast(obj: dict, source: SourceRef) -> LogRecord | None:
    if not obj.keys() <= _FAST_ENV:
        return None
    req = obj.get("request")
    resp = obj.get("response")
    if type(req) is not dict or type(resp) is not dict or "body" in req or "body" in resp:
        return None
    choices = resp.get("choices")
    messages = req.get("messages")
    if type(choices) is not list or type(messages) is not list:
        return None
    texts: list[str] = []
    for choice in choices:
        if type(choice) is not dict:
            return None
        message = choice.get("message")
        if type(message) is not dict:
            return None
        text = message.get("content")
        if type(text) is not str or not text or message.get("reasoning_content") or message.get("reasoning"):
            return None
        texts.append(text)
    usage_in = usage_out = None
    usage = resp.get("usage")
    if usage:
        if type(usage) is not dict or usage.get("completion_tokens_details") is not None:
            return None
        usage_in = usage.get("prompt_tokens")
        usage_out = usage.get("completion_tokens")
        if (usage_in is not None and type(usage_in) is not int) or (usage_out is not None and type(usage_out) is not int):
            return None
    created = resp.get("created")
    if created is not None and (type(created) is not int or not 0 <= created < 100_000_000_000):
        return None
    resp_model = resp.get("model")
    record_id = resp.get("id")
    req_model = req.get("model")
    if (resp_model is not None and type(resp_model) is not str) or (record_id is not None and type(record_id) is not str) \
            or (req_model is not None and type(req_model) is not str):
        return None
    system: list[str] = []
    user: list[str] = []
    for message in messages:
        if type(message) is not dict:
            return None
        role = message.get("role")
        if role == "user":
            content = message.get("content")
            if type(content) is not str:
                if content is not None:
                    return None
            elif content:
                user.append(content)
        elif role in SYSTEM_ROLES:
            content = message.get("content")
            if type(content) is not str:
                if content is not None:
                    return None
            elif content:
                system.append(content)
    params = params_from(req)
    ts = timestamp(obj.get("timestamp"))
    account = opt_str(obj.get("account"), "account")
    api_key_id = key_id(obj.get("api_key_id"))
    endpoint = opt_str(obj.get("endpoint"), "endpoint")
    model = resp_model or req_model
    if record_id:
        source = SourceRef(source.path, source.line, record_id)
    return LogRecord(
        source, NAME, infer_provider(model, None, None, None), model,
        ts or (ts_epoch(created) if created is not None else None),
        account or None, api_key_id or None, endpoint or None,
        "\n".join(system), "\n".join(user), texts[0] if len(texts) == 1 else "\n".join(texts),
        params or EMPTY_PARAMS, usage_in, usage_out, STATUS_OK, record_id,
    )


