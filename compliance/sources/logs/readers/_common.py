"""Shared pieces of the readers: result types, type-checked field access, text, time, params.

Readers raise `RecordError` (or let TypeError/KeyError/AttributeError escape) when a line has
the right keys but wrong types; the stream layer turns that into a skipped line with a reason.
Optional fields that are simply absent become None, never an error.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from ..providers import infer_provider
from ..records import EMPTY_PARAMS, STATUS_ERROR, STATUS_OK, STATUS_UNMATCHED, LogRecord, SourceRef

UTC = UTC
REQUEST = "request"
RESPONSE = "response"


class RecordError(ValueError):
    """A line that looks like the format but has fields of the wrong type or value."""


@dataclass(frozen=True, slots=True)
class Half:
    """One side of an exchange that must be joined with the other side before it is complete.

    `key` is the batch join key (custom_id, Gemini `key`) within the namespace `family`;
    a half with no key is paired with the adjacent line of the same file instead.
    """

    kind: str
    key: str | None
    family: str | None
    record: LogRecord


@dataclass(frozen=True, slots=True)
class Ignored:
    """A well-formed line that is not a model call (e.g. a Langfuse SPAN); counted by reason."""

    reason: str


Parsed = LogRecord | Half | Ignored


@dataclass(frozen=True, slots=True)
class Reader:
    """A log format: a cheap shape test and a parser of one decoded JSON object."""

    name: str
    detect: Callable[[dict], bool]
    parse: Callable[[dict, SourceRef], Parsed]


class Req(NamedTuple):
    """What a request body contributes to a record."""

    model: str | None
    system: str
    prompt: str
    params: dict[str, object]


class Resp(NamedTuple):
    """What a response body contributes to a record."""

    model: str | None
    text: str
    usage_in: int | None
    usage_out: int | None
    failed: bool
    response_id: str | None
    timestamp: datetime | None
    reasoning: bool


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


# --- type-checked access -------------------------------------------------------------------

def opt_str(value: object, what: str) -> str | None:
    """A string field that may be absent; other types are an error."""
    if value is None or type(value) is str:
        return value
    if type(value) is int:
        return str(value)
    raise RecordError(f"{what} is {type(value).__name__}, expected string")


def opt_dict(value: object, what: str) -> dict | None:
    """An object field that may be absent; other types are an error."""
    if value is None or type(value) is dict:
        return value
    raise RecordError(f"{what} is {type(value).__name__}, expected object")


def req_list(value: object, what: str) -> list:
    """A required array field."""
    if type(value) is list:
        return value
    raise RecordError(f"{what} is {type(value).__name__}, expected array")


def opt_int(value: object, what: str) -> int | None:
    """A token count or similar: int, integral float or digit string."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise RecordError(f"{what} is {value!r}, expected integer")


# --- text ----------------------------------------------------------------------------------

_TEXT_TYPES = frozenset({"text", "input_text", "output_text"})
SYSTEM_ROLES = frozenset({"system", "developer"})


def text_of(content: object) -> str:
    """Text of a message `content`: a string, or the text parts of a part array (no media)."""
    if type(content) is str:
        return content
    if content is None:
        return ""
    if type(content) is list:
        out: list[str] = []
        for part in content:
            if type(part) is str:
                out.append(part)
            elif type(part) is dict:
                text = part.get("text")
                if type(text) is str and part.get("type", "text") in _TEXT_TYPES and not part.get("thought"):
                    out.append(text)
            else:
                raise RecordError(f"content part is {type(part).__name__}")
        return "\n".join(out)
    raise RecordError(f"content is {type(content).__name__}, expected string or array")


def split_messages(messages: object) -> tuple[str, str]:
    """(system text, user text) of a chat `messages` array; assistant/tool turns are not prompt."""
    system: list[str] = []
    user: list[str] = []
    for message in req_list(messages, "messages"):
        if type(message) is not dict:
            raise RecordError("message is not an object")
        role = message.get("role")
        if role == "user":
            text = text_of(message.get("content"))
            if text:
                user.append(text)
        elif role in SYSTEM_ROLES:
            text = text_of(message.get("content"))
            if text:
                system.append(text)
    return "\n".join(system), "\n".join(user)


def join_texts(*texts: str) -> str:
    """Join non-empty texts with newlines (system prompt from several places)."""
    return "\n".join(t for t in texts if t)


# --- time ----------------------------------------------------------------------------------

def ts_epoch(value: float) -> datetime:
    """Epoch seconds (or milliseconds, if implausibly large for seconds) to aware UTC."""
    if value > 1e11:
        value = value / 1000.0
    return datetime.fromtimestamp(value, UTC)


