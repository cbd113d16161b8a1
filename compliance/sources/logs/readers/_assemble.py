"""Logger context and record assembly shared by the readers.

A logged exchange has three parts: what the request body says (`Req`), what the response body
says (`Resp`) and what the logger wrapped around them (`Env`: when, which account and key,
which endpoint). `assemble` turns the parts into a `LogRecord`; `from_envelope` reads the common
`{"request": .., "response": .., <context>}` line that client-side loggers write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import NamedTuple

from ..providers import infer_provider
from ..records import (
    EMPTY_PARAMS,
    STATUS_ERROR,
    STATUS_OK,
    STATUS_UNMATCHED,
    LogRecord,
    SourceRef,
)
from ._common import RecordError, Req, Resp, opt_dict, opt_int, opt_str, timestamp


class Env(NamedTuple):
    """Logger-side context around a request/response pair (who, when, where)."""

    timestamp: datetime | None = None
    account: str | None = None
    api_key_id: str | None = None
    endpoint: str | None = None
    request_id: str | None = None
    failed: bool = False
    model: str | None = None


NO_ENV = Env()


# --- identity ------------------------------------------------------------------------------

RAW_KEY_PREFIXES = ("sk-", "sk_", "AIza", "xai-", "gsk_", "pk-lf-", "sk-lf-")


def key_id(value: object, what: str = "api_key_id") -> str | None:
    """A key id or hash; anything that looks like a raw secret key is replaced by its hash."""
    text = opt_str(value, what)
    if text and text.startswith(RAW_KEY_PREFIXES):
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]
    return text


_ACCOUNT_KEYS = ("account", "account_id", "organization", "organization_id", "org", "org_id",
                 "project", "project_id")
_KEY_KEYS = ("api_key_id", "key_id", "api_key_hash", "api_key_name")
_TIME_KEYS = ("timestamp", "time", "created_at", "logged_at", "ts", "processed_time")
_OK_STATUS = frozenset({"", "ok", "success", "succeeded", "completed", "complete", "200"})


def first_of(obj: Mapping[str, object], keys: tuple[str, ...]) -> object:
    """Value of the first present, non-null key."""
    for key in keys:
        value = obj.get(key)
        if value is not None:
            return value
    return None


def failed_status(status: object, status_code: object = None, error: object = None) -> bool:
    """True when a logger-side status, HTTP code or error object says the call failed."""
    if error:
        return True
    if status_code is not None:
        code = opt_int(status_code, "status_code")
        if code is not None and code >= 400:
            return True
    if status is None:
        return False
    if type(status) is int:
        return status >= 400
    if type(status) is str:
        return status.lower() not in _OK_STATUS
    raise RecordError(f"status is {type(status).__name__}")


def _env_slots() -> dict[str, tuple[int, int]]:
    """Envelope key -> (Env slot, priority among that slot's spellings)."""
    groups = (_TIME_KEYS, _ACCOUNT_KEYS, _KEY_KEYS, ("endpoint", "url", "path"), ("request_id", "x_request_id"),
              ("model",))
    return {key: (slot, rank) for slot, keys in enumerate(groups) for rank, key in enumerate(keys)}


_ENV_SLOTS = _env_slots()


def envelope(obj: Mapping[str, object]) -> Env:
    """Logger context of a `{"request":..,"response":.., ...}` line (see docs/log-formats.md).

    One pass over the line's keys; where several spellings are present the earlier one in
    `_TIME_KEYS` / `_ACCOUNT_KEYS` / `_KEY_KEYS` wins.
    """
    found: list[object] = [None] * 6
    ranks = [99] * 6
    slots = _ENV_SLOTS
    for key, value in obj.items():
        spec = slots.get(key)
        if spec is not None and value is not None:
            slot, rank = spec
            if rank < ranks[slot]:
                found[slot], ranks[slot] = value, rank
    return Env(
        timestamp(found[0]),
        opt_str(found[1], "account"),
        key_id(found[2]),
        opt_str(found[3], "endpoint"),
        opt_str(found[4], "request_id"),
        failed_status(obj.get("status"), obj.get("status_code"), obj.get("error")),
        opt_str(found[5], "model"),
    )


# --- assembly ------------------------------------------------------------------------------

def assemble(source: SourceRef, fmt: str, req: Req | None, resp: Resp | None, env: Env = NO_ENV,
             default_provider: str | None = None, provider_label: str | None = None,
             api_base: str | None = None) -> LogRecord:
    """Build the record from the parts; a request without response is `unmatched`."""
    model = (resp.model if resp else None) or (req.model if req else None) or env.model
    if resp is not None:
        status = STATUS_ERROR if (resp.failed or env.failed) else STATUS_OK
        record_id = resp.response_id
    else:
        status = STATUS_ERROR if env.failed else STATUS_UNMATCHED
        record_id = None
    params: Mapping[str, object] = (req.params if req else None) or EMPTY_PARAMS
    if resp is not None and resp.reasoning:
        params = {**params, "has_reasoning": True}
    if record_id and source.record_id is None:
        source = SourceRef(source.path, source.line, record_id)
    return LogRecord(  # positional: keyword construction of the frozen dataclass is ~40% slower
        source,  # source
        fmt,  # format
        infer_provider(model, provider_label, api_base, default_provider),  # provider
        model,  # model
        env.timestamp or (resp.timestamp if resp else None),  # timestamp
        env.account or None,  # account
        env.api_key_id or None,  # api_key_id
        env.endpoint or None,  # endpoint
        req.system if req else "",  # system
        req.prompt if req else "",  # prompt
        resp.text if resp else "",  # response
        params,  # params
        resp.usage_in if resp else None,  # usage_in
        resp.usage_out if resp else None,  # usage_out
        status,  # status
        env.request_id or record_id,  # request_id
    )


def unwrap_body(message: dict) -> dict:
    """The provider body inside an HTTP-level log entry (`{"body": {...}, ...}`), else the entry."""
    inner = message.get("body")
    return inner if isinstance(inner, dict) else message


def http_body(response: dict) -> tuple[dict | None, bool, str | None]:
    """Unwrap an HTTP-level logged response `{"status_code", "headers", "body"}` if it is one.

    Returns (provider body, failed, request id from headers); plain bodies pass through.
    """
    if "body" not in response or ("status_code" not in response and "headers" not in response):
        return response, False, None
    body = opt_dict(response.get("body"), "response.body")
    failed = failed_status(None, response.get("status_code"))
    headers = opt_dict(response.get("headers"), "response.headers") or {}
    request_id = opt_str(headers.get("x-request-id") or headers.get("request-id")
                         or response.get("request_id"), "request_id")
    return body, failed, request_id


FAILED = Resp(None, "", None, None, True, None, None, False)


def from_envelope(obj: dict, source: SourceRef, fmt: str,
                  request_part: Callable[[dict], Req], response_part: Callable[[dict], Resp],
                  default_provider: str | None = None) -> LogRecord:
    """Parse a client-logged `{"request": .., "response": .., <context>}` line.

    Either side may be HTTP-wrapped (`{"method","url","body"}` / `{"status_code","headers","body"}`).
    """
    env = envelope(obj)
    req = opt_dict(obj.get("request"), "request")
    resp = opt_dict(obj.get("response"), "response")
    if req is None and resp is None:
        raise RecordError("envelope has neither request nor response")
    rq = None
    if req is not None:
        if type(req.get("body")) is dict and ("method" in req or "url" in req):
            if env.endpoint is None:
                env = env._replace(endpoint=opt_str(req.get("url"), "request.url"))
            req = req["body"]
        rq = request_part(req)
    rs = None
    if resp is not None:
        body, failed, request_id = http_body(resp)
        if failed or request_id:
            env = env._replace(failed=env.failed or failed, request_id=env.request_id or request_id)
        rs = response_part(body) if body else (FAILED if failed else None)
    return assemble(source, fmt, rq, rs, env, default_provider)
