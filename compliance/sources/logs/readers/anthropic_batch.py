"""Anthropic Message Batches: request lines and results lines, joined on `custom_id`.

Request line: `{"custom_id", "params": <MessageCreateParams>}` (one entry of the create body's
`requests`). Result line: `{"custom_id", "result": {"type": "succeeded", "message": <Message>}}`;
result types `errored`, `canceled` and `expired` are status "error".
"""

from __future__ import annotations

from ..records import SourceRef
from ._assemble import (
    FAILED,
    assemble,
)
from ._common import (
    REQUEST,
    RESPONSE,
    Half,
    Parsed,
    Reader,
    RecordError,
    opt_dict,
    opt_str,
)
from .anthropic_messages import request_part, response_part

NAME = "anthropic-batch"


def detect(obj: dict) -> bool:
    """`custom_id` with `result` (results file) or `params` (request file)."""
    return "custom_id" in obj and ("result" in obj or "params" in obj)


def parse(obj: dict, source: SourceRef) -> Parsed:
    """One side of a batch item; the stream layer joins the two sides on custom_id."""
    custom_id = opt_str(obj.get("custom_id"), "custom_id")
    if not custom_id:
        raise RecordError("custom_id is empty")
    source = SourceRef(source.path, source.line, custom_id)
    if "result" in obj:
        result = opt_dict(obj["result"], "result")
        if result is None:
            raise RecordError("result is null")
        if result.get("type") == "succeeded":
            message = opt_dict(result.get("message"), "result.message")
            if message is None:
                raise RecordError("succeeded result without message")
            resp = response_part(message)
        else:
            resp = FAILED
        record = assemble(source, NAME, None, resp, default_provider="anthropic")
        return Half(RESPONSE, custom_id, NAME, record)
    params = opt_dict(obj["params"], "params")
    if params is None:
        raise RecordError("params is null")
    record = assemble(source, NAME, request_part(params), None, default_provider="anthropic")
    return Half(REQUEST, custom_id, NAME, record)


READER = Reader(NAME, detect, parse)
