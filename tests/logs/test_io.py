"""Paths, compression, stdin, malformed lines and unreadable files."""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import pytest
import zstandard

from compliance.sources.logs import ReadStats, iter_log_records

from .conftest import read

ENVELOPE = "openai_chat_envelope.jsonl"


def _summary(records: list) -> list[tuple[int, str | None, str, str]]:
    return [(r.source.line, r.source.record_id, r.prompt, r.response) for r in records]


def test_malformed_lines_are_counted_with_path_and_line(data: Path) -> None:
    path = str(data / ENVELOPE)
    records, stats = read([path])
    assert [r.source.line for r in records] == [1, 2, 5]
    assert stats.skipped == [
        (path, 3, "blank line"),
        (path, 4, "not JSON"),
        (path, 6, "openai-chat: choices is not an array"),
        (path, 7, "truncated JSON (line ends inside a value)"),
        (path, 8, "not a JSON object (list)"),
    ]
    assert (stats.files, stats.lines, stats.records) == (1, 8, 3)
    assert not stats.ok


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_compressed_files_read_like_plain_ones(data: Path, tmp_path: Path, suffix: str) -> None:
    raw = (data / ENVELOPE).read_bytes()
    packed = gzip.compress(raw) if suffix == ".gz" else zstandard.ZstdCompressor().compress(raw)
    path = tmp_path / (ENVELOPE + suffix)
    path.write_bytes(packed)
    records, stats = read([path])
    plain, plain_stats = read([data / ENVELOPE])
    assert _summary(records) == _summary(plain)
    assert [(line, reason) for _, line, reason in stats.skipped] == [
        (line, reason) for _, line, reason in plain_stats.skipped]
    assert stats.formats == {str(path): "openai-chat"}


def test_compression_is_sniffed_not_taken_from_the_name(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "misnamed.jsonl"
    path.write_bytes(gzip.compress((data / "generic.jsonl").read_bytes()))
    records, _ = read([path])
    assert [r.model for r in records] == ["mistral-large-latest", "grok-3"]


def test_multi_frame_zstd(data: Path, tmp_path: Path) -> None:
    lines = (data / "litellm_payloads.jsonl").read_bytes().splitlines(keepends=True)
    compressor = zstandard.ZstdCompressor()
    path = tmp_path / "frames.jsonl.zst"
    path.write_bytes(b"".join(compressor.compress(line) for line in lines))
    records, stats = read([path])
    assert len(records) == 3 and stats.ok


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_truncated_compressed_file_is_reported(data: Path, tmp_path: Path, suffix: str) -> None:
    raw = (data / "litellm_spend.jsonl").read_bytes() * 50
    packed = gzip.compress(raw) if suffix == ".gz" else zstandard.ZstdCompressor().compress(raw)
    path = tmp_path / ("cut.jsonl" + suffix)
    path.write_bytes(packed[: len(packed) // 2])
    records, stats = read([path, data / "generic.jsonl"])
    assert len(stats.unreadable) == 1 and stats.unreadable[0][0] == str(path)
    assert "after line" in stats.unreadable[0][1] or "truncated" in stats.unreadable[0][1]
    # the stream went on with the next file
    assert [r.model for r in records if r.format == "generic"] == ["mistral-large-latest", "grok-3"]


def test_directory_is_walked_recursively_in_sorted_order(data: Path, tmp_path: Path) -> None:
    (tmp_path / "b" / "deeper").mkdir(parents=True)
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "deeper" / "z.jsonl.gz").write_bytes(gzip.compress((data / "generic.jsonl").read_bytes()))
    (tmp_path / "a" / "chat.ndjson").write_bytes((data / "openai_chat_pairs.jsonl").read_bytes())
    (tmp_path / "b" / "notes.txt").write_text("not a log\n")
    (tmp_path / "b" / "resp.log").write_bytes((data / "openai_responses.jsonl").read_bytes())
    records, stats = read([tmp_path])
    assert list(stats.formats) == [str(tmp_path / "a" / "chat.ndjson"), str(tmp_path / "b" / "deeper" / "z.jsonl.gz"),
                                   str(tmp_path / "b" / "resp.log")]
    assert [r.format for r in records] == ["openai-chat"] * 3 + ["generic"] * 2 + ["openai-responses"] * 3
    again, _ = read([tmp_path])
    assert again == records  # deterministic


def test_glob_pattern(data: Path) -> None:
    records, stats = read([str(data / "litellm_*.jsonl")])
    assert sorted(stats.formats.values()) == ["litellm", "litellm-spend"]
    assert len(records) == 5


def test_missing_path_and_empty_glob_are_reported(data: Path, tmp_path: Path) -> None:
    records, stats = read([tmp_path / "nope.jsonl", str(tmp_path / "*.ndjson"), data / "generic.jsonl"])
    assert stats.unreadable == [(str(tmp_path / "nope.jsonl"), "no such file or directory"),
                                (str(tmp_path / "*.ndjson"), "pattern matched no files")]
    assert len(records) == 2


def test_same_file_named_twice_is_read_once(data: Path) -> None:
    records, stats = read([data / "generic.jsonl", str(data / "generic.jsonl"), str(data / "generic.*")])
    assert stats.files == 1 and len(records) == 2


def test_stdin_text_stream(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO((data / "anthropic_messages.jsonl").read_text()))
    records, stats = read(["-"])
    assert stats.formats == {"<stdin>": "anthropic-messages"}
    assert {r.source.path for r in records} == {"<stdin>"}
    assert [r.source.line for r in records] == [1, 3, 4]
    assert records[1].prompt == "Write a dialogue about returns."


def test_stdin_binary_gzip_stream(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    packed = gzip.compress((data / "gemini.jsonl").read_bytes())
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(packed))))
    records, stats = read(["-", data / "generic.jsonl"])
    assert stats.formats == {str(data / "generic.jsonl"): "generic", "<stdin>": "gemini"}
    assert [r.format for r in records] == ["generic", "generic", "gemini", "gemini", "gemini"]  # stdin last


