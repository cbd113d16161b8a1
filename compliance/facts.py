"""Facts: the typed description of a project that rules are evaluated over.

Sources (the manifest today; repository discovery and logs later) produce facts; nothing after
this point reads a user's file. Each fact keeps the evidence that supports it, so any finding
built from it can point to a file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Iterator

COLLECTIONS = ("artifacts", "datasets", "provider_uses", "models", "flows", "disagreements", "accounts")


@dataclass(frozen=True, order=True)
class Evidence:
    """Where a fact came from: a file and line (or log record) with a short redacted snippet."""

    path: str
    line: int
    snippet: str = ""
    kind: str = "declared"  # declared | discovered | observed | catalog
    confidence: float = 1.0
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "line": self.line, "snippet": self.snippet, "kind": self.kind}
        if self.confidence != 1.0:
            out["confidence"] = round(self.confidence, 3)
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Period:
    """An inclusive span of days during which a use happened."""

    start: date
    end: date

    def overlaps(self, start: date | None, end: date | None) -> bool:
        """True when this period shares a day with [start, end] (open ends are unbounded)."""
        if start is not None and self.end < start:
            return False
        if end is not None and self.start > end:
            return False
        return True

    def to_json(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass
class Fact:
    """One thing known about the project.

    `data` holds plain values reachable by dotted paths from rule conditions; `key` identifies the
    fact stably (ids, not line numbers) for fingerprints; `field_evidence` pins single fields to
    lines so a finding about a name can point at the `name:` line.
    """

    kind: str
    key: str
    data: dict[str, Any]
    evidence: list[Evidence] = field(default_factory=list)
    field_evidence: dict[str, Evidence] = field(default_factory=dict)
    period: Period | None = None
    provider: str | None = None
    channel: str | None = None

    def get(self, path: str) -> Any:
        """Value at a dotted path, or None when any step is missing."""
        node: Any = self.data
        for part in path.split("."):
            if isinstance(node, dict):
                node = node.get(part)
            else:
                return None
            if node is None:
                return None
        return node

    def evidence_for(self, path: str) -> Evidence | None:
        head = path.split(".")[0]
        return self.field_evidence.get(path) or self.field_evidence.get(head)


@dataclass
class Facts:
    """All facts about one project, by collection, plus what could not be read."""

    project: str = ""
    collections: dict[str, list[Fact]] = field(default_factory=lambda: {name: [] for name in COLLECTIONS})
    judgements: dict[tuple[str, str], Any] = field(default_factory=dict)

    def add(self, fact: Fact) -> None:
        self.collections.setdefault(fact.kind, []).append(fact)

    def of(self, kind: str) -> list[Fact]:
        return self.collections.get(kind, [])

    def all(self) -> Iterator[Fact]:
        for name in sorted(self.collections):
            yield from self.collections[name]

    def extend(self, facts: Iterable[Fact]) -> None:
        for fact in facts:
            self.add(fact)
