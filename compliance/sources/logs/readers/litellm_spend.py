"""LiteLLM proxy spend-log rows (`LiteLLM_SpendLogs` table) exported as JSONL.

JSON columns (`metadata`, `messages`, `response`, `proxy_server_request`) may arrive as objects
or as JSON-encoded strings. `messages`/`response` are `{}` unless the proxy stores prompts; the
prompt then falls back to `proxy_server_request`. `api_key` is LiteLLM's hash of the key.
"""

from __future__ import annotations

from ..records import SourceRef
from ._assemble import (
    Env,
    assemble,
    failed_status,
    first_of,
    key_id,
)
from ._common import (
    Parsed,
    Reader,
    RecordError,
    Req,
    Resp,
    opt_int,
    opt_str,
    params_from,
    timestamp,
)
from ._loose import decode_json_text, loose_messages, loose_output
from .litellm import ACCOUNT_KEYS

NAME = "litellm-spend"


def detect(obj: dict) -> bool:
    """A spend-log row: `request_id` + `call_type` + `spend` or `api_key`."""
    return "request_id" in obj and "call_type" in obj and ("spend" in obj or "api_key" in obj)


def _json_column(obj: dict, name: str) -> dict | list | str | None:
    value = decode_json_text(obj.get(name))
    if value is None or type(value) in (dict, list, str):
        return value  # type: ignore[return-value]
    raise RecordError(f"{name} is {type(value).__name__}")


def parse(obj: dict, source: SourceRef) -> Parsed:
    """One proxied call with its key hash, team/user and token counts."""
    request_id = opt_str(obj.get("request_id"), "request_id")
    if not request_id:
        raise RecordError("request_id is empty")
    source = SourceRef(source.path, source.line, request_id)
    metadata = _json_column(obj, "metadata")
    metadata = metadata if type(metadata) is dict else {}
    proxy_request = _json_column(obj, "proxy_server_request")
    proxy_request = proxy_request if type(proxy_request) is dict else {}
    messages = _json_column(obj, "messages")
    if not messages:
        messages = proxy_request or None
    system, prompt = loose_messages(messages)
    out = loose_output(_json_column(obj, "response") or None)
    model = opt_str(obj.get("model"), "model") or opt_str(obj.get("model_group"), "model_group")
    account = opt_str(first_of(metadata, ACCOUNT_KEYS[:3]), "metadata.user_api_key_alias") \
        or opt_str(obj.get("team_id"), "team_id") \
        or opt_str(first_of(metadata, ACCOUNT_KEYS[3:]), "metadata.team") \
        or opt_str(obj.get("user"), "user")
    failed = failed_status(obj.get("status"))
    resp = Resp(
        model or (out.model if out else None),
        out.text if out else "",
        opt_int(obj.get("prompt_tokens"), "prompt_tokens"),
        opt_int(obj.get("completion_tokens"), "completion_tokens"),
        failed,
        request_id,
        None,
        bool(out and out.reasoning),
    )
    env = Env(
        timestamp=timestamp(obj.get("startTime"), "startTime"),
        account=account,
        api_key_id=key_id(obj.get("api_key") or metadata.get("user_api_key_hash"), "api_key"),
        endpoint=opt_str(obj.get("call_type"), "call_type"),
        request_id=request_id,
        failed=failed,
    )
    req = Req(model, system, prompt, params_from(proxy_request))
    return assemble(source, NAME, req, resp, env,
                    provider_label=opt_str(obj.get("custom_llm_provider"), "custom_llm_provider"),
                    api_base=opt_str(obj.get("api_base"), "api_base"))


READER = Reader(NAME, detect, parse)
