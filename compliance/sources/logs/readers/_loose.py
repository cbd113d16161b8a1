"""Decoding of the loosely typed `messages` / `response` / `input` / `output` fields that proxies
and tracers (LiteLLM, Langfuse) store: a string, a JSON-encoded string, a message list, or any
provider's response object. Each shape is handed to the reader that owns it.
"""

from __future__ import annotations

import json

from . import anthropic_messages, gemini, openai_chat, openai_responses
from ._common import RecordError, Resp, join_texts, split_messages, text_of

_JSON_START = ("[", "{", '"')


def decode_json_text(value: object) -> object:
    """A JSON-encoded string becomes its value; plain text stays text."""
    if type(value) is str and value[:1] in _JSON_START:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def loose_messages(value: object) -> tuple[str, str]:
    """(system, prompt) of a logged request input in any of the common shapes."""
    value = decode_json_text(value)
    if value is None:
        return "", ""
    if type(value) is str:
        return "", value
    if type(value) is list:
        if all(type(item) is str for item in value):
            return "", "\n".join(value)
        return split_messages(value)
    if type(value) is dict:
        if "messages" in value:
            system, prompt = split_messages(value["messages"])
            return join_texts(text_of(value.get("system")), system), prompt
        if "role" in value:
            return split_messages([value])
        if "contents" in value:
            req = gemini.request_part(value)
            return req.system, req.prompt
        if "input" in value:
            req = openai_responses.request_part(value)
            return req.system, req.prompt
        if "prompt" in value:
            return "", text_of(value.get("prompt"))
        return "", ""
    raise RecordError(f"input is {type(value).__name__}")


def _plain(text: str) -> Resp:
    return Resp(None, text, None, None, False, None, None, False)


def loose_output(value: object) -> Resp | None:
    """Output text (and whatever else the shape carries) of a logged response, or None if absent."""
    value = decode_json_text(value)
    if value is None:
        return None
    if type(value) is str:
        return _plain(value)
    if type(value) is dict:
        if "choices" in value:
            return openai_chat.response_part(value)
        if value.get("object") == "response":
            return openai_responses.response_part(value)
        if value.get("type") == "message" and "content" in value:
            return anthropic_messages.response_part(value)
        if "candidates" in value:
            return gemini.response_part(value)
        for key in ("content", "text", "output", "completion"):
            if key in value:
                inner = value[key]
                return _plain(text_of(inner)) if type(inner) in (str, list) else loose_output(inner)
        return _plain("")
    if type(value) is list:
        texts: list[str] = []
        for item in value:
            if type(item) is str:
                texts.append(item)
            elif type(item) is dict and item.get("role", "assistant") == "assistant":
                texts.append(text_of(item.get("content")))
        return _plain("\n".join(t for t in texts if t))
    raise RecordError(f"output is {type(value).__name__}")
