"""LiteLLM `StandardLoggingPayload` (the `standard_logging_object` every callback receives).

Accepted lines: the payload itself (`call_type` + `startTime`/`response_cost`), or an object
wrapping it under `standard_logging_object`. `messages` and `response` may be strings, lists
or provider objects (see `_loose`). Account = `metadata.user_api_key_alias`, else the team
alias/id, else the user id; the key id is `metadata.user_api_key_hash` (LiteLLM stores hashes).
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
    opt_dict,
    opt_int,
    opt_str,
    params_from,
    timestamp,
)
from ._loose import loose_messages, loose_output

NAME = "litellm"
ACCOUNT_KEYS = ("user_api_key_alias", "user_api_key_team_alias", "team_alias",
                "user_api_key_team_id", "team_id", "user_api_key_user_id", "user_api_key_org_id")


def detect(obj: dict) -> bool:
    """A StandardLoggingPayload (or a wrapper holding one); spend-log rows are excluded."""
    if type(obj.get("standard_logging_object")) is dict:
        return True
    return "call_type" in obj and ("startTime" in obj or "response_cost" in obj) and "spend" not in obj


def account_of(metadata: dict) -> str | None:
    """Key alias, else team, else user, from LiteLLM's user_api_key_* metadata."""
    return opt_str(first_of(metadata, ACCOUNT_KEYS), "metadata.account")


def parse(obj: dict, source: SourceRef) -> Parsed:
    """One logged call: prompt from `messages`, text from `response`, counts from the payload."""
    inner = obj.get("standard_logging_object")
    if type(inner) is dict:
        obj = inner
    metadata = opt_dict(obj.get("metadata"), "metadata") or {}
    system, prompt = loose_messages(obj.get("messages"))
    params = params_from(opt_dict(obj.get("model_parameters"), "model_parameters"))
    model = opt_str(obj.get("model"), "model")
    out = loose_output(obj.get("response"))
    failed = failed_status(obj.get("status"), None, obj.get("error_str"))
    usage_in = opt_int(obj.get("prompt_tokens"), "prompt_tokens")
    usage_out = opt_int(obj.get("completion_tokens"), "completion_tokens")
    resp = Resp(
        model or (out.model if out else None),
        out.text if out else "",
        usage_in if usage_in is not None else (out.usage_in if out else None),
        usage_out if usage_out is not None else (out.usage_out if out else None),
        failed or bool(out and out.failed),
        opt_str(obj.get("id"), "id"),
        None,
        bool(out and out.reasoning),
    )
    call_type = opt_str(obj.get("call_type"), "call_type")
    if not call_type and not model:
        raise RecordError("payload has neither call_type nor model")
    env = Env(
        timestamp=timestamp(obj.get("startTime"), "startTime"),
        account=account_of(metadata),
        api_key_id=key_id(metadata.get("user_api_key_hash"), "metadata.user_api_key_hash"),
        endpoint=call_type,
        request_id=(out.response_id if out else None),
        failed=resp.failed,
    )
    return assemble(source, NAME, Req(model, system, prompt, params), resp, env,
                    provider_label=opt_str(obj.get("custom_llm_provider"), "custom_llm_provider"),
                    api_base=opt_str(obj.get("api_base"), "api_base"))


READER = Reader(NAME, detect, parse)
