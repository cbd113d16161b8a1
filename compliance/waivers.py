"""Waivers: recorded, approved, expiring exceptions to a rule for one scope.

A waiver file (`.tos-check/waivers.yaml`, or `--waivers FILE`) lists waivers; each names a rule,
a scope (artifact, dataset, provider account or finding fingerprint; several keys must all
match), a reason, an approver and an expiry date (the last day it is in force). A violation or
review it covers becomes `waived` and no longer fails the gate.

What can go wrong is reported, never dropped:
- an expired waiver leaves its findings failing and is listed as `expired`;
- a waiver that covers no failing finding is listed as `unused`;
- a rule marked `waivable: false` cannot be waived: the waiver is ineffective (its findings stay
  failing) and is listed as `not-waivable`. It is not an input error, because one rule id can
  be waivable in one version of a document and not in the next;
- a malformed file, or a waiver naming a rule no loaded pack defines, is an input error.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from compliance.errors import InputError
from compliance.findings import FAILING, Finding
from compliance.redact import redact
from compliance.yamlio import load_yaml_file, validation_error

if TYPE_CHECKING:
    from compliance.engine import ScanResult
    from compliance.facts import Fact

DEFAULT_PATH = Path(".tos-check") / "waivers.yaml"
ENGINE_RULES = ("tos-check.coverage.terms-not-known",)  # findings the engine makes without a rule pack
STATES = ("in-force", "expired", "not-waivable", "unused")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WaiverScope(_Strict):
    """Which findings of the rule a waiver covers; every key given must match."""

    artifact: str | None = Field(default=None, description="An artifact id from the manifest.")
    dataset: str | None = Field(default=None, description="A dataset id from the manifest.")
    account: str | None = Field(default=None, description="A provider account (organisation or project id).")
    fingerprint: str | None = Field(default=None, pattern=r"^[0-9a-f]{20}$", description="One finding's fingerprint.")

    @model_validator(mode="after")
    def _not_empty(self) -> WaiverScope:
        if not any((self.artifact, self.dataset, self.account, self.fingerprint)):
            raise ValueError("a scope needs at least one of artifact, dataset, account, fingerprint")
        return self


class WaiverSpec(_Strict):
    rule: str = Field(pattern=r"^[a-z0-9][a-z0-9.\-]*$", description="The rule id, e.g. meta.llama-3.1-license.built-with-llama.")
    scope: WaiverScope
    reason: str = Field(min_length=1)
    approver: str = Field(min_length=1, description="Who approved it (a name or role; e-mail addresses are redacted in reports).")
    expires: date = Field(description="Last day the waiver is in force (YYYY-MM-DD).")


class WaiverFile(_Strict):
    waivers: list[WaiverSpec] = Field(default_factory=list)


@dataclass
class Waiver:
    """One waiver as loaded, with where it was written and what it matched in this scan."""

    spec: WaiverSpec
    path: str
    line: int
    matched: list[str] = field(default_factory=list)  # fingerprints of failing findings it covers
    applied: list[str] = field(default_factory=list)  # of those, the ones it waived
    state: str = "unused"

    def expired(self, today: date) -> bool:
        return self.spec.expires < today

    def to_json(self) -> dict[str, Any]:
        s = self.spec
        return {
            "file": self.path, "line": self.line, "rule": s.rule,
            "scope": {k: v for k, v in s.scope.model_dump().items() if v is not None},
            "reason": redact(s.reason), "approver": redact(s.approver), "expires": s.expires.isoformat(),
            "state": self.state, "findings": sorted(set(self.matched)),
        }

    def on_finding(self) -> dict[str, Any]:
        """What a finding carries about the waiver that covers it."""
        s = self.spec
        return {"file": self.path, "line": self.line, "rule": s.rule, "reason": redact(s.reason),
                "approver": redact(s.approver), "expires": s.expires.isoformat(), "state": self.state}


def load_waivers(path: Path, display: str | None = None) -> list[Waiver]:
    """Read and validate a waiver file; any problem is an InputError with file and line."""
    shown = display or str(path)
    raw = load_yaml_file(path, shown)
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise InputError(shown, getattr(raw, "line", 1), "a waiver file is a mapping with a `waivers:` list")
    try:
        model = WaiverFile.model_validate(raw)
    except ValidationError as exc:
        raise validation_error(exc, raw, shown, "a waiver has rule, scope, reason, approver, expires") from None
    items = raw.get("waivers") or []
    return [Waiver(spec, shown, items.line_of(i) if hasattr(items, "line_of") else 1)
            for i, spec in enumerate(model.waivers)]


def _subject_facts(finding: Finding, index: dict[str, Fact]) -> list[Fact]:
    return [index[ref] for ref in finding.subjects.values() if ref in index]


def _concerns(fact: Fact, collection: str, field_name: str, value: str) -> bool:
    if fact.kind == collection and fact.key == value:
        return True
    return fact.data.get(field_name) == value


def _uses_account(fact: Fact, account: str) -> bool:
    accounts = fact.data.get("accounts")
    return (isinstance(accounts, list) and account in accounts) or fact.data.get("account") == account


def matches(spec: WaiverSpec, finding: Finding, index: dict[str, Fact]) -> bool:
    """True when the waiver's rule and every key of its scope match the finding."""
    if spec.rule != finding.rule_id:
        return False
    scope = spec.scope
    if scope.fingerprint and scope.fingerprint != finding.fingerprint:
        return False
    facts = _subject_facts(finding, index)
    if scope.artifact and not any(_concerns(f, "artifacts", "artifact", scope.artifact) for f in facts):
        return False
    if scope.dataset and not any(_concerns(f, "datasets", "dataset", scope.dataset) for f in facts):
        return False
    return not scope.account or any(_uses_account(f, scope.account) for f in facts)


