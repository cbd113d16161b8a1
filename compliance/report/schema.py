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
    waiver: Optional[FindingWaiverOut] = Field(
        default=None, description="The waiver that covers this finding: in force (status `waived`), expired, or not applicable to this rule.")
    baseline: Optional[Literal["new", "known"]] = Field(
        default=None, description="With --baseline, on failing findings: `known` if the baseline already failed on this fingerprint.")


class FindingWaiverOut(_Strict):
    file: str
    line: int
    rule: str
    reason: str
    approver: str
    expires: str
    state: Literal["in-force", "expired", "not-waivable"]


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
    waivers: Optional[WaiverCountsOut] = None


class WaiverCountsOut(_Strict):
    in_force: int
    expired: int
    not_waivable: int
    unused: int


class WaiverOut(_Strict):
    """One waiver from the waiver file and what it did in this scan."""

    file: str
    line: int = Field(ge=1)
    rule: str
    scope: dict[str, str] = Field(description="artifact, dataset, account and/or fingerprint; all must match.")
    reason: str
    approver: str
    expires: str = Field(description="Last day in force (YYYY-MM-DD).")
    state: Literal["in-force", "expired", "not-waivable", "unused"]
    findings: list[str] = Field(description="Fingerprints of the failing findings it covers.")


class BaselineOut(_Strict):
    path: str
    new: int = Field(description="Failing findings whose fingerprint the baseline did not fail on.")
    known: int = Field(description="Failing findings the baseline already failed on (they do not fail the gate).")
    resolved: int = Field(description="Baseline failures that no longer fail.")


class ProvenanceDatasetOut(_Strict):
    id: str
    origin: str
    origin_source: Literal["declared", "catalog", "default"]
    license: Optional[str]
    generators: list[str]
    trained_into: list[str] = Field(description="Artifacts declared as trained on it.")


class OriginShareOut(_Strict):
    origin: str
    datasets: int
    share: float = Field(ge=0, le=1)


class ProvenanceOut(_Strict):
    """Where the training data came from."""

    basis: str = Field(description="What the shares count.")
    datasets: list[ProvenanceDatasetOut]
    by_origin: list[OriginShareOut]


class DayCountOut(_Strict):
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="A day (UTC), YYYY-MM-DD.")
    records: int = Field(ge=0, description="Log records of that day.")


class SeriesOut(_Strict):
    provider: str
    account: str = Field(description="Provider account (organisation, project, key alias or key id); e-mail-like names are pseudonymised.")
    days: list[DayCountOut] = Field(description="Days with records, in order.")


class ObservationsOut(_Strict):
    """What API logs showed (present when logs were read): volume over time per provider and account."""

    series: list[SeriesOut] = Field(description="One series per provider and account, sorted.")


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
    provenance: ProvenanceOut
    waivers: Optional[list[WaiverOut]] = Field(default=None, description="Every waiver in the waiver file and its state.")
    baseline: Optional[BaselineOut] = None
    observations: Optional[ObservationsOut] = None


def report_json_schema() -> dict[str, Any]:
    schema = ReportOut.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://tos-check.dev/schemas/report.schema.json"
    return schema
