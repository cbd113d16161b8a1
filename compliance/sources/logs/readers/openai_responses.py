"""OpenAI Responses API (`POST /v1/responses`).

Accepted lines: a bare response object (`object: "response"`), a bare request (`model` +
`input`, no `messages`), or an envelope `{"request", "response", <context>}`. Output text is
`output[type=message].content[type=output_text|refusal]`; `output_text` is an SDK-only
convenience and is used only when `output` is absent.
"""

from __future__ import annotations

from ..records import SourceRef
from ._assemble import (
    assemble,
    from_envelope,
    unwrap_body,
)
from ._common import (
    REQUEST,
    RESPONSE,
    Half,
    Parsed,
    Reader,
    RecordError,
    Req,
    Resp,
    join_texts,
    opt_dict,
    opt_int,
    opt_str,
    params_from,
    req_list,
    set_param,
    split_messages,
    text_of,
    ts_epoch,
)

NAME = "openai-responses"
_FAILED = frozenset({"failed", "cancelled"})


def _input_text(value: object) -> tuple[str, str]:
    """(system, user) text of `input`: a string or a list of message items."""
    if value is None or type(value) is str:
        return "", value or ""
    return split_messages(value, "input", "input item", bare_strings=True)


def _params(body: dict) -> dict[str, object]:
    params = params_from(body)
    reasoning = opt_dict(body.get("reasoning"), "reasoning")
    if reasoning:
        set_param(params, "reasoning_effort", reasoning.get("effort"))
    return params


def request_part(req: dict) -> Req:
    """Instructions + input messages, model and kept params of a Responses request."""
    system, prompt = _input_text(req.get("input"))
    instructions = text_of(req.get("instructions"))
    return Req(opt_str(req.get("model"), "model"), join_texts(instructions, system), prompt, _params(req))


def response_part(resp: dict) -> Resp:
    """Output text, usage, status and ids of a Responses object."""
    texts: list[str] = []
    reasoning = False
    output = resp.get("output")
    if output is None:
        texts.append(text_of(resp.get("output_text")))
    for item in req_list(output, "output") if output is not None else ():
        if type(item) is not dict:
            raise RecordError("output item is not an object")
        kind = item.get("type")
        if kind == "message":
            for part in req_list(item.get("content"), "message.content"):
                if type(part) is dict and part.get("type") in ("output_text", "refusal"):
                    text = part.get("text") if part.get("type") == "output_text" else part.get("refusal")
                    if type(text) is str and text:
                        texts.append(text)
        elif kind == "reasoning":
            reasoning = True
    usage = opt_dict(resp.get("usage"), "usage") or {}
    details = opt_dict(usage.get("output_tokens_details"), "output_tokens_details")
    if details and opt_int(details.get("reasoning_tokens"), "reasoning_tokens"):
        reasoning = True
    created = resp.get("created_at")
    if created is not None and type(created) not in (int, float):
        raise RecordError("created_at is not a number")
    failed = bool(resp.get("error")) or resp.get("status") in _FAILED
    return Resp(
        opt_str(resp.get("model"), "model"),
        "\n".join(t for t in texts if t),
        opt_int(usage.get("input_tokens"), "usage.input_tokens"),
        opt_int(usage.get("output_tokens"), "usage.output_tokens"),
        failed,
        opt_str(resp.get("id"), "id"),
        ts_epoch(created) if created is not None else None,
        reasoning,
    )


def echo_part(resp: dict) -> Req:
    """Request-side fields a Responses object echoes (instructions, params) for bare responses."""
    return Req(opt_str(resp.get("model"), "model"), text_of(resp.get("instructions")), "", _params(resp))


def _is_request(body: dict) -> bool:
    return "input" in body and "model" in body and "messages" not in body and "contents" not in body


def detect(obj: dict) -> bool:
    """A Responses object, a Responses request, or an envelope around them."""
    if obj.get("object") == "response":
        return True
    resp = obj.get("response")
    if type(resp) is dict:
        body = unwrap_body(resp)
        if body.get("object") == "response":
            return True
    req = obj.get("request")
    if type(req) is dict:
        body = unwrap_body(req)
        return _is_request(body)
    return _is_request(obj) and "custom_id" not in obj and "call_type" not in obj


def parse(obj: dict, source: SourceRef) -> Parsed:
    """Envelope -> full record; bare request/response -> a half to pair with its neighbour."""
    if "request" in obj or ("response" in obj and obj.get("object") != "response"):
        return from_envelope(obj, source, NAME, request_part, response_part, "openai")
    if obj.get("object") == "response":
        record = assemble(source, NAME, echo_part(obj), response_part(obj), default_provider="openai")
        return Half(RESPONSE, None, None, record)
    return Half(REQUEST, None, None, assemble(source, NAME, request_part(obj), None,
                                              default_provider="openai"))


READER = Reader(NAME, detect, parse)
