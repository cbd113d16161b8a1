"""The rule-pack format, as pydantic models: the loader validates with them and the published
JSON Schema (`schemas/rule-pack.schema.json`) is generated from them."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from compliance.signals.spec import SignalSpec

Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low", "info")
ClauseType = Literal[
    "no-competing-model", "no-model-improvement", "derivative-naming", "attribution", "mau-threshold",
    "acceptable-use-policy", "no-reverse-engineering", "no-automated-extraction", "rate-limit-circumvention",
    "no-api-key-sharing", "non-commercial", "research-only", "share-alike", "use-restrictions-propagate",
    "distillation-allowed", "output-ownership", "permitted-exception", "coverage", "organisation-policy", "other",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scope(_Strict):
    """How a document is chosen: by date of use (service terms) or by the model it governs."""

    dated: bool = Field(default=False, description="Applies by the date of use: facts of this provider outside the window are not evaluated.")
    channels: list[Literal["api", "consumer"]] = Field(default_factory=lambda: ["api", "consumer"])


class Document(_Strict):
    """The source document a pack encodes."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$", description="<provider>.<document>, shared by all versions.")
    provider: str
    title: str
    kind: Literal["service-terms", "usage-policy", "model-license", "dataset-license", "organisation-policy", "signal-set"]
    version: str
    effective_from: date | None = None
    valid_until: date | None = Field(default=None, description="Last day in force (inclusive); null while current.")
    superseded_by: str | None = Field(default=None, description="Pack id (document@version) of the next version.")
    url: str
    source_text: str | None = Field(default=None, description="The text's file in the corpus, for `rules verify`.")
    scope: Scope = Field(default_factory=Scope)
    notes: str = ""


class Example(_Strict):
    """A short manifest the rule must judge as `expect`."""

    name: str
    expect: Literal["violation", "review", "pass", "not-applicable"]
    as_of: date | None = None
    manifest: dict[str, Any]
    logs: list[dict[str, Any]] = Field(default_factory=list, description="Log records (one line each, any format of "
                                       "docs/log-formats.md) read with the manifest, for rules over observed facts.")


class Rule(_Strict):
    """One clause of one document."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$")
    clause: ClauseType
    kind: Literal["prohibition", "obligation", "permission"] = "prohibition"
    title: str = ""
    section: str = ""
    quote: str = Field(default="", description="Verbatim from the source text (required unless the pack is an organisation policy).")
    severity: Severity
    outcome: Literal["violation", "review"] = Field(default="violation", description="The strongest status the rule gives.")
    waivable: bool = True
    when: dict[str, Any]
    message: str
    pass_message: str = ""
    remediation: str = ""
    examples: list[Example] = Field(default_factory=list)


class RulePackModel(_Strict):
    schema_version: Literal[1] = 1
    document: Document
    rules: list[Rule] = Field(default_factory=list, description="At least one, except in a signal-set pack.")
    signals: list[SignalSpec] = Field(default_factory=list, description="Log signals (docs/signals.md).")

    @model_validator(mode="after")
    def _quotes(self) -> "RulePackModel":
        if self.document.kind == "signal-set":
            if not self.signals:
                raise ValueError("a signal-set pack needs `signals`")
        elif not self.rules:
            raise ValueError("a rule pack needs at least one rule in `rules`")
        if self.document.kind not in ("organisation-policy", "signal-set"):
            for rule in self.rules:
                if not rule.quote.strip():
                    raise ValueError(f"rule {rule.id} needs the verbatim `quote` of its clause")
        return self


def rule_pack_json_schema() -> dict[str, Any]:
    schema = RulePackModel.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://tos-check.dev/schemas/rule-pack.schema.json"
    return schema
