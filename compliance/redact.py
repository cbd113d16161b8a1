"""Redaction of secrets and personal data in text that reaches a report.

Evidence snippets come from manifests, code and logs the tool does not control. API keys, bearer
tokens and e-mail addresses must never be copied into a report, whatever its format.
"""

from __future__ import annotations

import re

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*"), r"\1 [REDACTED]"),
    (re.compile(r"\bsk-ant-[A-Za-z0-9\-_]{8,}"), "[REDACTED-KEY]"),
    (re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9\-_]{16,}"), "[REDACTED-KEY]"),
    (re.compile(r"\bAIza[0-9A-Za-z\-_]{20,}"), "[REDACTED-KEY]"),
    (re.compile(r"\bxai-[A-Za-z0-9]{20,}"), "[REDACTED-KEY]"),
    (re.compile(r"\bgsk_[A-Za-z0-9]{20,}"), "[REDACTED-KEY]"),
    (re.compile(r"\bhf_[A-Za-z0-9]{20,}"), "[REDACTED-KEY]"),
    (re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), "[REDACTED-KEY]"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}"), "[REDACTED-KEY]"),
    (re.compile(r"(?i)\b((?:api[_-]?key|secret|token|password)[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9\-_./+]{12,}"), r"\1[REDACTED]"),
    (re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"), "[REDACTED-EMAIL]"),
)


def redact(text: str) -> str:
    """Mask API keys, bearer tokens, credential assignments and e-mail addresses."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def snippet(text: str, limit: int = 200) -> str:
    """A one-line, redacted, bounded excerpt for evidence."""
    flat = " ".join(text.split())
    flat = redact(flat)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
