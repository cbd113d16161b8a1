"""`rules test`: run every rule's example manifests and compare with what they expect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from compliance.errors import InputError
from compliance.manifest import parse_manifest
from compliance.rules.evaluator import Context, evaluate_rule
from compliance.rules.loader import CompiledRule, RuleSet


@dataclass(frozen=True)
class ExampleResult:
    rule_id: str
    pack: str
    example: str
    expected: str
    got: str
    ok: bool
    detail: str = ""


def outcome(statuses: list[str]) -> str:
    """One word for what a rule said about a manifest: the strongest status, or not-applicable."""
    for status in ("violation", "review", "pass"):
        if status in statuses:
            return status
    return "not-applicable"


def run_example(rule: CompiledRule, rules: RuleSet, index: int) -> ExampleResult:
    from compliance.nlp.judgements import judge
    from compliance.sources.manifest_facts import facts_from_manifest

    example = rule.spec.examples[index]
    raw_examples = rule.pack.raw["rules"][[r.id for r in rule.pack.rules].index(rule.id)]["examples"]
    raw_manifest = raw_examples[index]["manifest"]
    doc = rule.pack.document
    as_of = example.as_of or doc.effective_from or date.today()
    try:
        loaded = parse_manifest(raw_manifest, rule.pack.path)
    except InputError as exc:
        return ExampleResult(rule.id, rule.pack.path, example.name, example.expect, "error", False, str(exc))
    facts = facts_from_manifest(loaded)
    if example.logs:
        from compliance.signals.compiled import SignalSet
        from compliance.sources.logs.facts import add_facts_from_items

        raw_logs = raw_examples[index]["logs"]
        lines = [raw_logs.line_of(i) if hasattr(raw_logs, "line_of") else 1 for i in range(len(raw_logs))]
        add_facts_from_items(facts, list(raw_logs), rule.pack.path, lines, SignalSet.from_rules(rules))
    ctx = Context(facts, rules, as_of, judge)
    findings = evaluate_rule(rule, ctx)
    got = outcome([f.status for f in findings])
    detail = "; ".join(f"{f.status}: {f.message}" for f in findings)
    return ExampleResult(rule.id, rule.pack.path, example.name, example.expect, got, got == example.expect, detail)


def run_rule_tests(rules: RuleSet) -> list[ExampleResult]:
    results: list[ExampleResult] = []
    for rule in rules.rules():
        for index in range(len(rule.spec.examples)):
            results.append(run_example(rule, rules, index))
    return results
