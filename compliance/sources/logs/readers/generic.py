"""The documented generic JSONL: one exchange per line in tos-check's own field names.

`{"timestamp", "account", "api_key_id", "provider", "model", "endpoint", "system", "prompt",
"response", "params": {...}, "usage": {"input", "output"}, "status", "request_id"?, "id"?}`.
Every field is optional except that a line needs `prompt` or `response`. For exporting from
in-house loggers that match none of the provider shapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..providers import infer_provider
from ..records import EMPTY_PARAMS, STATUS_ERROR, STATUS_OK, LogRecord, SourceRef
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
_NO_USAGE: Mapping[str, object] = MappingProxyType({})


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
    usage = opt_dict(obj.get("usage"), "usage") or _NO_USAGE
    given = opt_dict(obj.get("params"), "params")
    params: Mapping[str, object] = EMPTY_PARAMS
    if given:
        chosen = params_from(given)
        if given.get("has_reasoning") is True:
            chosen["has_reasoning"] = True
        params = chosen
    return LogRecord(  # positional: keyword construction of the frozen dataclass is ~40% slower
        source,  # source
        NAME,  # format
        provider.lower() if provider else infer_provider(model),  # provider
        model,  # model
        timestamp(obj.get("timestamp")),  # timestamp
        opt_str(obj.get("account"), "account") or None,  # account
        key_id(obj.get("api_key_id")) or None,  # api_key_id
        opt_str(obj.get("endpoint"), "endpoint") or None,  # endpoint
        text_of(obj.get("system")),  # system
        text_of(obj.get("prompt")),  # prompt
        text_of(obj.get("response")),  # response
        params,  # params
        opt_int(usage.get("input"), "usage.input"),  # usage_in
        opt_int(usage.get("output"), "usage.output"),  # usage_out
        STATUS_ERROR if failed_status(obj.get("status"), None, obj.get("error")) else STATUS_OK,  # status
        opt_str(obj.get("request_id"), "request_id") or record_id,  # request_id
    )


READER = Reader(NAME, detect, parse)
