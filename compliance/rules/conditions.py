"""The condition language: a small declarative tree evaluated in three-valued logic.

A rule binds names to facts (`for`), then tests them (`require`, `unless`). Results are TRUE,
FALSE or UNKNOWN; UNKNOWN (a judgement below its confidence threshold, a missing value a rule
marks as unknowable) becomes a `review` finding rather than a silent pass or a false alarm.
Adding an operator adds one entry to OPERATORS.
"""

from __future__ import annotations

import re as _stdlib_re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum
from typing import Any, Callable, Iterator, Protocol

import re2  # type: ignore[import-untyped]
from rapidfuzz import fuzz, utils

from compliance.errors import InputError
from compliance.facts import Evidence, Fact, Facts, Period


class Truth(IntEnum):
    FALSE = 0
    UNKNOWN = 1
    TRUE = 2

    def negate(self) -> "Truth":
        return Truth(2 - self.value)


class Judge(Protocol):
    def __call__(self, name: str, subject: Fact, params: dict[str, Any]) -> "Judgement": ...


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


# ---------------------------------------------------------------- parsing

VAR_RE = _stdlib_re.compile(r"^\$([a-z_][a-z0-9_]*)(?:\.([a-z_][a-z0-9_.]*))?$")
PATH_RE = _stdlib_re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")


