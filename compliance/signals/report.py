"""The audit report: accounts ranked by risk, with their signals and evidence (JSON, text, Markdown).

Everything shown passes through `compliance.redact`: account names that look like e-mails or
keys are replaced by a stable pseudonym, snippets are redacted when sampled. No timing or
machine-dependent value is written, so the same logs give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable

from compliance import __version__
from compliance.redact import redact
from compliance.signals.evaluate import AccountResult
from compliance.signals.runner import Analysis

MALFORMED_LISTED = 200
FLAG_SCORE = 0.5


def display_account(name: str) -> str:
    """The account as shown: itself, or a pseudonym when it holds an e-mail or a secret."""
    if redact(name) == name:
        return name
    return "redacted:" + hashlib.blake2b(name.encode("utf-8", "replace"), digest_size=6).hexdigest()


def period_json(acc: AccountResult) -> dict[str, str] | None:
    st = acc.state
    if st.first is None or st.last is None:
        return None
    return {"from": st.first.date().isoformat(), "to": st.last.date().isoformat()}


def inputs_json(analysis: Analysis, show: Callable[[str], str] = str) -> dict[str, Any]:
    stats = analysis.stats
    malformed = [(p, line, reason) for p, line, reason in stats.skipped if reason != "blank line"]
    blank = len(stats.skipped) - len(malformed)
    names = ["<stdin>" if p == "-" else p for p in analysis.files]
    return {
        "files": [{"path": show(p), "format": stats.formats[p], "records": analysis.file_records.get(p, 0)}
                  for p in names if p in stats.formats],
        "lines_read": stats.lines,
        "records": stats.records,
        "skipped_lines": blank + sum(stats.ignored.values()),
        "malformed_lines": len(malformed),
        "ignored": dict(sorted(stats.ignored.items())),
        "unmatched_requests": len(stats.unmatched),
        "malformed": [{"path": show(p), "line": line, "reason": reason} for p, line, reason in malformed[:MALFORMED_LISTED]],
        "malformed_not_listed": max(0, len(malformed) - MALFORMED_LISTED),
        "unreadable": [{"path": show(p), "reason": reason} for p, reason in stats.unreadable],
    }


def account_json(rank: int, acc: AccountResult, show: Callable[[str], str] = str) -> dict[str, Any]:
    st = acc.state
    return {
        "rank": rank,
        "account": display_account(st.account),
        "provider": st.provider,
        "score": acc.score,
        "records": st.records,
        "errors": st.errors,
        "period": period_json(acc),
        "models": sorted(st.models),
        "cluster": acc.cluster,
        "purposes": acc.purposes,
        "signals": [{"name": name, **r.to_json()} for name, r in sorted(acc.signals.items(), key=lambda kv: (not kv[1].fired, kv[0]))],
        "evidence": [{"path": show(p), "line": line, "signal": sig, "snippet": text} for sig, (p, line, text) in acc.evidence],
    }


def audit_data(analysis: Analysis, top: int = 25) -> dict[str, Any]:
    ranked = analysis.accounts
    shown = ranked if top <= 0 else ranked[:top]
    by_key = {(a.state.provider, a.state.account): a for a in ranked}
    clusters = []
    for c in analysis.clusters:
        members = [by_key[(c.provider, name)] for name in c.accounts]
        clusters.append({"id": c.id, "provider": c.provider, "accounts": sorted(display_account(n) for n in c.accounts),
                         "records": sum(m.state.records for m in members), "score": max(m.score for m in members),
                         "shared_templates": c.shared_templates})
    return {
        "tool": {"name": "tos-check", "version": __version__},
        "summary": {"accounts": len(ranked), "flagged": sum(1 for a in ranked if a.score >= FLAG_SCORE),
                    "clusters": len(clusters), "shown": len(shown), "flag_score": FLAG_SCORE},
        "signals": [{"name": s.id, "title": s.spec.title, "metric": s.spec.aggregate.metric, "group_by": s.spec.aggregate.group_by,
                     "threshold": s.spec.threshold, "weight": s.spec.weight, "pack": s.source.pack}
                    for s in analysis.signals.signals],
        "inputs": inputs_json(analysis),
        "accounts": [account_json(i + 1, a) for i, a in enumerate(shown)],
        "clusters": sorted(clusters, key=lambda c: (-c["score"], c["id"])),
    }


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 or float(value).is_integer() else f"{value:.2f}"


def render_text(data: dict[str, Any]) -> str:
    s, inp = data["summary"], data["inputs"]
    lines = [f"tos-check audit: {s['accounts']} accounts, {s['flagged']} flagged (score ≥ {s['flag_score']}), "
             f"{s['clusters']} clusters",
             f"read {inp['records']:,} records from {len(inp['files'])} files ({inp['lines_read']:,} lines; "
             f"{inp['skipped_lines']:,} skipped, {inp['malformed_lines']:,} malformed, {len(inp['unreadable'])} unreadable)", ""]
    for a in data["accounts"]:
        fired = [f"{g['name']} {_fmt(g['value'])} ≥ {_fmt(g['threshold'])}" + (" (cluster)" if g["scope"] == "cluster" else "")
                 for g in a["signals"] if g["fired"]]
        lines.append(f"{a['rank']:>3}. {a['provider']} / {a['account']}   score {a['score']:.3f}   records {a['records']:,}"
                     + (f"   cluster {a['cluster']}" if a["cluster"] else ""))
        if fired:
            lines.append("     signals: " + "; ".join(fired))
        if a["purposes"]:
            lines.append("     looks like: " + ", ".join(a["purposes"]))
        for e in a["evidence"][:3]:
            tag = f" [{e['signal']}]" if e["signal"] else ""
            lines.append(f"     {e['path']}:{e['line']}{tag} {e['snippet']}")
    for c in data["clusters"]:
        lines.append(f"cluster {c['id']} ({c['provider']}): {len(c['accounts'])} accounts, {c['records']:,} records, "
                     f"{c['shared_templates']} shared templates: {', '.join(c['accounts'])}")
    for u in inp["unreadable"]:
        lines.append(f"unreadable: {u['path']}: {u['reason']}")
    for m in inp["malformed"][:20]:
        lines.append(f"malformed: {m['path']}:{m['line']}: {m['reason']}")
    return "\n".join(lines).rstrip() + "\n"


def _md(text: Any) -> str:
    out = str(text).replace("\\", "\\\\")
    for char in "`*_[]<>|#":
        out = out.replace(char, "\\" + char)
    return " ".join(out.split())


def render_markdown(data: dict[str, Any]) -> str:
    s, inp = data["summary"], data["inputs"]
    lines = ["# tos-check audit", "",
             f"{s['accounts']} accounts, **{s['flagged']} flagged** (score ≥ {s['flag_score']}), {s['clusters']} clusters. "
             f"Read {inp['records']:,} records from {len(inp['files'])} files; {inp['malformed_lines']:,} malformed lines, "
             f"{len(inp['unreadable'])} unreadable inputs.", "",
             "| # | provider | account | score | records | cluster | signals fired |", "|---|---|---|---|---|---|---|"]
    for a in data["accounts"]:
        fired = ", ".join(_md(g["name"]) for g in a["signals"] if g["fired"]) or "none"
        lines.append(f"| {a['rank']} | {_md(a['provider'])} | {_md(a['account'])} | {a['score']:.3f} | {a['records']:,} | "
                     f"{_md(a['cluster'] or '')} | {fired} |")
    for a in data["accounts"]:
        if not a["evidence"] or a["score"] < s["flag_score"]:
            continue
        lines += ["", f"## {a['rank']}. {_md(a['provider'])} / {_md(a['account'])}", ""]
        for g in a["signals"]:
            if g["fired"]:
                lines.append(f"- {_md(g['name'])}: {_fmt(g['value'])} (threshold {_fmt(g['threshold'])}, {g['scope']})")
        for e in a["evidence"]:
            lines.append(f"- {_md(e['path'])}:{e['line']} {_md(e['snippet'])}")
    if inp["unreadable"] or inp["malformed"]:
        lines += ["", "## Input problems", ""]
        lines += [f"- unreadable {_md(u['path'])}: {_md(u['reason'])}" for u in inp["unreadable"]]
        lines += [f"- malformed {_md(m['path'])}:{m['line']}: {_md(m['reason'])}" for m in inp["malformed"][:50]]
    return "\n".join(lines) + "\n"


def render(data: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return render_markdown(data)
    return render_text(data)
