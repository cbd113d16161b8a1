"""Joining the two halves of one exchange.

Batch APIs put requests and results in different files, matched by `custom_id` (Gemini: `key`),
never by line order. One side is held in memory keyed by id (the side with fewer estimated
bytes, usually the inputs); the other side is streamed and joined as it goes. Bare
request/response lines of client logs are paired with the adjacent line instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from .readers import REQUEST, RESPONSE, Half
from .records import LogRecord, ReadStats


def merge(request: LogRecord, response: LogRecord) -> LogRecord:
    """One record from a request half and a response half; location is the response line."""
    params = request.params
    if response.params:
        params = {**request.params, **response.params}
    return LogRecord(  # positional: keyword construction of the frozen dataclass is ~40% slower
        response.source,  # source
        response.format,  # format
        response.provider or request.provider,  # provider
        response.model or request.model,  # model
        response.timestamp or request.timestamp,  # timestamp
        request.account or response.account,  # account
        request.api_key_id or response.api_key_id,  # api_key_id
        request.endpoint or response.endpoint,  # endpoint
        request.system or response.system,  # system
        request.prompt or response.prompt,  # prompt
        response.response,  # response
        params,  # params
        response.usage_in,  # usage_in
        response.usage_out,  # usage_out
        response.status,  # status
        response.request_id or request.request_id,  # request_id
    )


class Joiner:
    """Holds one side of each batch family and joins the other side against it."""

    def __init__(self, held: dict[str, str], stats: ReadStats) -> None:
        self.held = held
        self.indexed_files: set[str] = set()
        self._index: dict[str, dict[str, list[LogRecord]]] = {family: {} for family in held}
        self._stats = stats

    def wants(self, half: Half) -> bool:
        """Whether this half belongs to a held side (and goes into the index)."""
        return half.key is not None and self.held.get(half.family or "") == half.kind

    def hold(self, half: Half) -> None:
        """Index a held-side half by its key (duplicates are joined first-in, first-out)."""
        self._index[half.family or ""].setdefault(half.key or "", []).append(half.record)

    def alone(self, record: LogRecord, kind: str) -> LogRecord:
        """A half with no partner; a request without response is listed as unmatched."""
        if kind == REQUEST:
            self._stats.unmatched.append(
                (record.source.path, record.source.line, record.source.record_id or "request without response"))
        return record

    def keyed(self, half: Half, path: str) -> LogRecord | None:
        """The joined record for a streamed half, or None if this half was indexed in advance."""
        family = half.family or ""
        held = self.held.get(family)
        if held == half.kind and path in self.indexed_files:
            return None
        if held is not None and held != half.kind:
            bucket = self._index[family].get(half.key or "")
            if bucket:
                partner = bucket.pop(0)
                if not bucket:
                    del self._index[family][half.key or ""]
                if half.kind == RESPONSE:
                    return merge(partner, half.record)
                return merge(half.record, partner)
        return self.alone(half.record, half.kind)

    def leftovers(self) -> Iterator[LogRecord]:
        """Held halves nobody claimed, in the order they were read."""
        for family, kind in self.held.items():
            index = self._index[family]
            for bucket in index.values():
                for record in bucket:
                    yield self.alone(record, kind)
            index.clear()


def choose_held(estimates: dict[tuple[str, str], float]) -> dict[str, str]:
    """Per batch family seen with both sides: hold the side with fewer estimated bytes."""
    held: dict[str, str] = {}
    for family in sorted({family for family, _ in estimates}):
        requests = estimates.get((family, REQUEST), 0.0)
        responses = estimates.get((family, RESPONSE), 0.0)
        if requests and responses:
            held[family] = REQUEST if requests <= responses else RESPONSE
    return held
