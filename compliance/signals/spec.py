"""The `signals:` section of a rule pack, as pydantic models (part of schemas/rule-pack.schema.json).

A signal is one measurable trait of API traffic: a record condition says which log records show
it, a cheap literal prefilter says which records are worth that condition, an aggregate turns
the matching records of an account (or a day, key, model, cluster of accounts) into one number,
and `threshold` says from which value the signal fires.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

GroupDim = Literal["account", "api_key", "model", "day", "provider", "cluster"]
Metric = Literal["count", "rate_per_day", "distinct", "share", "near_duplicate_share"]
TextField = Literal["prompt", "system", "response"]
ObservedPurpose = Literal["data-generation", "distillation", "labelling", "evaluation", "serving", "other"]
SUB_DIMS = ("api_key", "model", "day")
SCOPE_DIMS = ("account", "cluster", "provider")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BearsOn(_Strict):
    """Which terms a signal is evidence for."""

    clauses: list[str] = Field(default_factory=list, description="Clause types (see the rule `clause` vocabulary).")
    rules: list[str] = Field(default_factory=list, description="Rule ids the signal bears on.")


class Link(_Strict):
    """How accounts are linked into a cluster: shared prompt templates."""

    min_shared: int = Field(default=3, ge=1, description="Templates two accounts must share.")
    min_overlap: float = Field(default=0.5, gt=0, le=1, description="Shared templates / templates of the smaller account.")
    templates_of: str | None = Field(
        default=None, description="Link by the template tables another signal keeps (one with metric near_duplicate_share) "
                                  "instead of a second table of this signal's own records: half the template work per record.")


class Aggregate(_Strict):
    """How matching records become one value per group."""

    group_by: list[GroupDim] = Field(
        default_factory=lambda: ["account"],
        description="account (default), cluster or provider is the scope; api_key, model and day split it further and the "
                    "highest group counts.")
    metric: Metric = Field(description="count | rate_per_day (per active day) | distinct (values of `field`) | share (of all "
                                       "records in the group) | near_duplicate_share (records whose prompt template recurs, "
                                       "over all records in the group).")
    field: str | None = Field(default=None, description="For `distinct`: the record field whose values are counted.")
    min_records: int = Field(default=1, ge=1, description="Groups with fewer records (of any kind) never fire.")
    link: Link | None = Field(default=None, description="With group_by [cluster]: how accounts are linked.")

    @model_validator(mode="after")
    def _consistent(self) -> "Aggregate":
        dims = self.group_by
        if len(set(dims)) != len(dims):
            raise ValueError("group_by repeats a dimension")
        scopes = [d for d in dims if d in SCOPE_DIMS]
        if len(scopes) > 1:
            raise ValueError(f"group_by takes one of {', '.join(SCOPE_DIMS)}, found {', '.join(scopes)}")
        subs = [d for d in dims if d in SUB_DIMS]
        if self.metric in ("rate_per_day", "near_duplicate_share") and subs:
            raise ValueError(f"metric {self.metric} is computed per {scopes[0] if scopes else 'provider'}; "
                             f"drop {', '.join(subs)} from group_by")
        if (self.metric == "distinct") != (self.field is not None):
            raise ValueError("`field` is required by metric distinct and only by it")
        if (self.link is not None) != ("cluster" in dims):
            raise ValueError("`link` goes with group_by [cluster], and group_by [cluster] needs `link`")
        return self

    @property
    def scope(self) -> str:
        for dim in self.group_by:
            if dim in SCOPE_DIMS:
                return dim
        return "account" if "api_key" in self.group_by else "provider"

    @property
    def sub_dims(self) -> tuple[str, ...]:
        return tuple(d for d in SUB_DIMS if d in self.group_by)


class SignalSpec(_Strict):
    """One signal: a record condition, an aggregate and a threshold."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="snake_case; facts expose it as signals.<id>.")
    title: str
    description: str = ""
    purpose: ObservedPurpose | None = Field(default=None, description="The use this signal shows when it fires (observed_purposes).")
    weight: float = Field(ge=-1, le=1, description="Contribution to an account's risk score; negative = evidence of benign use.")
    bears_on: BearsOn = Field(default_factory=BearsOn)
    evidence: list[str] = Field(default_factory=list, description="Public evidence behind the signal (docs/signals.md cites it).")
    prefilter: list[str] = Field(default_factory=list, description="Literal strings (case-insensitive): only records containing "
                                                                    "one reach the record condition. Required with lemma or fuzzy tests.")
    prefilter_fields: list[TextField] = Field(default_factory=lambda: ["prompt", "system"])
    record: dict[str, Any] | None = Field(default=None, description="Record condition (docs/signals.md); absent = every record.")
    aggregate: Aggregate
    threshold: float = Field(description="The signal fires when the aggregate value is at or above it.")
