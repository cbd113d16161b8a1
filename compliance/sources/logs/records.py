"""Normalised API-log records and read statistics.

Every reader maps its provider's shape onto one `LogRecord`, so signals and rules never
need to know which client, proxy or provider wrote a log line. `ReadStats` is where the
readers account for everything they did not turn into a record: nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

STATUS_OK = "ok"
STATUS_ERROR = "error"
# A request that was logged (batch input line, bare request line) but whose response is not in
# the files given. It is still yielded: the prompt was sent, and volume signals need it.
STATUS_UNMATCHED = "unmatched"

EMPTY_PARAMS: Mapping[str, object] = MappingProxyType({})


@dataclass(slots=True, unsafe_hash=True)
class SourceRef:
    """Where a record came from: path as given by the caller, 1-based line, optional record id.

    Treated as immutable and hashable by its fields; not frozen, for the reason LogRecord gives
    (one is built per log line, and a frozen __init__ costs about twice as much)."""

    path: str
    line: int
    record_id: str | None = None


@dataclass(slots=True, eq=True)
class LogRecord:
    """One API exchange (request and/or response), normalised across formats.

    Treated as immutable; not frozen, because a frozen dataclass's __init__ costs twice as much
    and readers build one per log line."""

    source: SourceRef
    format: str
    provider: str | None
    model: str | None
    timestamp: datetime | None
    account: str | None
    api_key_id: str | None
    endpoint: str | None
    system: str
    prompt: str
    response: str
    params: Mapping[str, object]
    usage_in: int | None
    usage_out: int | None
    status: str
    request_id: str | None


@dataclass
class ReadStats:
    """Counts and problems seen while reading; filled in as the record iterator is consumed.

    `skipped` lists every line that did not become a record (path, line, reason); `unreadable`
    lists files (or globs, or stdin) that could not be opened or broke off mid-stream;
    `unmatched` lists requests whose response was not found (path, line, id); `ignored`
    counts well-formed records that are not model calls (e.g. Langfuse SPAN observations).
    """

    files: int = 0
    lines: int = 0
    records: int = 0
    skipped: list[tuple[str, int, str]] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    unmatched: list[tuple[str, int, str]] = field(default_factory=list)
    ignored: dict[str, int] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every line of every file became a record or was knowingly ignored."""
        return not self.skipped and not self.unreadable
