"""Evaluate compiled rules over facts and turn each binding into a finding."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from compliance.facts import Evidence, Fact, Facts, Period
from compliance.findings import Finding
from compliance.rules.conditions import Env, Judgement, Truth, iterate_bindings
from compliance.rules.loader import CompiledRule, RulePack, RuleSet

PLACEHOLDER = re.compile(r"\{\$?([a-z_][a-z0-9_]*)(?:\.([a-z_][a-z0-9_.]*))?\}")
JudgeFn = Callable[[str, Fact, dict[str, Any]], Judgement]


@dataclass
class Context:
    """Evaluation context for one rule: the date, the pack in force, judgement and rule lookups."""

    facts: Facts
    rules: RuleSet
    as_of: date
    judge_fn: JudgeFn
    pack: RulePack | None = None
    depth: int = 0
    cache: dict[tuple[str, str, str, str], Judgement] = field(default_factory=dict)

    def judge(self, name: str, subject: Fact, params: dict[str, Any]) -> Judgement:
        key = (name, repr(sorted(params.items())), subject.kind, subject.key)
        if key not in self.cache:
            self.cache[key] = self.judge_fn(name, subject, params)
        return self.cache[key]

    def in_force(self, fact: Fact) -> bool:
        """Dated packs see only their provider's facts whose period overlaps the document's window."""
        pack = self.pack
        if pack is None or not pack.document.scope.dated:
            return True
        if fact.provider is None or fact.provider != pack.document.provider:
            return True
        if fact.channel and fact.channel not in pack.document.scope.channels:
            return False
        period = fact.period or Period(self.as_of, self.as_of)
        return period.overlaps(pack.document.effective_from, pack.document.valid_until)

    def rule_truth(self, rule_id: str, env: Env) -> Truth:
        if self.depth > 8:
            return Truth.UNKNOWN
        best = Truth.FALSE
        for rule in self.rules.by_id.get(rule_id, []):
            sub = Context(self.facts, self.rules, self.as_of, self.judge_fn, rule.pack, self.depth + 1, self.cache)
            sub_env = Env(env.facts, dict(env.bindings), sub)
            for bound in iterate_bindings(rule.bindings, sub_env):
                truth = _verdict(rule, bound)[0]
                best = max(best, truth)
                if truth is Truth.TRUE:
                    env.trace.append(f"exception {rule_id} applies")
                    return best
        return best


def _verdict(rule: CompiledRule, env: Env) -> tuple[Truth, Truth]:
    """(truth of the rule, truth of its `unless`) for one binding."""
    required = rule.require.eval(env, None) if rule.require else Truth.TRUE
    exempt = Truth.FALSE
    if required is not Truth.FALSE and rule.unless is not None:
        exempt = rule.unless.eval(env, None)
    return min(required, exempt.negate()), exempt


def render_message(template: str, bindings: dict[str, Fact]) -> str:
    def sub(match: re.Match[str]) -> str:
        fact = bindings.get(match.group(1))
        if fact is None:
            return match.group(0)
        path = match.group(2)
        value = fact.get(path) if path else fact.key
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return "(none)" if value is None else str(value)

    return PLACEHOLDER.sub(sub, template)


def _evidence(env: Env) -> list[Evidence]:
    found: set[Evidence] = set()
    for fact in env.bindings.values():
        found.update(fact.evidence)
    for var, path in env.touched:
        fact = env.bindings.get(var) if var else None
        pinned = fact.evidence_for(path) if fact else None
        if pinned is not None:
            found.add(pinned)
    for judgement in env.judgements:
        found.update(judgement.evidence)
    return sorted(found, key=lambda e: (e.path, e.line, e.kind, e.snippet))


def _finding(rule: CompiledRule, env: Env, status: str, note: str) -> Finding:
    spec, doc = rule.spec, rule.pack.document
    template = spec.pass_message if status == "pass" and spec.pass_message else spec.message
    message = render_message(template, env.bindings)
    if note:
        message = f"{message} {note}"
    explanation = [f"{name} = {fact.kind}:{fact.key}" for name, fact in sorted(env.bindings.items())]
    explanation += env.trace
    for j in env.judgements:
        explanation.append(f"judgement {j.name}: score {j.score:.2f} ({'; '.join(j.reasons) or 'no cues'})")
    confidence = min((j.score if j.score >= 0.5 else 1 - j.score) for j in env.judgements) if env.judgements else None
    return Finding(
        rule_id=spec.id,
        status=status,
        severity=spec.severity if status in ("violation", "review") else "info",
        provider=doc.provider,
        clause_type=spec.clause,
        message=message,
        remediation=spec.remediation.strip(),
        document={
            "id": doc.id, "title": doc.title, "version": doc.version, "url": doc.url,
            "effective_from": doc.effective_from.isoformat() if doc.effective_from else None,
            "valid_until": doc.valid_until.isoformat() if doc.valid_until else None,
        },
        clause={"quote": " ".join(spec.quote.split()), "section": spec.section, "url": doc.url,
                "effective_date": doc.effective_from.isoformat() if doc.effective_from else None},
        evidence=_evidence(env),
        subjects={name: f"{fact.kind}:{fact.key}" for name, fact in env.bindings.items()},
        explanation=explanation,
        confidence=confidence,
    )


def evaluate_rule(rule: CompiledRule, ctx: Context) -> list[Finding]:
    """Findings for every binding of one rule; bindings that never form mean 'not applicable'."""
    ctx = Context(ctx.facts, ctx.rules, ctx.as_of, ctx.judge_fn, rule.pack, 0, ctx.cache)
    findings: list[Finding] = []
    for env in iterate_bindings(rule.bindings, Env(ctx.facts, {}, ctx)):
        truth, exempt = _verdict(rule, env)
        if rule.spec.kind == "permission":
            if truth is Truth.TRUE:
                findings.append(_finding(rule, env, "pass", ""))
            continue
        if truth is Truth.TRUE:
            status = rule.spec.outcome
        elif truth is Truth.UNKNOWN:
            status = "review"
        else:
            status = "pass"
        note = ""
        if status == "pass" and exempt is Truth.TRUE:
            note = "An exception in the same terms applies."
        elif status == "review" and exempt is Truth.UNKNOWN:
            note = "An exception may apply; a person must decide."
        elif status == "review":
            note = "The evidence is not conclusive; a person must decide."
        findings.append(_finding(rule, env, status, note))
    return findings


def evaluate(rules: RuleSet, facts: Facts, as_of: date, judge_fn: JudgeFn) -> list[Finding]:
    ctx = Context(facts, rules, as_of, judge_fn)
    findings: list[Finding] = []
    for rule in rules.rules():
        findings.extend(evaluate_rule(rule, ctx))
    return sorted(findings, key=Finding.sort_key)
