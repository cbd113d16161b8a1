"""Findings: a rule's verdict on one set of facts, with the clause it cites and the evidence."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from compliance.facts import Evidence
from compliance.rules.schema import SEVERITIES

STATUSES = ("violation", "review", "waived", "pass")
SEVERITY_RANK = {name: len(SEVERITIES) - i for i, name in enumerate(SEVERITIES)}  # critical=5 … info=1
FAILING = ("violation", "review")


def severity_at_least(severity: str, threshold: str) -> bool:
    if threshold == "never":
        return False
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold]


def fingerprint(rule_id: str, subjects: dict[str, str]) -> str:
    """Stable across reordering and line shifts: the rule and the ids of the facts it judged."""
    text = rule_id + "\0" + "\0".join(f"{k}={v}" for k, v in sorted(subjects.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


@dataclass
class Finding:
    rule_id: str
    status: str
    severity: str
    provider: str
    clause_type: str
    message: str
    remediation: str
    document: dict[str, Any]
    clause: dict[str, Any]
    evidence: list[Evidence]
    subjects: dict[str, str]
    explanation: list[str] = field(default_factory=list)
    confidence: float | None = None
    waiver: dict[str, Any] | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.rule_id, self.subjects)

    def sort_key(self) -> tuple[Any, ...]:
        return (STATUSES.index(self.status), -SEVERITY_RANK[self.severity], self.rule_id,
                self.document.get("version", ""), sorted(self.subjects.items()))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule_id": self.rule_id,
            "status": self.status,
            "severity": self.severity,
            "provider": self.provider,
            "clause_type": self.clause_type,
            "message": self.message,
            "remediation": self.remediation,
            "document": self.document,
            "clause": self.clause,
            "evidence": [e.to_json() for e in self.evidence],
            "subjects": dict(sorted(self.subjects.items())),
            "explanation": self.explanation,
            "fingerprint": self.fingerprint,
        }
        if self.confidence is not None:
            out["confidence"] = round(self.confidence, 3)
        if self.waiver is not None:
            out["waiver"] = self.waiver
        return out
