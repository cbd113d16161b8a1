"""The condition language: a small declarative tree evaluated in three-valued logic.

A rule binds names to facts (`for`), then tests them (`require`, `unless`). Results are TRUE,
FALSE or UNKNOWN; UNKNOWN (a judgement below its confidence threshold, a missing value a rule
marks as unknowable) becomes a `review` finding rather than a silent pass or a false alarm.
Adding an operator adds one entry to OPERATORS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum
from typing import Any, Callable, Iterator, Protocol

from rapidfuzz import fuzz, utils

from compliance.facts import Evidence, Fact, Facts, Period


class Truth(IntEnum):
    FALSE = 0
    UNKNOWN = 1
    TRUE = 2

    def negate(self) -> "Truth":
        return Truth(2 - self.value)


@dataclass(frozen=True)
class Judgement:
    """A judgement the facts alone cannot make (does this artifact compete?), with its confidence."""

    name: str
    score: float
    reasons: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()


@dataclass
class Env:
    """What one evaluation sees: the bound facts and what the tests touched (for evidence)."""

    facts: Facts
    bindings: dict[str, Fact]
    context: "EvalContext"
    touched: list[tuple[str, str]] = field(default_factory=list)
    judgements: list[Judgement] = field(default_factory=list)
    trace: list[str] = field(default_factory=list)

    def child(self, name: str, fact: Fact) -> "Env":
        return Env(self.facts, {**self.bindings, name: fact}, self.context, list(self.touched),
                   list(self.judgements), list(self.trace))


class EvalContext(Protocol):
    as_of: date

    def judge(self, name: str, subject: Fact, params: dict[str, Any]) -> Judgement: ...

    def rule_truth(self, rule_id: str, env: Env) -> Truth: ...

    def in_force(self, fact: Fact) -> bool: ...


class Cond:
    """A node of the condition tree."""

    line: int = 0

    def eval(self, env: Env, subject: Fact | None) -> Truth:
        raise NotImplementedError  # abstract: every subclass defines it

    def describe(self) -> str:
        raise NotImplementedError  # abstract: every subclass defines it


@dataclass
class All(Cond):
    items: list[Cond]
    line: int = 0

    def eval(self, env: Env, subject: Fact | None) -> Truth:
        result = Truth.TRUE
        for item in self.items:
            result = min(result, item.eval(env, subject))
            if result is Truth.FALSE:
                break
        return result

    def describe(self) -> str:
        return "all of (" + "; ".join(i.describe() for i in self.items) + ")"


@dataclass
class Any_(Cond):
    items: list[Cond]
    line: int = 0

    def eval(self, env: Env, subject: Fact | None) -> Truth:
        result = Truth.FALSE
        for item in self.items:
            result = max(result, item.eval(env, subject))
            if result is Truth.TRUE:
                break
        return result

    def describe(self) -> str:
        return "any of (" + "; ".join(i.describe() for i in self.items) + ")"


@dataclass
class Not(Cond):
    item: Cond
    line: int = 0

    def eval(self, env: Env, subject: Fact | None) -> Truth:
        return self.item.eval(env, subject).negate()

    def describe(self) -> str:
        return f"not ({self.item.describe()})"


# ---------------------------------------------------------------- operators on values

def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _equals(value: Any, arg: Any) -> bool:
    return any(_fold(v) == _fold(arg) for v in _as_list(value)) if isinstance(value, list) else _fold(value) == _fold(arg)


def _in(value: Any, arg: Any) -> bool:
    options = {_fold(a) for a in _as_list(arg)}
    return any(_fold(v) in options for v in _as_list(value))


def _contains(value: Any, arg: Any) -> bool:
    if isinstance(value, str):
        return any(str(a).casefold() in value.casefold() for a in _as_list(arg))
    folded = {_fold(v) for v in _as_list(value)}
    return any(_fold(a) in folded for a in _as_list(arg))


def _startswith(value: Any, arg: Any) -> bool:
    return isinstance(value, str) and any(value.casefold().startswith(str(a).casefold()) for a in _as_list(arg))


def _matches(value: Any, arg: Any) -> bool:
    return any(isinstance(v, str) and arg.search(v) is not None for v in _as_list(value))


def _fuzzy(value: Any, arg: Any) -> bool:
    target, at_least = arg
    return any(
        isinstance(v, str) and fuzz.ratio(v, target, processor=utils.default_process) >= at_least
        for v in _as_list(value)
    )


def _compare(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def run(value: Any, arg: Any) -> bool:
        if isinstance(value, bool) or isinstance(arg, bool):
            return False
        if isinstance(value, (int, float)) and isinstance(arg, (int, float)):
            return op(value, arg)
        left, right = _as_date(value), _as_date(arg)
        return left is not None and right is not None and op(left, right)

    return run


def _dated(op: Callable[[date, date], bool], edge: Callable[[Period], date]) -> Callable[[Any, Any], bool]:
    """`before`/`after`: compare a date, or the near edge of a period, with a limit date."""

    def run(value: Any, arg: Any) -> bool:
        limit = _as_date(arg)
        left = edge(value) if isinstance(value, Period) else _as_date(value)
        return left is not None and limit is not None and op(left, limit)

    return run


_before = _dated(lambda a, b: a < b, lambda p: p.end)
_after = _dated(lambda a, b: a > b, lambda p: p.start)


OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": _equals,
    "not_equals": lambda v, a: not _equals(v, a),
    "in": _in,
    "not_in": lambda v, a: not _in(v, a),
    "contains": _contains,
    "not_contains": lambda v, a: not _contains(v, a),
    "startswith": _startswith,
    "not_startswith": lambda v, a: not _startswith(v, a),
    "matches": _matches,
    "not_matches": lambda v, a: not _matches(v, a),
    "fuzzy": _fuzzy,
    "gt": _compare(lambda a, b: a > b),
    "gte": _compare(lambda a, b: a >= b),
    "lt": _compare(lambda a, b: a < b),
    "lte": _compare(lambda a, b: a <= b),
    "before": _before,
    "after": _after,
}
NEGATIVE_OPS = {"not_equals", "not_in", "not_contains", "not_startswith", "not_matches"}


@dataclass
class Ref:
    """A value taken from a bound fact: `$name.path`."""

    var: str
    path: str

    def resolve(self, env: Env) -> Any:
        fact = env.bindings.get(self.var)
        if fact is None:
            return None
        if self.path == "period":
            return fact.period
        return fact.get(self.path) if self.path else fact.key


@dataclass
class Test(Cond):
    """`{path: {op: value, ...}}`: every operator must hold on the value at `path`."""

    var: str | None  # None: the candidate fact of a `where`
    path: str
    ops: list[tuple[str, Any]]
    if_missing: Truth = Truth.FALSE
    line: int = 0

    def eval(self, env: Env, subject: Fact | None) -> Truth:
        fact = subject if self.var is None else env.bindings.get(self.var)
        if fact is None:
            return Truth.FALSE
        value = fact.period if self.path == "period" else fact.get(self.path)
        if self.path == "key":
            value = fact.key
        for op, raw_arg in self.ops:
            if op == "exists":
                present = value is not None and value != [] and value != ""
                if present != bool(raw_arg):
                    return Truth.FALSE
                continue
            if value is None or value == [] or value == "":
                if op in NEGATIVE_OPS and self.if_missing is Truth.FALSE:
                    continue
                return self.if_missing
            arg = raw_arg.resolve(env) if isinstance(raw_arg, Ref) else raw_arg
            if arg is None:
                return Truth.FALSE
            if not OPERATORS[op](value, arg):
                return Truth.FALSE
        env.touched.append((self.var or "", self.path))
        return Truth.TRUE

    def describe(self) -> str:
        name = f"${self.var}.{self.path}" if self.var else self.path
        shown = []
        for op, arg in self.ops:
            if isinstance(arg, Ref):
                arg = f"${arg.var}.{arg.path}"
            elif hasattr(arg, "pattern"):
                arg = arg.pattern
            shown.append(f"{op} {arg!r}")
        return f"{name} " + " and ".join(shown)


@dataclass
class ReviewIf(Cond):
    """`{review_if: COND}`: UNKNOWN when COND holds, else FALSE; for cases a person must decide."""

    item: Cond
    line: int = 0

    def eval(self, env: Env, subject: Fact | None) -> Truth:
        return Truth.UNKNOWN if self.item.eval(env, subject) is Truth.TRUE else Truth.FALSE

    def describe(self) -> str:
        return f"needs review if ({self.item.describe()})"


@dataclass
class JudgeCond(Cond):
    """`{judge: competes, subject: $artifact, threshold: 0.7, uncertain_from: 0.3}`."""

    name: str
    var: str
    params: dict[str, Any]
    threshold: float
    uncertain_from: float
    line: int = 0

    def eval(self, env: Env, subject: Fact | None) -> Truth:
        fact = env.bindings.get(self.var)
        if fact is None:
            return Truth.FALSE
        judgement = env.context.judge(self.name, fact, self.params)
        env.judgements.append(judgement)
        if judgement.score >= self.threshold:
            return Truth.TRUE
        if judgement.score < self.uncertain_from:
            return Truth.FALSE
        return Truth.UNKNOWN

    def describe(self) -> str:
        return f"judge {self.name} of ${self.var} ≥ {self.threshold} (review from {self.uncertain_from})"


@dataclass
class RuleRef(Cond):
    """`{rule: ID}`: another rule (a permission or exception) holds for the same bindings."""

    rule_id: str
    line: int = 0

    def eval(self, env: Env, subject: Fact | None) -> Truth:
        return env.context.rule_truth(self.rule_id, env)

    def describe(self) -> str:
        return f"rule {self.rule_id} applies"


@dataclass
class Count(Cond):
    """`{count: {in: COLLECTION, where: ...}, at_least: N}` (or `at_most`)."""

    collection: str
    where: Cond | None
    at_least: int | None
    at_most: int | None
    line: int = 0

    def eval(self, env: Env, subject: Fact | None) -> Truth:
        total = 0
        for fact in env.facts.of(self.collection):
            if self.where is None or self.where.eval(env, fact) is Truth.TRUE:
                total += 1
        if self.at_least is not None and total < self.at_least:
            return Truth.FALSE
        if self.at_most is not None and total > self.at_most:
            return Truth.FALSE
        return Truth.TRUE

    def describe(self) -> str:
        bounds = []
        if self.at_least is not None:
            bounds.append(f"≥ {self.at_least}")
        if self.at_most is not None:
            bounds.append(f"≤ {self.at_most}")
        return f"count of {self.collection} " + " and ".join(bounds)


@dataclass
class Binding:
    """`name: {in: COLLECTION, where: ...}`: one loop over a fact collection."""

    name: str
    collection: str
    where: Cond | None
    line: int = 0

    def accepts(self, env: Env, fact: Fact) -> list[tuple[str, str]] | None:
        """The fields the `where` touched on the fact when it accepts it, else None."""
        if self.where is None:
            return []
        scratch = Env(env.facts, env.bindings, env.context)
        if self.where.eval(scratch, fact) is not Truth.TRUE:
            return None
        return [(self.name, path) for var, path in scratch.touched if var == ""]


def iterate_bindings(bindings: list[Binding], env: Env) -> Iterator[Env]:
    """Every combination of facts that satisfies the bindings in order (nested loops)."""
    if not bindings:
        yield env
        return
    first, rest = bindings[0], bindings[1:]
    if first.name in env.bindings:  # pre-bound by a caller (rule references)
        touched = first.accepts(env, env.bindings[first.name])
        if touched is not None:
            yield from iterate_bindings(rest, env)
        return
    for fact in env.facts.of(first.collection):
        if not env.context.in_force(fact):
            continue
        touched = first.accepts(env, fact)
        if touched is None:
            continue
        child = env.child(first.name, fact)
        child.touched.extend(touched)
        yield from iterate_bindings(rest, child)
