"""Auto-detection picks the right reader per file; `log_format=` overrides it."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.sources.logs import FORMATS, iter_log_records

from .conftest import read

EXPECTED = {
    "openai_chat_envelope.jsonl": "openai-chat",
    "openai_chat_pairs.jsonl": "openai-chat",
    "batch_input.jsonl": "openai-batch",
    "batch_output.jsonl": "openai-batch",
    "openai_responses.jsonl": "openai-responses",
    "anthropic_messages.jsonl": "anthropic-messages",
    "anthropic_batch_requests.jsonl": "anthropic-batch",
    "anthropic_batch_results.jsonl": "anthropic-batch",
    "gemini.jsonl": "gemini",
    "gemini_batch.jsonl": "gemini",
    "litellm_payloads.jsonl": "litellm",
    "litellm_spend.jsonl": "litellm-spend",
    "langfuse_observations.jsonl": "langfuse",
    "langfuse_export_array.json": "langfuse",
    "trace-7f3e2a.json": "langfuse",
    "generic.jsonl": "generic",
}


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_each_sample_file_is_detected_alone(data: Path, name: str, expected: str) -> None:
    records, stats = read([data / name])
    assert stats.formats == {str(data / name): expected}
    assert records, f"{name} produced no records"
    assert {record.format for record in records} <= {expected}


def test_every_sample_file_is_covered(data: Path) -> None:
    assert sorted(p.name for p in data.iterdir()) == sorted(EXPECTED)
    assert set(EXPECTED.values()) == set(FORMATS)


def test_whole_directory_detects_every_file(data: Path) -> None:
    _, stats = read([data])
    assert {Path(path).name: fmt for path, fmt in stats.formats.items()} == EXPECTED


def test_bare_claude_requests_are_anthropic_unless_overridden(tmp_path: Path) -> None:
    path = tmp_path / "requests.jsonl"
    path.write_text('{"model": "claude-3-5-haiku-20241022", "max_tokens": 64, '
                    '"messages": [{"role": "user", "content": "Name three colours."}]}\n')
    records, stats = read([path])
    assert stats.formats[str(path)] == "anthropic-messages"
    assert records[0].prompt == "Name three colours."
    records, stats = read([path], log_format="openai-chat")
    assert stats.formats[str(path)] == "openai-chat"
    assert records[0].format == "openai-chat"
    assert records[0].provider == "anthropic"  # from the model name, whatever the wire shape


def test_forced_format_skips_lines_of_another_shape(data: Path) -> None:
    records, stats = read([data / "gemini.jsonl"], log_format="generic")
    assert records == []
    assert [reason for _, _, reason in stats.skipped] == ["not a generic record"] * 3


def test_unknown_format_name_fails_before_reading() -> None:
    with pytest.raises(ValueError, match="known formats: openai-batch"):
        iter_log_records(["nothing-here.jsonl"], log_format="openai")


def test_unrecognised_file_reports_every_line(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    path.write_text('{"level": "info", "msg": "started"}\n{"level": "warn", "msg": "slow"}\n')
    records, stats = read([path])
    assert records == []
    assert stats.formats[str(path)] == "unknown"
    assert stats.skipped == [(str(path), 1, "unrecognised record shape"),
                             (str(path), 2, "unrecognised record shape")]
