"""Streaming readers for API usage logs (OpenAI, Anthropic, Gemini, LiteLLM, Langfuse, generic).

`iter_log_records(paths)` yields one normalised `LogRecord` per API exchange, in file and line
order, and reports everything it could not read in a `ReadStats`. Accepted shapes are listed in
docs/log-formats.md.
"""

from __future__ import annotations

from .io import iter_log_records
from .readers import FORMATS
from .records import (
    STATUS_ERROR,
    STATUS_OK,
    STATUS_UNMATCHED,
    LogRecord,
    ReadStats,
    SourceRef,
)

__all__ = [
    "FORMATS",
    "STATUS_ERROR",
    "STATUS_OK",
    "STATUS_UNMATCHED",
    "LogRecord",
    "ReadStats",
    "SourceRef",
    "iter_log_records",
]