class ConditionParser:
    """Turns the YAML of a `when` block into Cond objects, reporting errors with file:line."""

    def __init__(self, path: str, collections: set[str], judges: set[str]) -> None:
        self.path = path
        self.collections = collections
        self.judges = judges

    def error(self, node: Any, message: str, line: int | None = None) -> InputError:
        return InputError(self.path, line or getattr(node, "line", None), message)

    def parse(self, node: Any, variables: set[str], in_where: bool) -> Cond:
        if isinstance(node, list):
            return All([self.parse(item, variables, in_where) for item in node], line=getattr(node, "line", 0))
        if not isinstance(node, dict) or not node:
            raise self.error(node, "a condition must be a non-empty mapping")
        line = getattr(node, "line", 0)
        keys = list(node)
        head = keys[0]
        if head in ("all", "any"):
            self._only(node, {head})
            items = node[head]
            if not isinstance(items, list) or not items:
                raise self.error(node, f"`{head}` takes a non-empty list of conditions")
            parsed = [self.parse(item, variables, in_where) for item in items]
            return All(parsed, line=line) if head == "all" else Any_(parsed, line=line)
        if head == "not":
            self._only(node, {"not"})
            return Not(self.parse(node["not"], variables, in_where), line=line)
        if head == "review_if":
            self._only(node, {"review_if"})
            return ReviewIf(self.parse(node["review_if"], variables, in_where), line=line)
        if head == "judge":
            return self._judge(node, variables)
        if head == "rule":
            self._only(node, {"rule"})
            if not isinstance(node["rule"], str):
                raise self.error(node, "`rule` takes a rule id")
            return RuleRef(node["rule"], line=line)
        if head == "count":
            return self._count(node, variables)
        if len(keys) != 1:
            raise self.error(node, f"a test has one path, found {', '.join(map(repr, keys))}; wrap several in `all`")
        return self._test(node, head, variables, in_where)

    def _only(self, node: dict[str, Any], allowed: set[str]) -> None:
        extra = sorted(set(node) - allowed)
        if extra:
            raise self.error(node, f"unexpected key {extra[0]!r} beside {sorted(allowed)[0]!r}", node.key_lines.get(extra[0]) if hasattr(node, "key_lines") else None)

    def _var(self, node: Any, text: Any, variables: set[str]) -> tuple[str, str]:
        match = VAR_RE.match(text) if isinstance(text, str) else None
        if not match:
            raise self.error(node, f"expected a bound name like $artifact, got {text!r}")
        var, path = match.group(1), match.group(2) or ""
        if var not in variables:
            raise self.error(node, f"${var} is not bound by `for` (bound: {', '.join(sorted(variables)) or 'none'})")
        return var, path

    def _test(self, node: dict[str, Any], key: str, variables: set[str], in_where: bool) -> Test:
        line = node.key_lines.get(key, 0) if hasattr(node, "key_lines") else 0
        if key.startswith("$"):
            var, path = self._var(node, key, variables)
            if not path:
                raise self.error(node, f"{key}: name a field, e.g. {key}.id", line)
        elif in_where:
            if not PATH_RE.match(key):
                raise self.error(node, f"{key!r} is not a field path", line)
            var, path = None, key
        else:
            raise self.error(node, f"{key!r}: outside `where`, tests name a bound fact, e.g. $artifact.{key}", line)
        spec = node[key]
        if not isinstance(spec, dict):
            spec = {"equals": spec}
        ops: list[tuple[str, Any]] = []
        if_missing = Truth.FALSE
        for op, arg in spec.items():
            if op == "if_missing":
                if arg not in ("false", "true", "unknown", False, True):
                    raise self.error(spec, "if_missing is one of false, true, unknown", line)
                if_missing = {"false": Truth.FALSE, False: Truth.FALSE, "true": Truth.TRUE, True: Truth.TRUE}.get(arg, Truth.UNKNOWN)
                continue
            if op == "exists":
                ops.append((op, bool(arg)))
                continue
            if op not in OPERATORS:
                raise self.error(spec, f"unknown operator {op!r} (known: exists, if_missing, {', '.join(sorted(OPERATORS))})", line)
            ops.append((op, self._arg(spec, op, arg, variables, line)))
        if not ops:
            raise self.error(node, f"{key}: no operator given", line)
        return Test(var, path, ops, if_missing, line=line)

    def _arg(self, spec: Any, op: str, arg: Any, variables: set[str], line: int) -> Any:
        if isinstance(arg, str) and arg.startswith("$"):
            var, path = self._var(spec, arg, variables)
            return Ref(var, path)
        if op in ("matches", "not_matches"):
            if not isinstance(arg, str):
                raise self.error(spec, f"`{op}` takes a regular expression string", line)
            try:
                return re2.compile(arg)
            except re2.error as exc:
                raise self.error(spec, f"invalid RE2 pattern {arg!r}: {exc}", line) from None
        if op == "fuzzy":
            if not isinstance(arg, dict) or "value" not in arg:
                raise self.error(spec, "`fuzzy` takes {value: TEXT, at_least: 0-100}", line)
            return (str(arg["value"]), float(arg.get("at_least", 90)))
        if op in ("in", "not_in") and not isinstance(arg, list):
            raise self.error(spec, f"`{op}` takes a list", line)
        return arg

    def _judge(self, node: dict[str, Any], variables: set[str]) -> JudgeCond:
        self._only(node, {"judge", "subject", "threshold", "uncertain_from", "params"})
        name = node["judge"]
        if name not in self.judges:
            raise self.error(node, f"unknown judgement {name!r} (known: {', '.join(sorted(self.judges))})")
        var, path = self._var(node, node.get("subject"), variables)
        threshold = float(node.get("threshold", 0.7))
        uncertain = float(node.get("uncertain_from", 0.3))
        if not 0 <= uncertain <= threshold <= 1:
            raise self.error(node, "need 0 ≤ uncertain_from ≤ threshold ≤ 1")
        params = dict(node.get("params") or {})
        return JudgeCond(name, var, params, threshold, uncertain, line=node.line if hasattr(node, "line") else 0)

    def _count(self, node: dict[str, Any], variables: set[str]) -> Count:
        self._only(node, {"count", "at_least", "at_most"})
        spec = node["count"]
        if not isinstance(spec, dict) or spec.get("in") not in self.collections:
            raise self.error(node, f"`count` takes {{in: COLLECTION, where: ...}} with a collection from {sorted(self.collections)}")
        where = self.parse(spec["where"], variables, True) if "where" in spec else None
        return Count(spec["in"], where, node.get("at_least"), node.get("at_most"), line=getattr(node, "line", 0))

    def parse_bindings(self, node: Any) -> tuple[list[Binding], set[str]]:
        if node is None:
            return [], set()
        if not isinstance(node, list) or not node:
            raise self.error(node, "`for` takes a list of `name: {in: COLLECTION, where: ...}`")
        bindings: list[Binding] = []
        variables: set[str] = set()
        for index, item in enumerate(node):
            line = node.line_of(index) if hasattr(node, "line_of") else 0
            if not isinstance(item, dict) or len(item) != 1:
                raise self.error(item, "each `for` item binds one name: `name: {in: COLLECTION, where: ...}`", line)
            name, spec = next(iter(item.items()))
            if not _stdlib_re.match(r"^[a-z_][a-z0-9_]*$", name):
                raise self.error(item, f"bad name {name!r}", line)
            if name in variables:
                raise self.error(item, f"{name!r} is bound twice", line)
            if not isinstance(spec, dict) or spec.get("in") not in self.collections:
                raise self.error(item, f"{name}: `in` must be one of {sorted(self.collections)}", line)
            extra = set(spec) - {"in", "where"}
            if extra:
                raise self.error(spec, f"{name}: unexpected key {sorted(extra)[0]!r}", line)
            where = self.parse(spec["where"], variables, True) if "where" in spec else None
            bindings.append(Binding(name, spec["in"], where, line=line))
            variables.add(name)
        return bindings, variables
