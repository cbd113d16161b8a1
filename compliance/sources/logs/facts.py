"""Fact source: API logs (`--logs`, manifest `logs:`) -> accounts, observed uses, log evidence.

The logs are streamed once (compliance/signals/runner.py). What they show becomes facts the rule
packs already understand:

* `accounts`: one per (provider, account) with volumes, period, models, `signals.<id>`
  ({value, threshold, fired, support, scope}), `observed_purposes`, `cluster`, and what the
  manifest declares for that account (`declared_purposes`), so rules can compare the two;
* `provider_uses`: an observed use (evidence kind `observed`) for traffic the manifest does not
  declare, or declares with other purposes, so that existing rules fire on it as on a declared one;
* flows: a manifest flow whose outputs the logs show being generated (same provider and model
  within the flow's period, or a dataset whose path is a log file read) gets log evidence.

Every file read, malformed line and unreadable input goes to `ctx.inputs`. An unreadable log
input stops the scan with exit code 2 (docs/signals.md): a scan must not pass on logs it could
not read.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compliance.errors import InputError
from compliance.facts import Evidence, Fact, Facts, Period
from compliance.signals.accumulate import UNKNOWN
from compliance.signals.report import display_account

if TYPE_CHECKING:
    from compliance.engine import ScanResult
    from compliance.signals.evaluate import AccountResult
    from compliance.signals.runner import Analysis
    from compliance.sources import SourceContext

NAME = "logs"
WORKS_WITHOUT_MANIFEST = False
GENERATING = ("data-generation", "distillation")
MALFORMED_LISTED = 200
EVIDENCE_PER_FACT = 3


def log_paths(ctx: "SourceContext") -> list[str]:
    """`--logs` as given, then the manifest's `logs:` globs relative to the manifest."""
    paths = list(ctx.options.logs)
    manifest = ctx.manifest
    if manifest is not None and manifest.manifest.logs:
        shown = Path(manifest.path)
        base = (ctx.root / shown).parent if not shown.is_absolute() else shown.parent
        if not base.is_dir():
            base = shown.parent
        paths += [os.path.normpath(str(base / entry)) for entry in manifest.manifest.logs]
    return paths


