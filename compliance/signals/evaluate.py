"""From per-account state to signal values, clusters of coordinated accounts and risk scores.

Each signal is computed at its scope: the account (split by day, model or key when asked, the
highest group counting), the cluster, or the provider. Accounts that share prompt templates are
linked into clusters; every signal is then also computed over each cluster, so accounts that stay
under a threshold one by one still fire together.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from compliance.signals.accumulate import FUZZY_CUTOFF, AccountState, Sample, TemplateTable, evidence_snippet
from compliance.signals.compiled import Signal, SignalSet
from compliance.signals.features import blocks
from compliance.signals.spec import Link

EVIDENCE_PER_SIGNAL = 2
EVIDENCE_MAX = 8
MAX_ACCOUNTS_PER_TEMPLATE = 200  # entries per block compared across accounts


@dataclass(frozen=True)
class SignalResult:
    id: str
    value: float
    threshold: float
    fired: bool
    support: int
    scope: str

    def to_json(self) -> dict[str, Any]:
        return {"value": round(self.value, 4), "threshold": self.threshold, "fired": self.fired,
                "support": self.support, "scope": self.scope}


@dataclass
class AccountResult:
    state: AccountState
    signals: dict[str, SignalResult]
    cluster: str | None = None
    score: float = 0.0
    purposes: list[str] = field(default_factory=list)
    evidence: list[tuple[str | None, Sample]] = field(default_factory=list)

    @property
    def fired(self) -> list[str]:
        return [name for name, result in self.signals.items() if result.fired]


@dataclass
class Cluster:
    id: str
    provider: str
    accounts: list[str]
    shared_templates: int


def _sum_by(states: list[Any], get: Any) -> dict[Any, int]:
    out: dict[Any, int] = {}
    for state in states:
        for key, count in get(state).items():
            out[key] = out.get(key, 0) + count
    return out


def measure(signal: Signal, states: list[AccountState]) -> tuple[float, int]:
    """(value, support) of one signal over the records of some accounts taken together."""
    agg = signal.spec.aggregate
    index = signal.index
    sigs = [s.signals[index] for s in states if index in s.signals]
    total = sum(s.records for s in states)
    matched = sum(s.matched for s in sigs)
    if agg.metric in ("count", "share") and agg.sub_dims:
        totals = _sum_by(states, lambda s: s.sub_totals.get(agg.sub_dims, {}))
        hits = _sum_by(sigs, lambda s: s.by_sub)
        best: tuple[float, int] = (0.0, 0)
        best_supported: tuple[float, int] | None = None
        for key, support in totals.items():
            hit = hits.get(key, 0)
            value = float(hit) if agg.metric == "count" else hit / support
            if (value, support) > best:
                best = (value, support)
            if support >= agg.min_records and (best_supported is None or (value, support) > best_supported):
                best_supported = (value, support)
        return best_supported or best
    if agg.metric == "count":
        return float(matched), total
    if agg.metric == "share":
        return (matched / total if total else 0.0), total
    if agg.metric == "rate_per_day":
        days = {d for s in states for d in s.days if d is not None}
        return matched / max(len(days), 1), total
    if agg.metric == "distinct":
        values: set[Any] = set()
        for s in sigs:
            values |= s.distinct
        return float(len(values)), total
    tables = [s.templates for s in sigs if s.templates is not None]
    if len(tables) == 1:
        dup = tables[0].near_duplicates()
    else:
        merged = TemplateTable()
        for table in tables:
            merged.merge(table)
        dup = merged.near_duplicates()
    return (dup / total if total else 0.0), total


def result(signal: Signal, states: list[AccountState], scope: str) -> SignalResult:
    value, support = measure(signal, states)
    spec = signal.spec
    fired = support >= spec.aggregate.min_records and value >= spec.threshold
    return SignalResult(spec.id, value, spec.threshold, fired, support, scope)


def _shared_templates(accounts: dict[tuple[str, str], AccountState], index: int) -> tuple[
        dict[tuple[str, str], int], dict[tuple[tuple[str, str], tuple[str, str]], int]]:
    """Per account, its number of templates; per pair of accounts, the templates they share
    (same key, or rapidfuzz ratio ≥ FUZZY_CUTOFF between templates sharing a block)."""
    from rapidfuzz import fuzz

    sizes: dict[tuple[str, str], int] = {}
    by_block: dict[tuple[str, str], list[tuple[tuple[str, str], str]]] = {}
    for key in sorted(accounts):
        sig = accounts[key].signals.get(index)
        if sig is None or sig.templates is None or not sig.templates.counts:
            continue
        sizes[key] = len(sig.templates.counts)
        for rep in sig.templates.counts:
            for block in blocks(rep):
                entries = by_block.setdefault((key[0], block), [])
                if len(entries) < MAX_ACCOUNTS_PER_TEMPLATE:
                    entries.append((key, rep))
    left: dict[tuple[tuple[str, str], tuple[str, str]], set[str]] = {}
    right: dict[tuple[tuple[str, str], tuple[str, str]], set[str]] = {}
    for entries in by_block.values():
        for i, (a, ra) in enumerate(entries):
            for b, rb in entries[i + 1:]:
                if a == b:
                    continue
                pair, (ka2, kb2) = ((a, b), (ra, rb)) if a < b else ((b, a), (rb, ra))
                if ra == rb or fuzz.ratio(ra, rb, score_cutoff=FUZZY_CUTOFF):
                    left.setdefault(pair, set()).add(ka2)
                    right.setdefault(pair, set()).add(kb2)
    return sizes, {pair: min(len(keys), len(right[pair])) for pair, keys in left.items()}


def clusters(accounts: dict[tuple[str, str], AccountState], index: int, link: Link) -> list[Cluster]:
    """Accounts linked by shared prompt templates (of the linking signal's records)."""
    sizes, shared = _shared_templates(accounts, index)
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    links: dict[tuple[str, str], int] = {}
    for (a, b), count in sorted(shared.items()):
        if count >= link.min_shared and count / min(sizes[a], sizes[b]) >= link.min_overlap:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
            links[a] = max(links.get(a, 0), count)
            links[b] = max(links.get(b, 0), count)
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for key in sorted(links):
        groups.setdefault(find(key), []).append(key)
    out = []
    for members in groups.values():
        provider = members[0][0]
        names = sorted(m[1] for m in members)
        digest = hashlib.blake2b("\n".join([provider, *names]).encode(), digest_size=4).hexdigest()
        out.append(Cluster(f"cluster-{digest}", provider, names, max(links[m] for m in members)))
    return sorted(out, key=lambda c: c.id)


def strength(r: SignalResult, min_records: int) -> float:
    """0..1: 0.6 at the threshold, 1 at twice the threshold; below it, weaker and discounted
    for groups smaller than min_records."""
    if r.threshold <= 0:
        return 1.0 if r.fired else 0.0
    ratio = r.value / r.threshold
    if r.support < min_records:
        ratio *= r.support / min_records
    if ratio >= 1 and r.fired:
        return min(1.0, 0.6 + 0.4 * (ratio - 1))
    return 0.6 * min(ratio, 0.99) ** 2


def score(signals: SignalSet, results: dict[str, SignalResult]) -> float:
    """Noisy-OR of the positive signals, damped by the negative (benign) ones."""
    keep = 1.0
    damp = 1.0
    for signal in signals.signals:
        r = results[signal.id]
        w = signal.spec.weight
        s = strength(r, signal.spec.aggregate.min_records)
        if w > 0:
            keep *= 1 - w * s
        elif w < 0:
            damp *= 1 + w * s
    return round((1 - keep) * damp, 3)


def evaluate(accounts: dict[tuple[str, str], AccountState], signals: SignalSet) -> tuple[list[AccountResult], list[Cluster]]:
    """Signal results, clusters and scores for every account, ranked by risk (highest first)."""
    found: list[Cluster] = []
    linking = signals.link
    if linking is not None:
        found = clusters(accounts, *linking)
    member_of = {(c.provider, name): c for c in found for name in c.accounts}
    by_provider: dict[str, list[AccountState]] = {}
    for key in sorted(accounts):
        by_provider.setdefault(key[0], []).append(accounts[key])
    provider_results = {
        (provider, s.id): result(s, states, "provider")
        for provider, states in by_provider.items() for s in signals.signals if s.spec.aggregate.scope == "provider"}
    cluster_results: dict[tuple[str, str], SignalResult] = {}
    for c in found:
        members = [accounts[(c.provider, name)] for name in c.accounts]
        for s in signals.signals:
            cluster_results[(c.id, s.id)] = result(s, members, "cluster")
    out: list[AccountResult] = []
    for key in sorted(accounts):
        state = accounts[key]
        cluster = member_of.get(key)
        chosen: dict[str, SignalResult] = {}
        for s in signals.signals:
            scope = s.spec.aggregate.scope
            if scope == "provider":
                chosen[s.id] = provider_results[(key[0], s.id)]
                continue
            own = result(s, [state], "account")
            if cluster is not None:
                joint = cluster_results[(cluster.id, s.id)]
                if scope == "cluster" or (joint.fired and not own.fired):
                    own = joint
            chosen[s.id] = own
        acc = AccountResult(state, chosen, cluster.id if cluster else None, score(signals, chosen))
        acc.purposes = sorted({s.spec.purpose for s in signals.signals if chosen[s.id].fired and s.spec.purpose})
        acc.evidence = _evidence(state, signals, chosen)
        out.append(acc)
    out.sort(key=lambda a: (-a.score, -a.state.records, a.state.provider, a.state.account))
    return out, found


def _evidence(state: AccountState, signals: SignalSet, chosen: dict[str, SignalResult]) -> list[tuple[str | None, Sample]]:
    picked: list[tuple[str | None, Sample]] = []
    seen: set[tuple[str, int]] = set()
    for s in signals.signals:
        if not chosen[s.id].fired or s.spec.weight <= 0 or s.index not in state.signals:
            continue
        for sample in state.signals[s.index].samples[:EVIDENCE_PER_SIGNAL]:
            if (sample[0], sample[1]) not in seen and len(picked) < EVIDENCE_MAX:
                seen.add((sample[0], sample[1]))
                picked.append((s.id, sample))
    if not picked:
        picked = [(None, sample) for sample in state.samples[:EVIDENCE_PER_SIGNAL]]
    return [(signal, (path, line, evidence_snippet(head))) for signal, (path, line, head) in picked]
