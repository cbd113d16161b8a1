"""Registry of log readers and per-file format detection.

Order matters: shapes that embed another shape (batch lines embed chat bodies, proxies embed
provider responses) come before the shapes they embed, and `generic` comes last.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import (
    anthropic_batch,
    anthropic_messages,
    gemini,
    generic,
    langfuse,
    litellm,
    litellm_spend,
    openai_batch,
    openai_chat,
    openai_responses,
)
from ._common import REQUEST, RESPONSE, Half, Ignored, Parsed, Reader, RecordError

READERS: tuple[Reader, ...] = (
    openai_batch.READER,
    anthropic_batch.READER,
    litellm_spend.READER,
    litellm.READER,
    langfuse.READER,
    gemini.READER,
    openai_responses.READER,
    anthropic_messages.READER,
    openai_chat.READER,
    generic.READER,
)
FORMATS: tuple[str, ...] = tuple(reader.name for reader in READERS)
BY_NAME: dict[str, Reader] = {reader.name: reader for reader in READERS}

__all__ = ["BY_NAME", "FORMATS", "READERS", "REQUEST", "RESPONSE", "Half", "Ignored", "Parsed",
           "Reader", "RecordError", "choose_reader", "detect_reader", "get_reader"]


def get_reader(name: str) -> Reader:
    """The reader for a `log_format=` name; unknown names list the valid ones."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown log format {name!r}; known formats: {', '.join(FORMATS)}") from None


def detect_reader(obj: dict) -> Reader | None:
    """The first reader, in priority order, whose shape test accepts this object."""
    for reader in READERS:
        if reader.detect(obj):
            return reader
    return None


def choose_reader(samples: Iterable[dict]) -> Reader | None:
    """Majority vote over a file's first records; ties go to the higher-priority reader."""
    votes: dict[str, int] = {}
    for obj in samples:
        reader = detect_reader(obj)
        if reader is not None:
            votes[reader.name] = votes.get(reader.name, 0) + 1
    if not votes:
        return None
    best = max(votes.items(), key=lambda item: (item[1], -FORMATS.index(item[0])))
    return BY_NAME[best[0]]
