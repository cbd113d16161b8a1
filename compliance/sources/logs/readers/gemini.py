"""Google Gemini `generateContent` REST JSON (camelCase; snake_case SDK dumps also accepted).

Accepted lines: a bare `GenerateContentResponse` (`candidates` / `usageMetadata`), a bare
request (`contents`), an envelope `{"request", "response", <context>}` (this also covers Vertex
AI batch prediction output lines with `status` and `processed_time`), and Gemini Batch API
lines `{"key", "request"?, "response"?, "error"?}`; lines with only one side are joined on `key`.
Parts marked `thought: true` are reasoning: kept out of the text, flagged in params.
"""

from __future__ import annotations

from ..records import SourceRef
from ._assemble import (
    FAILED,
    Env,
    assemble,
    envelope,
    failed_status,
)
from ._common import (
    BOOL,
    EFFORT,
    FLOAT,
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
    text_of,
    timestamp,
)

NAME = "gemini"
FAMILY = "gemini-batch"
_PARAMS = {
    "temperature": ("temperature", FLOAT),
    "maxOutputTokens": ("max_tokens", INT),
    "max_output_tokens": ("max_tokens", INT),
    "candidateCount": ("n", INT),
    "candidate_count": ("n", INT),
    "responseLogprobs": ("logprobs", BOOL),
    "response_logprobs": ("logprobs", BOOL),
    "logprobs": ("top_logprobs", INT),
    "seed": ("seed", INT),
}


def _get(obj: dict, camel: str, snake: str) -> object:
    value = obj.get(camel)
    return obj.get(snake) if value is None else value


def _content_text(content: object) -> str:
    if type(content) is str:
        return content
    block = opt_dict(content, "systemInstruction")
    return text_of(block.get("parts")) if block else ""


def model_from_endpoint(endpoint: str | None) -> str | None:
    """`.../models/gemini-2.5-flash:generateContent` -> `gemini-2.5-flash`."""
    if not endpoint or "models/" not in endpoint:
        return None
    tail = endpoint.rpartition("models/")[2]
    return tail.partition(":")[0] or None


def request_part(req: dict) -> Req:
    """User turns, system instruction, model and generation config of a request."""
    contents = req.get("contents")
    prompts: list[str] = []
    if type(contents) is str:
        prompts.append(contents)
    else:
        for content in req_list(contents, "contents"):
            if type(content) is not dict:
                raise RecordError("content is not an object")
            if content.get("role", "user") == "user":
                text = text_of(content.get("parts"))
                if text:
                    prompts.append(text)
    system = _content_text(_get(req, "systemInstruction", "system_instruction"))
    config = opt_dict(_get(req, "generationConfig", "generation_config") or req.get("config"),
                      "generationConfig")
    params = params_from(config, _PARAMS)
    thinking = opt_dict(_get(config, "thinkingConfig", "thinking_config"), "thinkingConfig") if config else None
    if thinking:
        set_param(params, "reasoning_effort", _get(thinking, "thinkingLevel", "thinking_level"), EFFORT)
        set_param(params, "reasoning_effort", _get(thinking, "thinkingBudget", "thinking_budget"), INT)
    model = opt_str(req.get("model"), "model")
    if model and model.startswith("models/"):
        model = model[7:]
    return Req(model, join_texts(system), "\n".join(prompts), params)


def response_part(resp: dict) -> Resp:
    """Candidate text (thought parts skipped), usage, model version and ids."""
    texts: list[str] = []
    reasoning = False
    candidates = resp.get("candidates")
    for candidate in req_list(candidates, "candidates") if candidates is not None else ():
        if type(candidate) is not dict:
            raise RecordError("candidate is not an object")
        content = opt_dict(candidate.get("content"), "candidate.content")
        parts = content.get("parts") if content else None
        for part in req_list(parts, "parts") if parts is not None else ():
            if type(part) is not dict:
                raise RecordError("part is not an object")
            if part.get("thought"):
                reasoning = True
                continue
            text = part.get("text")
            if type(text) is str and text:
                texts.append(text)
    usage = opt_dict(_get(resp, "usageMetadata", "usage_metadata"), "usageMetadata") or {}
    if opt_int(_get(usage, "thoughtsTokenCount", "thoughts_token_count"), "thoughtsTokenCount"):
        reasoning = True
    blocked = not candidates and bool(_get(resp, "promptFeedback", "prompt_feedback"))
    return Resp(
        opt_str(_get(resp, "modelVersion", "model_version"), "modelVersion"),
        "\n".join(texts),
        opt_int(_get(usage, "promptTokenCount", "prompt_token_count"), "promptTokenCount"),
        opt_int(_get(usage, "candidatesTokenCount", "candidates_token_count"), "candidatesTokenCount"),
        blocked or bool(resp.get("error")),
        opt_str(_get(resp, "responseId", "response_id"), "responseId"),
        timestamp(_get(resp, "createTime", "create_time"), "createTime"),
        reasoning,
    )


def _is_response(body: object) -> bool:
    return type(body) is dict and ("candidates" in body or "usageMetadata" in body
                                   or "usage_metadata" in body)


def _is_request(body: object) -> bool:
    return type(body) is dict and "contents" in body


def detect(obj: dict) -> bool:
    """A Gemini response or request, bare, in an envelope, or in a batch `key` line."""
    if _is_response(obj) or _is_request(obj):
        return True
    return _is_response(obj.get("response")) or _is_request(obj.get("request"))


def _error(obj: dict) -> bool:
    status = obj.get("status")
    if type(status) is dict:  # google.rpc.Status
        return bool(status.get("code") or status.get("message"))
    return failed_status(status, None, obj.get("error"))


def parse(obj: dict, source: SourceRef) -> Parsed:
    """Full record when both sides are on the line; otherwise a half (joined by key or adjacency)."""
    key = opt_str(obj.get("key"), "key") if "key" in obj else None
    if key is not None:
        source = SourceRef(source.path, source.line, key)
    if "request" in obj or "response" in obj:
        env = envelope({k: v for k, v in obj.items() if k not in ("status", "error")})
        env = env._replace(failed=_error(obj))
        req = opt_dict(obj.get("request"), "request")
        resp = opt_dict(obj.get("response"), "response")
        rq = request_part(req) if req else None
        if rq and rq.model is None:
            rq = rq._replace(model=model_from_endpoint(env.endpoint))
        rs = response_part(resp) if resp else None
        if rs is None and env.failed:
            rs = FAILED
        if rq is None and rs is None:
            raise RecordError("line has neither request nor response")
        if key is not None and (rq is None or rs is None):
            record = assemble(source, NAME, rq, rs, env, "google")
            return Half(REQUEST if rs is None else RESPONSE, key, FAMILY, record)
        return assemble(source, NAME, rq, rs, env, "google")
    if key is not None and ("error" in obj or "status" in obj):
        record = assemble(source, NAME, None, FAILED, Env(failed=True), "google")
        return Half(RESPONSE, key, FAMILY, record)
    if _is_response(obj):
        return Half(RESPONSE, None, None, assemble(source, NAME, None, response_part(obj),
                                                   default_provider="google"))
    return Half(REQUEST, None, None, assemble(source, NAME, request_part(obj), None,
                                              default_provider="google"))


READER = Reader(NAME, detect, parse)
