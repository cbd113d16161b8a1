"""The condition language: three-valued logic, operators, bindings and evidence."""

from __future__ import annotations

import time
from datetime import date

import pytest

from compliance.errors import InputError
from compliance.facts import Evidence, Fact, Facts, Period
from compliance.rules.conditions import Env, Judgement, Truth, iterate_bindings
from compliance.rules.parser import ConditionParser


class Ctx:
    as_of = date(2025, 1, 1)

    def __init__(self, score: float = 0.5) -> None:
        self.score = score

    def judge(self, name, subject, params):  # type: ignore[no-untyped-def]
        return Judgement(name, self.score)

    def rule_truth(self, rule_id, env):  # type: ignore[no-untyped-def]
        return Truth.TRUE

    def in_force(self, fact):  # type: ignore[no-untyped-def]
        return True


def facts() -> Facts:
    f = Facts()
    f.add(Fact("artifacts", "a", {"id": "a", "name": "Acme-8B", "tags": ["x", "y"], "users": 800, "distributed": True},
               [Evidence("m.yaml", 3)], {"name": Evidence("m.yaml", 5)}))
    f.add(Fact("datasets", "d", {"id": "d", "license": "CC-BY-NC-4.0"}, [Evidence("m.yaml", 9)], period=Period(date(2024, 1, 1), date(2024, 2, 1))))
    return f


def parse(node, variables=frozenset({"a"}), where=False):  # type: ignore[no-untyped-def]
    return ConditionParser("t.yaml", {"artifacts", "datasets"}, {"competes"}).parse(node, set(variables), where)


def env(score: float = 0.5) -> Env:
    fs = facts()
    return Env(fs, {"a": fs.of("artifacts")[0]}, Ctx(score))


@pytest.mark.parametrize("node, expected", [
    ({"$a.name": {"startswith": "acme"}}, Truth.TRUE),
    ({"$a.name": {"not_startswith": "llama"}}, Truth.TRUE),
    ({"$a.name": "ACME-8b"}, Truth.TRUE),
    ({"$a.name": {"matches": "^Acme-[0-9]+B$"}}, Truth.TRUE),
    ({"$a.name": {"fuzzy": {"value": "acme 8b", "at_least": 90}}}, Truth.TRUE),
    ({"$a.tags": {"contains": "y"}}, Truth.TRUE),
    ({"$a.tags": {"in": ["z"]}}, Truth.FALSE),
    ({"$a.users": {"gt": 700, "lte": 800}}, Truth.TRUE),
    ({"$a.missing": {"gt": 1}}, Truth.FALSE),
    ({"$a.missing": {"gt": 1, "if_missing": "unknown"}}, Truth.UNKNOWN),
    ({"$a.missing": {"exists": False}}, Truth.TRUE),
    ({"not": {"$a.distributed": True}}, Truth.FALSE),
    ({"all": [{"$a.distributed": True}, {"judge": "competes", "subject": "$a"}]}, Truth.UNKNOWN),
    ({"any": [{"$a.distributed": False}, {"judge": "competes", "subject": "$a"}]}, Truth.UNKNOWN),
    ({"any": [{"$a.distributed": True}, {"judge": "competes", "subject": "$a"}]}, Truth.TRUE),
    ({"not": {"judge": "competes", "subject": "$a"}}, Truth.UNKNOWN),
    ({"review_if": {"$a.distributed": True}}, Truth.UNKNOWN),
    ({"count": {"in": "datasets", "where": {"license": {"matches": "(?i)-nc-"}}}, "at_least": 1}, Truth.TRUE),
    ({"count": {"in": "datasets"}, "at_least": 2}, Truth.FALSE),
])
def test_operators_and_logic(node, expected) -> None:  # type: ignore[no-untyped-def]
    assert parse(node).eval(env(), None) is expected


@pytest.mark.parametrize("score, expected", [(0.9, Truth.TRUE), (0.5, Truth.UNKNOWN), (0.1, Truth.FALSE)])
def test_judgement_thresholds(score: float, expected: Truth) -> None:
    cond = parse({"judge": "competes", "subject": "$a", "threshold": 0.7, "uncertain_from": 0.3})
    assert cond.eval(env(score), None) is expected


def test_true_tests_record_the_fields_they_touched() -> None:
    e = env()
    parse({"$a.name": {"startswith": "acme"}}).eval(e, None)
    assert e.touched == [("a", "name")]
    assert e.bindings["a"].evidence_for("name") == Evidence("m.yaml", 5)


def test_bindings_join_collections() -> None:
    parser = ConditionParser("t.yaml", {"artifacts", "datasets"}, set())
    bindings, names = parser.parse_bindings([
        {"d": {"in": "datasets", "where": {"license": {"matches": "(?i)nc"}}}},
        {"a": {"in": "artifacts", "where": {"distributed": True}}},
    ])
    found = list(iterate_bindings(bindings, Env(facts(), {}, Ctx())))
    assert names == {"a", "d"} and len(found) == 1
    assert found[0].bindings["d"].key == "d"


def test_catastrophic_regex_finishes_quickly() -> None:
    cond = parse({"$a.name": {"matches": "(a+)+$"}})
    e = env()
    e.bindings["a"].data["name"] = "a" * 50_000 + "!"
    start = time.perf_counter()
    assert cond.eval(e, None) is Truth.FALSE
    assert time.perf_counter() - start < 1.0  # RE2 is linear; Python's re would not return


@pytest.mark.parametrize("node, words", [
    ({"$b.name": "x"}, "$b is not bound"),
    ({"name": "x"}, "outside `where`"),
    ({"$a.name": {"looks_like": "x"}}, "unknown operator"),
    ({"$a.name": {"matches": "(unclosed"}}, "invalid RE2"),
    ({"judge": "vibes", "subject": "$a"}, "unknown judgement"),
    ({"all": []}, "non-empty list"),
    ({"$a.name": "x", "$a.id": "y"}, "wrap several in `all`"),
])
def test_parse_errors(node, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as exc:
        parse(node)
    assert words in str(exc.value)
