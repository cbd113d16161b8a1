"""Langfuse observations: blob-storage / UI export (snake_case) and public-API JSON (camelCase).

Accepted lines: one observation per line with `trace_id` + `provided_model_name`/`start_time`
(export) or `traceId` + `startTime` + `type` (API). `input`/`output` are JSON-encoded strings,
plain text, or already-decoded JSON; `model_parameters` likewise. Export timestamps are
`YYYY-MM-DD HH:MM:SS.ffffff` in UTC without a zone. GENERATION and EMBEDDING observations are
model calls; other types (SPAN, EVENT, TOOL, ...) are counted as ignored, not read.
"""

from __future__ import annotations

from ..records import SourceRef
from ._assemble import (
    Env,
    assemble,
)
from ._common import (
    Ignored,
    Parsed,
    Reader,
    Req,
    Resp,
    opt_dict,
    opt_int,
    opt_str,
    params_from,
    timestamp,
)
from ._loose import decode_json_text, loose_messages, loose_output

NAME = "langfuse"
_MODEL_CALLS = frozenset({"GENERATION", "EMBEDDING"})


def _get(obj: dict, snake: str, camel: str) -> object:
    value = obj.get(snake)
    return obj.get(camel) if value is None else value


def detect(obj: dict) -> bool:
    """A Langfuse observation in export (snake_case) or API (camelCase) form."""
    if "trace_id" in obj:
        return "provided_model_name" in obj or "start_time" in obj or "usage_details" in obj
    return "traceId" in obj and "startTime" in obj and "type" in obj


def _usage(obj: dict) -> tuple[int | None, int | None]:
    usage = decode_json_text(_get(obj, "usage_details", "usageDetails")) or obj.get("usage")
    usage = opt_dict(usage, "usage_details") or {}
    usage_in = usage.get("input", usage.get("promptTokens"))
    usage_out = usage.get("output", usage.get("completionTokens"))
    if usage_in is None and usage_out is None:
        usage_in, usage_out = obj.get("promptTokens"), obj.get("completionTokens")
    return opt_int(usage_in, "usage.input"), opt_int(usage_out, "usage.output")


def parse(obj: dict, source: SourceRef) -> Parsed:
    """A GENERATION/EMBEDDING becomes a record; other observation types are ignored."""
    kind = obj.get("type")
    if kind is not None and kind not in _MODEL_CALLS:
        return Ignored(f"langfuse {kind} observation (not a model call)")
    observation_id = opt_str(obj.get("id"), "id")
    if observation_id:
        source = SourceRef(source.path, source.line, observation_id)
    model = opt_str(_get(obj, "provided_model_name", "model"), "provided_model_name") \
        or opt_str(obj.get("model"), "model")
    params = params_from(opt_dict(decode_json_text(_get(obj, "model_parameters", "modelParameters")),
                                  "model_parameters"))
    system, prompt = loose_messages(obj.get("input"))
    out = loose_output(obj.get("output"))
    usage_in, usage_out = _usage(obj)
    level = obj.get("level")
    resp = Resp(
        model,
        out.text if out else "",
        usage_in if usage_in is not None else (out.usage_in if out else None),
        usage_out if usage_out is not None else (out.usage_out if out else None),
        level == "ERROR" or bool(out and out.failed),
        observation_id,
        None,
        bool(out and out.reasoning),
    )
    env = Env(
        timestamp=timestamp(_get(obj, "start_time", "startTime"), "start_time"),
        account=opt_str(_get(obj, "user_id", "userId") or _get(obj, "project_id", "projectId"), "user_id"),
        failed=resp.failed,
    )
    return assemble(source, NAME, Req(model, system, prompt, params), resp, env)


READER = Reader(NAME, detect, parse)
