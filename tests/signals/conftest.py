"""Helpers for the signal tests: records, signal sets, the benchmark's log generator."""

from __future__ import annotations

import importlib.util
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from compliance.signals.collect import Accumulator
from compliance.signals.compiled import SignalSet, load_signals
from compliance.signals.evaluate import AccountResult, evaluate
from compliance.sources.logs import LogRecord, SourceRef
from tests.conftest import REPO

START = datetime(2025, 9, 1, tzinfo=timezone.utc)


def loggen() -> Any:
    spec = importlib.util.spec_from_file_location("loggen", REPO / "benchmarks" / "loggen.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def record(prompt: str = "", response: str = "ok", *, account: str = "acct", system: str = "", usage_out: int | None = 300,
           params: dict | None = None, minutes: int = 0, model: str = "gpt-4o", key: str | None = None, line: int = 1) -> LogRecord:
    return LogRecord(SourceRef("log.jsonl", line), "generic", "openai", model, START + timedelta(minutes=minutes), account, key,
                     None, system, prompt, response, params or {}, 20, usage_out, "ok", None)


def results(records: list[LogRecord], signals: SignalSet | None = None) -> dict[str, AccountResult]:
    signals = signals or load_signals()
    acc = Accumulator(signals)
    for r in records:
        acc.add(r)
    ranked, _ = evaluate(acc.accounts, signals)
    return {a.state.account: a for a in ranked}


def write_pack(path: Path, body: str) -> Path:
    path.write_text("schema_version: 1\ndocument: {id: test.signals, provider: test, title: T, kind: signal-set, version: '1', url: u}\n"
                    + body)
    return path
