"""Parsing the condition language: YAML `when` blocks into condition trees, errors with file:line."""

from __future__ import annotations

import re as _stdlib_re
from typing import Any

import re2  # type: ignore[import-untyped]

from compliance.errors import InputError
from compliance.rules.conditions import (
    OPERATORS, All, Any_, Binding, Cond, Count, JudgeCond, Not, Ref, ReviewIf, RuleRef, Test, Truth,
)

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
