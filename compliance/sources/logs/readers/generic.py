"""The documented generic JSONL: one exchange per line in tos-check's own field names.

`{"timestamp", "account", "api_key_id", "provider", "model", "endpoint", "system", "prompt",
"response", "params": {...}, "usage": {"input", "output"}, "status", "request_id"?, "id"?}`.
Every field is optional except that a line needs `prompt` or `response`. For exporting from
in-house loggers that match none of the provider shapes.
"""

from __future__ import annotations

from ..providers import infer_provider
from ..records import STATUS_ERROR, STATUS_OK, LogRecord, SourceRef
from ._assemble import (
    failed_status,
    key_id,
)
from ._common import (
    Parsed,
    Reader,
    opt_dict,
    opt_int,
    opt_str,
    params_from,
    text_of,
    timestamp,
)

NAME = "generic"


def detect(obj: dict) -> bool:
    """A line with a text `prompt` or `response` (checked last, after every provider shape)."""
    return type(obj.get("prompt")) is str or type(obj.get("response")) is str


def parse(obj: dict, source: SourceRef) -> Parsed:
    """Fields map one to one; the provider is inferred from the model when not given."""
    record_id = opt_str(obj.get("id") or obj.get("request_id"), "id")
    if record_id:
        source = SourceRef(source.path, source.line, record_id)
    model = opt_str(obj.get("model"), "model")
    provider = opt_str(obj.get("provider"), "provider")
    usage = opt_dict(obj.get("usage"), "usage") or {}
    given = opt_dict(obj.get("params"), "params")
    params = params_from(given)
    if given and given.get("has_reasoning") is True:
        params["has_reasoning"] = True
    return LogRecord(
        source=source,
        format=NAME,
        provider=provider.lower() if provider else infer_provider(model),
        model=model,
        timestamp=timestamp(obj.get("timestamp")),
        account=opt_str(obj.get("account"), "account") or None,
        api_key_id=key_id(obj.get("api_key_id")) or None,
        endpoint=opt_str(obj.get("endpoint"), "endpoint") or None,
        system=text_of(obj.get("system")),
        prompt=text_of(obj.get("prompt")),
        response=text_of(obj.get("response")),
        params=params,
        usage_in=opt_int(usage.get("input"), "usage.input"),
        usage_out=opt_int(usage.get("output"), "usage.output"),
        status=STATUS_ERROR if failed_status(obj.get("status"), None, obj.get("error")) else STATUS_OK,
        request_id=opt_str(obj.get("request_id"), "request_id") or record_id,
    )


READER = Reader(NAME, detect, parse)
