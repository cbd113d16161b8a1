"""Folding records a batch at a time gives exactly the state of folding them one by one."""

from __future__ import annotations

import gc
import json
import random
from pathlib import Path

import pytest

from compliance.errors import InputError
from compliance.signals.collect import Accumulator
from compliance.signals.compiled import load_signals
from compliance.signals.evaluate import evaluate
from compliance.signals.runner import _quiet_gc
from compliance.sources.logs.readers.openai_chat import fast_decode

from .conftest import loggen, write_pack


def _records(n: int, seed: int = 11) -> list:
    gen = loggen()
    rng = random.Random(seed)
    accounts = [(name, kind) for name, kind in gen.accounts().items()]
    out = []
    for index in range(n):
        name, kind = rng.choice(accounts)
        number = int(name.rsplit("-", 1)[1])
        line = gen._line(rng, index, name, kind, number).encode()
        record = fast_decode(line, "gen.jsonl", index + 1)
        assert record is not None
        out.append(record)
    return out


def _report(acc: Accumulator, signals) -> str:  # noqa: ANN001
    ranked, clusters = evaluate(acc.accounts, signals)
    rows = [(a.state.provider, a.state.account, a.score, a.cluster, a.state.records, a.state.usage_out,
             sorted((k, str(v)) for k, v in a.state.days.items()), sorted(a.state.models.items()),
             {name: (r.value, r.support, r.fired) for name, r in a.signals.items()},
             [(s, list(sample)) for s, sample in a.evidence]) for a in ranked]
    return json.dumps([rows, [(c.id, c.accounts) for c in clusters]], default=str, sort_keys=True)


def test_batches_equal_one_by_one() -> None:
    signals = load_signals()
    records = _records(3000)
    single = Accumulator(signals)
    for record in records:
        single.add(record)
    for size in (7, 256, 2048, 3000):
        batched = Accumulator(signals)
        for start in range(0, len(records), size):
            batched.add_batch(records[start:start + size])
        assert _report(batched, signals) == _report(single, signals), size
        assert batched.file_records == single.file_records


def test_quiet_gc_restores_the_collector() -> None:
    signals = load_signals()
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    with _quiet_gc(signals) as settle:
        assert gc.get_threshold()[0] >= before[0]
        settle()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_link_templates_of_must_name_a_template_signal(tmp_path: Path) -> None:
    write_pack(tmp_path / "link.yaml", """signals:
  - id: volume
    title: volume
    weight: 0.1
    aggregate: {metric: count}
    threshold: 1
  - id: linked
    title: linked
    weight: 0.1
    aggregate: {group_by: [cluster], metric: distinct, field: account, link: {templates_of: volume}}
    threshold: 2
""")
    with pytest.raises(InputError) as caught:
        load_signals([tmp_path], include_bundled=False)
    assert "not a signal with metric near_duplicate_share" in str(caught.value) and "link.yaml:" in str(caught.value)


def test_bundled_coordination_uses_the_generation_tables() -> None:
    signals = load_signals()
    index, link = signals.link  # type: ignore[misc]
    assert signals.signals[index].id == "templated_generation" and link.templates_of == "templated_generation"
    kept = [s.id for s in signals.signals if signals.keeps_templates(s)]
    assert kept == ["templated_generation"]
