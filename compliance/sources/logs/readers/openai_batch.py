"""OpenAI Batch API input and output/error files, joined on `custom_id`.

Input line: `{"custom_id", "method": "POST", "url", "body"}`; the body is read as a Chat
Completions, Responses, legacy Completions or Embeddings request according to `url`.
Output/error line: `{"id", "custom_id", "response": {"status_code", "request_id", "body"}, "error"}`;
a non-null `error` or `status_code >= 400` is status "error".
"""

from __future__ import annotations

from ..records import SourceRef
from . import openai_chat, openai_responses
from ._assemble import (
    FAILED,
    Env,
    assemble,
    failed_status,
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
    opt_dict,
    opt_str,
    params_from,
    text_of,
)

NAME = "openai-batch"


def _request(url: str | None, body: dict) -> Req:
    path = url or ""
    if "embeddings" in path:
        return Req(opt_str(body.get("model"), "model"), "", text_of(body.get("input")), params_from(body))
    if "responses" in path or ("input" in body and "messages" not in body):
        return openai_responses.request_part(body)
    return openai_chat.request_part(body)


def _response(body: dict) -> Resp:
    if body.get("object") == "response":
        return openai_responses.response_part(body)
    if "choices" in body or "error" in body:
        return openai_chat.response_part(body)
    # Embeddings and other endpoints: no text output, but the call happened.
    return Resp(opt_str(body.get("model"), "model"), "", None, None, False, opt_str(body.get("id"), "id"),
                None, False)


def detect(obj: dict) -> bool:
    """`custom_id` with `body`/`url` (input) or `response`/`error` (output)."""
    if "custom_id" not in obj or "result" in obj or "params" in obj:
        return False
    return "body" in obj or "url" in obj or "response" in obj or "error" in obj


def parse(obj: dict, source: SourceRef) -> Parsed:
    """One side of a batch item; the stream layer joins the two sides on custom_id."""
    custom_id = opt_str(obj.get("custom_id"), "custom_id")
    if not custom_id:
        raise RecordError("custom_id is empty")
    source = SourceRef(source.path, source.line, custom_id)
    if "body" in obj or "url" in obj:
        body = opt_dict(obj.get("body"), "body")
        if body is None:
            raise RecordError("input line without body")
        url = opt_str(obj.get("url"), "url")
        record = assemble(source, NAME, _request(url, body), None, Env(endpoint=url), "openai")
        return Half(REQUEST, custom_id, NAME, record)
    response = opt_dict(obj.get("response"), "response")
    failed = failed_status(None, response.get("status_code") if response else None, obj.get("error"))
    body = opt_dict(response.get("body"), "response.body") if response else None
    resp = _response(body) if body else FAILED
    env = Env(request_id=opt_str(response.get("request_id"), "request_id") if response else None,
              failed=failed or response is None)
    record = assemble(source, NAME, None, resp, env, "openai")
    return Half(RESPONSE, custom_id, NAME, record)


READER = Reader(NAME, detect, parse)