class _Shower:
    """Paths as reports show them: relative to the scanned folder when inside it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def __call__(self, path: str) -> str:
        if path in ("-", "<stdin>"):
            return "<stdin>"
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).as_posix()


def gather(ctx: "SourceContext") -> None:
    paths = log_paths(ctx)
    if not paths:
        return
    from compliance.signals.compiled import SignalSet, load_signals
    from compliance.signals.runner import analyse

    rules = ctx.extra.get("rules")  # the engine's rule set: its signal packs are already parsed
    signals = SignalSet.from_rules(rules) if rules is not None else load_signals(list(ctx.options.rules_dirs), root=ctx.root)
    try:
        analysis = analyse(paths, signals, ctx.options.log_format)
    except ValueError as exc:
        raise InputError(None, None, f"--log-format: {exc}") from None
    show = _Shower(ctx.root)
    record_inputs(ctx, analysis, show)
    if analysis.stats.unreadable:
        path, reason = analysis.stats.unreadable[0]
        more = f" (and {len(analysis.stats.unreadable) - 1} more)" if len(analysis.stats.unreadable) > 1 else ""
        raise InputError(show(path), None, f"log input could not be read: {reason}{more}")
    add_log_facts(ctx.facts, analysis, show)


def record_inputs(ctx: "SourceContext", analysis: "Analysis", show: Any) -> None:
    from compliance.engine import InputRecord

    stats = analysis.stats
    for path in analysis.files:
        name = "<stdin>" if path == "-" else path
        if name in stats.formats:
            reason = f"format {stats.formats[name]}"
            ctx.inputs.append(InputRecord(show(path), "log", "read", reason, analysis.file_records.get(name, 0)))
    malformed = [(p, line, why) for p, line, why in stats.skipped if why != "blank line"]
    for path, line, why in malformed[:MALFORMED_LISTED]:
        ctx.inputs.append(InputRecord(f"{show(path)}:{line}", "log-line", "skipped", why))
    if len(malformed) > MALFORMED_LISTED:
        ctx.inputs.append(InputRecord(show(malformed[MALFORMED_LISTED][0]), "log-line", "skipped",
                                      f"{len(malformed) - MALFORMED_LISTED} more malformed lines not listed"))
    for path, why in stats.unreadable:
        ctx.inputs.append(InputRecord(show(path), "log", "error", why))


def _evidence(acc: "AccountResult", show: Any, limit: int = EVIDENCE_PER_FACT) -> list[Evidence]:
    out = []
    for signal, (path, line, text) in acc.evidence[:limit]:
        note = f"signal {signal}" if signal else "sample record"
        out.append(Evidence(show(path), line, text, "observed", 1.0, note))
    return out


def _covers(use: Fact, provider: str, accounts: set[str]) -> bool:
    """A declared use covers these accounts of a provider: it lists them, lists none, or the logs
    do not say which account called (OpenAI batch files, for one), so only the provider can match."""
    if use.data.get("observed") or use.provider != provider:
        return False
    listed = set(use.data.get("accounts") or [])
    return not listed or accounts <= listed | {UNKNOWN}


def _declared(facts: Facts, provider: str, account: str) -> list[Fact]:
    return [u for u in facts.of("provider_uses") if _covers(u, provider, {account})]


def _account_fact(acc: "AccountResult", facts: Facts, show: Any) -> Fact:
    st = acc.state
    name = display_account(st.account)
    period = Period(st.first.date(), st.last.date()) if st.first and st.last else None
    declared = _declared(facts, st.provider, st.account)
    declared_purposes = sorted({p for u in declared for p in u.data.get("purposes", [])})
    span = f"{period.start.isoformat()} to {period.end.isoformat()}" if period else "undated"
    data = {
        "id": f"{st.provider}:{name}", "provider": st.provider, "account": name, "records": st.records,
        "errors": st.errors, "usage_in": st.usage_in, "usage_out": st.usage_out, "api_keys": len(st.keys),
        "period": period.to_json() if period else None, "period_text": span, "active_days": len([d for d in st.days if d]),
        "days": [{"date": d.isoformat(), "records": n} for d, n in sorted((d, n) for d, n in st.days.items() if d is not None)],
        "models": sorted(st.models), "signals": {k: r.to_json() for k, r in acc.signals.items()},
        "signals_fired": acc.fired, "observed_purposes": acc.purposes, "cluster": acc.cluster, "score": acc.score,
        "declared": bool(declared), "declared_uses": [u.key for u in declared], "declared_purposes": declared_purposes,
        "declared_text": (f"purposes {', '.join(declared_purposes) or 'none'} for this account (use {', '.join(u.key for u in declared)})"
                          if declared else f"no {st.provider} use for this account"),
    }
    fields: dict[str, Evidence] = {}
    evidence = _evidence(acc, show)
    for use in declared[:1]:
        anchor = use.field_evidence.get("purposes") or (use.evidence[0] if use.evidence else None)
        if anchor is not None:
            fields["declared_purposes"] = fields["declared_text"] = fields["declared"] = anchor
            evidence.append(anchor)  # the declaration this traffic is compared with
    return Fact("accounts", data["id"], data, evidence, fields, period=period, provider=st.provider, channel="api")


def _observed_uses(results: list["AccountResult"], facts: Facts, show: Any) -> list[Fact]:
    """Observed provider uses: per cluster or lone account, unless a declared use covers it."""
    groups: dict[tuple[str, str], list["AccountResult"]] = {}
    for acc in results:
        groups.setdefault((acc.state.provider, acc.cluster or acc.state.account), []).append(acc)
    out = []
    for (provider, group), members in sorted(groups.items()):
        purposes = sorted({p for m in members for p in m.purposes})
        names = sorted(m.state.account for m in members)
        covering = [u for u in facts.of("provider_uses") if _covers(u, provider, set(names))]
        if covering and set(purposes) <= {p for u in covering for p in u.data.get("purposes", [])}:
            continue
        firsts = [m.state.first for m in members if m.state.first]
        lasts = [m.state.last for m in members if m.state.last]
        period = Period(min(firsts).date(), max(lasts).date()) if firsts and lasts else None
        shown_names = [display_account(n) for n in names]
        data = {
            "id": f"observed:{provider}:{display_account(group)}", "provider": provider,
            "models": sorted({model for m in members for model in m.state.models}), "families": [],
            "purposes": purposes, "channel": "api", "accounts": shown_names, "account_count": len(names),
            "requests": sum(m.state.records for m in members), "observed": True,
        }
        evidence = [e for m in members[:EVIDENCE_PER_FACT] for e in _evidence(m, show, 1)]
        out.append(Fact("provider_uses", data["id"], data, evidence, {}, period=period, provider=provider, channel="api"))
    return out


def _same_model(flow_model: str | None, flow_family: str | None, models: dict[str, int]) -> bool:
    if not flow_model and not flow_family:
        return True
    if flow_model and flow_model in models:
        return True
    if flow_family:
        from compliance.catalog import resolve_model

        return any(resolve_model(m).family == flow_family for m in models if m != "(unknown)")
    return False


def _cite_flows(facts: Facts, results: list["AccountResult"], files: list[str], show: Any) -> None:
    """Log evidence on manifest flows whose generation the logs show."""
    read = {os.path.normpath(show(p)) for p in files}
    paths = {d.key: d.data.get("path") for d in facts.of("datasets")}
    for flow in facts.of("flows"):
        dataset_path = paths.get(flow.data.get("dataset"))
        logged = os.path.normpath(dataset_path) if dataset_path else None
        cited: list[Evidence] = []
        for acc in results:
            st = acc.state
            if st.provider != flow.provider:
                continue
            period = flow.period
            overlaps = period is None or st.first is None or Period(st.first.date(), st.last.date()).overlaps(period.start, period.end)
            generating = bool(set(acc.purposes) & set(GENERATING))
            if (generating and overlaps and _same_model(flow.data.get("model"), flow.data.get("family"), st.models)) or (
                    logged in read and any(os.path.normpath(show(p)) == logged for p, _, _ in st.samples)):
                note = (f"observed: {st.records} {st.provider} records of {display_account(st.account)}"
                        f" ({', '.join(acc.fired) or 'no signal fired'})")
                cited += [Evidence(e.path, e.line, e.snippet, "observed", 1.0, note) for e in _evidence(acc, show, 2)]
        if cited:
            flow.evidence.extend(cited[:EVIDENCE_PER_FACT * 2])
            flow.data["observed_in_logs"] = True


def add_log_facts(facts: Facts, analysis: "Analysis", show: Any = str) -> None:
    """Accounts, observed provider uses and flow evidence from an analysis."""
    results = analysis.accounts
    for acc in results:
        facts.add(_account_fact(acc, facts, show))
    for fact in _observed_uses(results, facts, show):
        facts.add(fact)
    _cite_flows(facts, results, analysis.files, show)


def observations(result: "ScanResult") -> dict[str, Any]:
    """The report's `observations` section (volume per provider, account and day), or nothing."""
    accounts = result.facts.of("accounts")
    if not accounts:
        return {}
    series = [{"provider": f.data["provider"], "account": f.data["account"], "days": list(f.data["days"])}
              for f in sorted(accounts, key=lambda f: (f.data["provider"], f.data["account"]))]
    return {"observations": {"series": series}}


def add_facts_from_items(facts: Facts, items: list[dict], path: str, lines: list[int], signals: Any) -> None:
    """Log facts from records given inline (rule examples): each item is one log line of any format."""
    from compliance.signals.collect import Accumulator
    from compliance.signals.evaluate import evaluate
    from compliance.signals.runner import Analysis
    from compliance.sources.logs import LogRecord, SourceRef
    from compliance.sources.logs.readers import detect_reader

    acc = Accumulator(signals)
    for item, line in zip(items, lines):
        obj = json.loads(json.dumps(item, default=str))  # plain dicts, as a log line would decode to
        reader = detect_reader(obj)
        parsed = reader.parse(obj, SourceRef(path, line)) if reader is not None else None
        record = getattr(parsed, "record", parsed)
        if not isinstance(record, LogRecord):
            raise InputError(path, line, "example log record has no recognised shape (see docs/log-formats.md)")
        acc.add(record)
    ranked, found = evaluate(acc.accounts, signals)
    add_log_facts(facts, Analysis(ranked, found, acc.stats, acc.file_records, signals, files=[path]))
