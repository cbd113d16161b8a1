"""One scan: gather facts, load rules, evaluate, and assemble the report data.

Pure orchestration: sources make facts, the evaluator makes findings, renderers (elsewhere) turn
the report into text. Nothing here knows about output formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from compliance import __version__
from compliance.errors import InputError
from compliance.facts import Evidence, Facts, Period
from compliance.findings import FAILING, SEVERITY_RANK, STATUSES, Finding, severity_at_least
from compliance.rules.evaluator import evaluate
from compliance.rules.loader import RuleSet, load_rules
from compliance.rules.schema import SEVERITIES

REPORT_VERSION = "1"
FAIL_ON = ("critical", "high", "medium", "low", "never")


@dataclass
class ScanOptions:
    """What to scan and how; sources read the options that concern them."""

    path: Path
    manifest: Path | None = None
    rules_dirs: list[Path] = field(default_factory=list)
    as_of: date | None = None
    fail_on: str = "high"
    logs: list[str] = field(default_factory=list)
    log_format: str | None = None
    exclude: list[str] = field(default_factory=list)
    discover: bool = True


@dataclass
class InputRecord:
    """One input the scan read or could not read: nothing is dropped without a trace."""

    path: str
    kind: str
    status: str  # read | skipped | error
    reason: str = ""
    items: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "kind": self.kind, "status": self.status}
        if self.reason:
            out["reason"] = self.reason
        if self.items is not None:
            out["items"] = self.items
        return out


@dataclass
class ScanResult:
    options: ScanOptions
    as_of: date
    facts: Facts
    rules: RuleSet
    findings: list[Finding]
    inputs: list[InputRecord]
    manifest_path: str | None

    def failing(self) -> list[Finding]:
        return [f for f in self.findings if f.status in FAILING and severity_at_least(f.severity, self.options.fail_on)]

    @property
    def verdict(self) -> str:
        return "fail" if self.failing() else "pass"


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def coverage_gaps(facts: Facts, rules: RuleSet, as_of: date) -> list[Finding]:
    """Provider uses and output flows on dates no loaded version of the provider's terms covers.

    A scan that cannot say which terms applied must not pass quietly.
    """
    dated: dict[tuple[str, str], list[tuple[date | None, date | None, str]]] = {}
    for pack in rules.packs:
        doc = pack.document
        if doc.scope.dated:
            for channel in doc.scope.channels:
                dated.setdefault((doc.provider, channel), []).append((doc.effective_from, doc.valid_until, pack.pack_id))
    findings: list[Finding] = []
    for collection in ("provider_uses", "flows"):
        for fact in facts.of(collection):
            if fact.provider is None:
                continue
            channel = fact.channel or "api"
            windows = dated.get((fact.provider, channel))
            if windows is None:
                continue
            period = fact.period or Period(as_of, as_of)
            covered = [w for w in windows if period.overlaps(w[0], w[1])]
            uncovered_days = _uncovered(period, windows)
            if covered and not uncovered_days:
                continue
            span = f"{period.start.isoformat()}..{period.end.isoformat()}"
            known = ", ".join(sorted(w[2] for w in windows))
            findings.append(Finding(
                rule_id="tos-check.coverage.terms-not-known",
                status="review",
                severity="medium",
                provider=fact.provider,
                clause_type="coverage",
                message=(f"No bundled version of {fact.provider}'s {channel} terms covers {span}"
                         f" ({collection[:-1].replace('_', ' ')} {fact.key}); known versions: {known}."
                         " Which terms applied cannot be checked."),
                remediation="Find the terms in force for these dates and add a rule pack for them (see docs/rules.md).",
                document={"id": "tos-check.coverage", "title": "tos-check coverage check", "version": __version__,
                          "url": "docs/knowledge-base.md", "effective_from": None, "valid_until": None},
                clause={"quote": "", "section": "", "url": "docs/knowledge-base.md", "effective_date": None},
                evidence=sorted(set(fact.evidence), key=lambda e: (e.path, e.line)),
                subjects={"fact": f"{fact.kind}:{fact.key}"},
                explanation=[f"uncovered: {', '.join(d.isoformat() for d in uncovered_days[:3])}"
                             + (" …" if len(uncovered_days) > 3 else "")],
            ))
    return findings


def _uncovered(period: Period, windows: list[tuple[date | None, date | None, str]]) -> list[date]:
    """Boundary days of the period that no window covers (enough to prove a gap exists)."""
    from datetime import timedelta

    probes = {period.start, period.end}
    for start, end, _ in windows:
        for day in (start, end and end + timedelta(days=1), start and start - timedelta(days=1), end):
            if day is not None and period.start <= day <= period.end:
                probes.add(day)
    return sorted(d for d in probes if not any(Period(d, d).overlaps(s, e) for s, e, _ in windows))


def run_scan(options: ScanOptions) -> ScanResult:
    """Scan a project folder (or a manifest file) and return findings with their inputs."""
    from compliance.manifest import find_manifest, load_manifest
    from compliance.nlp.judgements import judge
    from compliance.sources import SourceContext, load_sources

    if not options.path.exists():
        raise InputError(str(options.path), None, "path not found")
    root = options.path if options.path.is_dir() else options.path.parent
    sources = load_sources()
    ctx = SourceContext(options=options, root=root, facts=Facts(project=root.resolve().name))
    manifest_path = options.manifest
    if manifest_path is None:
        manifest_path = options.path if options.path.is_file() else find_manifest(options.path)
    if manifest_path is not None:
        ctx.manifest_path = _display(manifest_path, root)
        ctx.manifest = load_manifest(manifest_path, ctx.manifest_path)
        m = ctx.manifest.manifest
        ctx.inputs.append(InputRecord(ctx.manifest_path, "manifest", "read",
                                      items=len(m.artifacts) + len(m.providers) + len(m.datasets)))
    elif not any(getattr(source, "WORKS_WITHOUT_MANIFEST", False) for source in sources):
        raise InputError(str(options.path), None,
                         "no ai-usage.yaml found; give one with --manifest or write one with `tos-check init`")
    ctx.as_of = options.as_of or (ctx.manifest.manifest.as_of if ctx.manifest else None) or date.today()
    rules = load_rules(options.rules_dirs, root=root)
    for pack in rules.packs:
        ctx.inputs.append(InputRecord(pack.path, "rule-pack", "read", items=len(pack.rules)))
    ctx.extra["rules"] = rules
    for source in sources:
        source.gather(ctx)
    findings = evaluate(rules, ctx.facts, ctx.as_of, judge)
    findings += coverage_gaps(ctx.facts, rules, ctx.as_of)
    findings.sort(key=Finding.sort_key)
    return ScanResult(options, ctx.as_of, ctx.facts, rules, findings, ctx.inputs, ctx.manifest_path)


def summarize(result: ScanResult) -> dict[str, Any]:
    by_status = {status: 0 for status in STATUSES}
    by_severity = {severity: 0 for severity in SEVERITIES}
    for finding in result.findings:
        by_status[finding.status] += 1
        if finding.status in FAILING:
            by_severity[finding.severity] += 1
    return {
        "verdict": result.verdict,
        "fail_on": result.options.fail_on,
        "failing": len(result.failing()),
        "by_status": by_status,
        "by_severity": by_severity,
        "rules_evaluated": sum(len(p.rules) for p in result.rules.packs),
        "inputs_read": sum(1 for i in result.inputs if i.status == "read"),
        "inputs_skipped": sum(1 for i in result.inputs if i.status != "read"),
    }


def report_data(result: ScanResult) -> dict[str, Any]:
    """The report as plain data: the JSON format, and what every template renders."""
    from compliance.report.summaries import provenance_summary
    from compliance.sources.logs.facts import observations

    return {
        "report_version": REPORT_VERSION,
        "tool": {"name": "tos-check", "version": __version__},
        "scan": {
            "project": result.facts.project,
            "manifest": result.manifest_path,
            "as_of": result.as_of.isoformat(),
        },
        "summary": summarize(result),
        "findings": [f.to_json() for f in result.findings],
        "rule_packs": [
            {"id": p.document.id, "version": p.document.version, "path": p.path, "rules": len(p.rules)}
            for p in sorted(result.rules.packs, key=lambda p: (p.document.id, p.document.version))
        ],
        "inputs": {
            "read": [i.to_json() for i in result.inputs if i.status == "read"],
            "skipped": [i.to_json() for i in result.inputs if i.status != "read"],
        },
        "provenance": provenance_summary(result),
        **observations(result),
    }


__all__ = ["ScanOptions", "ScanResult", "run_scan", "report_data", "summarize", "FAIL_ON", "SEVERITY_RANK", "Evidence"]