def test_stdin_single_json_document(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO((data / "trace-7f3e2a.json").read_text()))
    records, _ = read(["-"])
    assert [r.source.record_id for r in records] == ["gen-1"]


def test_json_array_edge_cases(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    body = ('[{"prompt": "a", "response": "b", "n": 1e2},\n 17,\n {"prompt": "c", "response": "d"}\n'
            ' ,{"prompt": "e", "response": "f"}')
    path.write_text(body)
    records, stats = read([path])
    assert [r.prompt for r in records] == ["a", "c", "e"]
    assert stats.skipped == [(str(path), 2, "not a JSON object (int)"),
                             (str(path), 4, "JSON array is not closed (truncated file)")]
    path.write_text(body[:-1])
    records, stats = read([path])
    assert [r.prompt for r in records] == ["a", "c"]
    assert stats.skipped[-1] == (str(path), 4, "invalid JSON array element: Expecting ',' delimiter")


def test_large_array_elements_cross_chunk_boundaries(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    items = [f'{{"prompt": "{"p" * 70_000}{i}", "response": "r{i}", "usage": {{"input": {i * 1000}}}}}'
             for i in range(5)]
    path.write_text("[\n" + ",\n".join(items) + "\n]\n")
    records, stats = read([path])
    assert [r.response for r in records] == [f"r{i}" for i in range(5)]
    assert [r.usage_in for r in records] == [i * 1000 for i in range(5)]
    assert [r.source.line for r in records] == [2, 3, 4, 5, 6] and stats.ok


def test_invalid_json_document_is_one_skipped_entry(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "observations": [\n    {"id": 1},\n')
    records, stats = read([path])
    assert records == []
    assert len(stats.skipped) == 1 and stats.skipped[0][:2] == (str(path), 1)
    assert stats.skipped[0][2].startswith("invalid JSON document")


def test_utf8_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"prompt": "caf\xc3\xa9", "response": "ok"}\r\n{"prompt": "b", "response": "c"}\r\n')
    records, stats = read([path])
    assert [r.prompt for r in records] == ["café", "b"] and stats.ok


def test_not_utf8_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"prompt": "caf\xe9", "response": "x"}\n{"prompt": "ok", "response": "y"}\n')
    records, stats = read([path])
    assert [r.prompt for r in records] == ["ok"]
    assert stats.skipped == [(str(path), 1, "not UTF-8 text")]


def test_stats_fill_in_while_streaming(data: Path) -> None:
    stats = ReadStats()
    iterator = iter_log_records([str(data / "generic.jsonl")], stats=stats)
    assert stats.files == 0
    next(iterator)
    assert stats.records == 1
    list(iterator)
    assert (stats.files, stats.records, len(stats.skipped)) == (1, 2, 1)


def test_pathological_lines_do_not_stop_the_stream(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text('{"a": ' * 50_000 + "1" + "}" * 50_000 + "\n"
                    + '{"timestamp": 1e300, "prompt": "far future", "response": "x"}\n'
                    + '{"prompt": "fine", "response": "y"}\n')
    records, stats = read([path])
    assert [r.prompt for r in records] == ["fine"]
    assert [(line, reason) for _, line, reason in stats.skipped] == [
        (1, "JSON nested too deeply"), (2, "generic: epoch time 1e+300 is out of range")]


def test_plain_text_log_is_reported_once_not_line_by_line(data: Path, tmp_path: Path) -> None:
    (tmp_path / "app.log").write_text("".join(f"2025-01-01 10:00:{i % 60:02d} INFO request {i} served\n"
                                              for i in range(5_000)))
    (tmp_path / "calls.jsonl").write_bytes((data / "generic.jsonl").read_bytes())
    records, stats = read([tmp_path])
    assert len(records) == 2
    assert stats.unreadable == [(str(tmp_path / "app.log"), "not a JSON log: no JSON object in the first 1000 lines")]
    assert all(path.endswith("calls.jsonl") for path, _, _ in stats.skipped)
