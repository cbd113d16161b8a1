"""Shared pieces of the readers: result types, type-checked field access, text, time, params.

Readers raise `RecordError` (or let TypeError/KeyError/AttributeError escape) when a line has
the right keys but wrong types; the stream layer turns that into a skipped line with a reason.
Optional fields that are simply absent become None, never an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from ..records import LogRecord, SourceRef

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


def split_messages(messages: object, what: str = "messages", item: str = "message",
                   bare_strings: bool = False) -> tuple[str, str]:
    """(system text, user text) of a chat `messages` array; assistant/tool turns are not prompt.
    With `bare_strings`, a plain string item is a user turn (the Responses API's `input`)."""
    system: list[str] = []
    user: list[str] = []
    for message in req_list(messages, what):
        if bare_strings and type(message) is str:
            user.append(message)
            continue
        if type(message) is not dict:
            raise RecordError(f"{item} is not an object")
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
    """Epoch seconds to aware UTC; values too large for seconds are read as ms, µs or ns."""
    seconds = value
    if value > 1e11:
        seconds = value / (1e9 if value > 1e17 else 1e6 if value > 1e14 else 1e3)
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise RecordError(f"epoch time {value!r} is out of range") from exc


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