def timestamp(value: object, what: str = "timestamp") -> datetime | None:
    """Epoch number, digit string or ISO-8601 text (zone-less means UTC) to aware UTC."""
    if value is None or value == "":
        return None
    kind = type(value)
    if kind is int or kind is float:
        return ts_epoch(value)  # type: ignore[arg-type]
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            text = value.strip()
            try:
                if text.replace(".", "", 1).isdigit():
                    return ts_epoch(float(text))
                parsed = datetime.fromisoformat(text)
            except (ValueError, OverflowError) as exc:
                raise RecordError(f"{what} {value!r} is not a timestamp") from exc
        tz = parsed.tzinfo
        if tz is UTC:
            return parsed
        if tz is None:
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    raise RecordError(f"{what} is {kind.__name__}, expected number or ISO-8601 string")


# --- params --------------------------------------------------------------------------------

FLOAT, INT, BOOL, EFFORT = "float", "int", "bool", "effort"
PARAM_TABLE: dict[str, tuple[str, str]] = {
    "temperature": ("temperature", FLOAT),
    "max_tokens": ("max_tokens", INT),
    "max_completion_tokens": ("max_tokens", INT),
    "max_output_tokens": ("max_tokens", INT),
    "maxOutputTokens": ("max_tokens", INT),
    "n": ("n", INT),
    "logprobs": ("logprobs", BOOL),
    "top_logprobs": ("top_logprobs", INT),
    "reasoning_effort": ("reasoning_effort", EFFORT),
    "seed": ("seed", INT),
}


def _coerce(value: object, kind: str, what: str) -> object:
    try:
        if kind == FLOAT:
            if type(value) is bool:
                raise ValueError
            return float(value)  # type: ignore[arg-type]
        if kind == INT:
            if type(value) is bool:
                raise ValueError
            number = float(value)  # type: ignore[arg-type]
            if not number.is_integer():
                raise ValueError
            return int(number)
        if kind == BOOL:
            if type(value) is bool:
                return value
            if value in ("true", "True", 1):
                return True
            if value in ("false", "False", 0):
                return False
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        raise RecordError(f"parameter {what}={value!r} has the wrong type") from None
    if type(value) is str or (type(value) is int):
        return value
    raise RecordError(f"parameter {what}={value!r} has the wrong type")


def params_from(source: Mapping[str, object] | None,
                table: Mapping[str, tuple[str, str]] = PARAM_TABLE,
                into: dict[str, object] | None = None) -> dict[str, object]:
    """Pick the sampling parameters we keep (see LogRecord.params) out of a request-like dict.

    `table` maps source key -> (kept name, kind); formats with other spellings pass their own.
    """
    out: dict[str, object] = {} if into is None else into
    if not source:
        return out
    get = table.get
    for name, value in source.items():  # request bodies have few keys; the table has many
        spec = get(name)
        if spec is not None and value is not None and spec[0] not in out:
            out[spec[0]] = _coerce(value, spec[1], name)
    return out


def set_param(params: dict[str, object], name: str, value: object, kind: str = EFFORT) -> None:
    """Set one kept parameter if the value is present (for nested settings like `reasoning.effort`)."""
    if value is not None and name not in params:
        params[name] = _coerce(value, kind, name)


# --- identity ------------------------------------------------------------------------------

_RAW_KEY_PREFIXES = ("sk-", "sk_", "AIza", "xai-", "gsk_", "pk-lf-", "sk-lf-")


def key_id(value: object, what: str = "api_key_id") -> str | None:
    """A key id or hash; anything that looks like a raw secret key is replaced by its hash."""
    text = opt_str(value, what)
    if text and text.startswith(_RAW_KEY_PREFIXES) and len(text) > 20:
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


_ENV_SLOTS: dict[str, tuple[int, int]] = {}
for _slot, _keys in enumerate((_TIME_KEYS, _ACCOUNT_KEYS, _KEY_KEYS, ("endpoint", "url", "path"),
                               ("request_id", "x_request_id"), ("model",))):
    for _rank, _key in enumerate(_keys):
        _ENV_SLOTS[_key] = (_slot, _rank)


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
    return LogRecord(
        source=source,
        format=fmt,
        provider=infer_provider(model, provider_label, api_base, default_provider),
        model=model,
        timestamp=env.timestamp or (resp.timestamp if resp else None),
        account=env.account or None,
        api_key_id=env.api_key_id or None,
        endpoint=env.endpoint or None,
        system=req.system if req else "",
        prompt=req.prompt if req else "",
        response=resp.text if resp else "",
        params=params,
        usage_in=resp.usage_in if resp else None,
        usage_out=resp.usage_out if resp else None,
        status=status,
        request_id=env.request_id or record_id,
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
