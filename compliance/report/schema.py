"""The JSON report's shape, as pydantic models: `schemas/report.schema.json` is generated from
these, and tests validate real reports against the generated schema."""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvidenceOut(_Strict):
    path: str = Field(description="File relative to the scanned folder (or a rule pack for examples).")
    line: int = Field(ge=1)
    snippet: str = Field(description="The line's text, redacted and shortened.")
    kind: Literal["declared", "discovered", "observed", "catalog"]
    confidence: Optional[float] = None
    note: Optional[str] = None


class DocumentOut(_Strict):
    id: str
    title: str
    version: str
    url: str
    effective_from: Optional[str]
    valid_until: Optional[str]


class ClauseOut(_Strict):
    quote: str
    section: str
    url: str
    effective_date: Optional[str]


class FindingOut(_Strict):
    rule_id: str
    status: Literal["violation", "review", "waived", "pass"]
    severity: Literal["critical", "high", "medium", "low", "info"]
    provider: str
    clause_type: str
    message: str
    remediation: str
    document: DocumentOut
    clause: ClauseOut
    evidence: list[EvidenceOut] = Field(min_length=1, description="Evidence or nothing: every finding has a location.")
    subjects: dict[str, str] = Field(description="The facts the rule judged, by the names the rule bound them to.")
    explanation: list[str]
    fingerprint: str = Field(pattern=r"^[0-9a-f]{20}$", description="Stable across reordering and line shifts.")
    confidence: Optional[float] = None
    waiver: Optional[dict[str, Any]] = None


class InputOut(_Strict):
    path: str
    kind: str
    status: Literal["read", "skipped", "error"]
    reason: Optional[str] = None
    items: Optional[int] = None


class InputsOut(_Strict):
    read: list[InputOut]
    skipped: list[InputOut]


class SummaryOut(_Strict):
    verdict: Literal["pass", "fail"]
    fail_on: Literal["critical", "high", "medium", "low", "never"]
    failing: int
    by_status: dict[str, int]
    by_severity: dict[str, int]
    rules_evaluated: int
    inputs_read: int
    inputs_skipped: int


class ToolOut(_Strict):
    name: Literal["tos-check"]
    version: str


class ScanOut(_Strict):
    project: str
    manifest: Optional[str]
    as_of: str


class PackOut(_Strict):
    id: str
    version: str
    path: str
    rules: int


class ReportOut(_Strict):
    """A tos-check scan report (format version 1)."""

    report_version: Literal["1"]
    tool: ToolOut
    scan: ScanOut
    summary: SummaryOut
    findings: list[FindingOut]
    rule_packs: list[PackOut]
    inputs: InputsOut


def report_json_schema() -> dict[str, Any]:
    schema = ReportOut.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://tos-check.dev/schemas/report.schema.json"
    return schema