def _waivable(result: ScanResult, finding: Finding) -> bool:
    """Whether the rule version that made the finding may be waived."""
    version = finding.document.get("version")
    for rule in result.rules.by_id.get(finding.rule_id, []):
        if rule.pack.document.version == version:
            return rule.spec.waivable
    return True  # engine findings (coverage) have no rule spec; they can be waived


def check_rules(result: ScanResult, waivers: list[Waiver]) -> None:
    """A waiver must name a rule some loaded pack (or the engine) defines: typos are input errors."""
    known = set(result.rules.by_id) | set(ENGINE_RULES)
    for waiver in waivers:
        if waiver.spec.rule not in known:
            close = difflib.get_close_matches(waiver.spec.rule, sorted(known), n=1, cutoff=0.8)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise InputError(waiver.path, waiver.line, f"rule {waiver.spec.rule!r} is not defined by any loaded rule pack{hint}")


def apply_waivers(result: ScanResult, waivers: list[Waiver], today: date) -> list[Waiver]:
    """Mark the failing findings that waivers cover, and give each waiver its state.

    `today` decides expiry (the `--as-of` date, else the real date: a manifest's `as_of` must
    not keep a waiver alive). Findings are re-sorted, since a waived finding sorts after reviews.
    """
    check_rules(result, waivers)
    index = {f"{fact.kind}:{fact.key}": fact for fact in result.facts.all()}
    blocked: set[int] = set()  # waivers that met a finding of a rule that cannot be waived
    for finding in result.findings:
        if finding.status not in FAILING:
            continue
        covering = [w for w in waivers if matches(w.spec, finding, index)]
        if not covering:
            continue
        for waiver in covering:
            waiver.matched.append(finding.fingerprint)
        active = [w for w in covering if not w.expired(today)]
        if not _waivable(result, finding):
            blocked.update(id(w) for w in covering)
            finding.waiver = {**covering[0].on_finding(), "state": "not-waivable"}
        elif active:
            for waiver in active:
                waiver.applied.append(finding.fingerprint)
                waiver.state = "in-force"
            finding.status = "waived"
            finding.waiver = active[0].on_finding()
        else:
            finding.waiver = {**covering[0].on_finding(), "state": "expired"}
    for waiver in waivers:
        if waiver.expired(today):
            waiver.state = "expired"
        elif waiver.applied:
            waiver.state = "in-force"
        elif id(waiver) in blocked:
            waiver.state = "not-waivable"
        else:
            waiver.state = "unused"
    result.findings.sort(key=Finding.sort_key)
    return waivers


def waiver_counts(waivers: list[Waiver]) -> dict[str, int]:
    counts = {state.replace("-", "_"): 0 for state in STATES}
    for waiver in waivers:
        counts[waiver.state.replace("-", "_")] += 1
    return counts


def default_waivers_path(root: Path) -> Path | None:
    path = root / DEFAULT_PATH
    if path.is_file():
        return path
    alt = path.with_suffix(".yml")
    return alt if alt.is_file() else None
