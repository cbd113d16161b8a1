"""Anthropic Messages API (`POST /v1/messages`).

Accepted lines: a bare `Message` (`type: "message"`) or error body (`type: "error"`), a bare
request (`messages` plus a top-level `system`, `anthropic_version` or a `claude*` model), or an
envelope `{"request", "response", <context>}`. Output text is `content[type=text]`; `thinking`
blocks are kept out of the text and only flagged as `params["has_reasoning"]`.
"""

from __future__ import annotations

from ..records import SourceRef
from ._assemble import (
    assemble,
    from_envelope,
    unwrap_body,
)
from ._common import (
    INT,
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
)

NAME = "anthropic-messages"
_THINKING = frozenset({"thinking", "redacted_thinking"})


def looks_anthropic(req: dict) -> bool:
    """A chat-style request that is Anthropic's shape rather than OpenAI's."""
    if "messages" not in req:
        return False
    if "system" in req or "anthropic_version" in req:
        return True
    model = req.get("model")
    return type(model) is str and model.startswith("claude")


def request_part(req: dict) -> Req:
    """Top-level system + user turns, model and kept params (thinking budget as reasoning_effort)."""
    system, prompt = split_messages(req.get("messages"))
    params = params_from(req)
    thinking = opt_dict(req.get("thinking"), "thinking")
    if thinking and thinking.get("type") == "enabled":
        set_param(params, "reasoning_effort", thinking.get("budget_tokens"), INT)
    return Req(opt_str(req.get("model"), "model"), join_texts(text_of(req.get("system")), system),
               prompt, params)


def response_part(resp: dict) -> Resp:
    """Text blocks, usage and id of a Message; an error body is a failed response."""
    if resp.get("type") == "error":
        return Resp(None, "", None, None, True, opt_str(resp.get("request_id"), "request_id"), None, False)
    texts: list[str] = []
    reasoning = False
    for block in req_list(resp.get("content"), "content"):
        if type(block) is not dict:
            raise RecordError("content block is not an object")
        kind = block.get("type")
        if kind == "text":
            text = block.get("text")
            if type(text) is not str:
                raise RecordError("text block without text")
            texts.append(text)
        elif kind in _THINKING:
            reasoning = True
    usage = opt_dict(resp.get("usage"), "usage") or {}
    return Resp(
        opt_str(resp.get("model"), "model"),
        "\n".join(texts),
        opt_int(usage.get("input_tokens"), "usage.input_tokens"),
        opt_int(usage.get("output_tokens"), "usage.output_tokens"),
        False,
        opt_str(resp.get("id"), "id"),
        None,
        reasoning,
    )


def _is_response(body: dict) -> bool:
    kind = body.get("type")
    return (kind == "message" and "content" in body) or (kind == "error" and "error" in body)


def detect(obj: dict) -> bool:
    """A Message / error body, an Anthropic-shaped request, or an envelope around them."""
    if _is_response(obj):
        return True
    resp = obj.get("response")
    if type(resp) is dict:
        body = unwrap_body(resp)
        if _is_response(body):
            return True
    req = obj.get("request")
    if type(req) is dict:
        body = unwrap_body(req)
        return looks_anthropic(body)
    return looks_anthropic(obj) and "custom_id" not in obj and "call_type" not in obj


def parse(obj: dict, source: SourceRef) -> Parsed:
    """Envelope -> full record; bare request/response -> a half to pair with its neighbour."""
    if "request" in obj or "response" in obj:
        return from_envelope(obj, source, NAME, request_part, response_part, "anthropic")
    if _is_response(obj):
        return Half(RESPONSE, None, None, assemble(source, NAME, None, response_part(obj),
                                                   default_provider="anthropic"))
    return Half(REQUEST, None, None, assemble(source, NAME, request_part(obj), None,
                                              default_provider="anthropic"))


READER = Reader(NAME, detect, parse)
