"""Batch input and output files are joined on custom_id, never on line order."""

from __future__ import annotations

import json
from pathlib import Path

from compliance.sources.logs import STATUS_ERROR, STATUS_OK, STATUS_UNMATCHED

from .conftest import by_id, read


def test_openai_batch_join_by_custom_id(data: Path) -> None:
    records, stats = read([data / "batch_input.jsonl", data / "batch_output.jsonl"])
    by = by_id(records)
    # output line 1 is sft-000003, not the first input line
    assert records[0].source == by["sft-000003"].source
    assert by["sft-000003"].source.line == 1
    assert by["sft-000003"].prompt == "Explain wire transfer limits."
    assert by["sft-000003"].response == "Wire transfer limits cap how much you can send per day."
    assert by["sft-000001"].prompt == "Explain chargebacks."
    assert by["sft-000001"].response.startswith("A chargeback reverses")
    for record in (by["sft-000001"], by["sft-000003"]):
        assert record.system == "Answer as a bank support agent."
        assert record.endpoint == "/v1/chat/completions" and dict(record.params) == {"max_tokens": 300}
        assert record.status == STATUS_OK and record.format == "openai-batch"
    assert (by["sft-000001"].request_id, by["sft-000001"].usage_out) == ("req_c1", 12)
    # status_code 400 and a non-null error are errors, with the prompt still attached
    assert by["sft-000002"].status == STATUS_ERROR and by["sft-000002"].prompt == "Explain overdraft fees."
    assert by["sft-000009"].status == STATUS_ERROR and by["sft-000009"].prompt == ""
    # a /v1/responses body inside a batch
    assert by["sft-000005"].response == "A standing order pays a fixed amount on a schedule."
    assert by["sft-000005"].system == "Answer as a bank support agent."
    # the input with no output is reported and still yielded
    assert by["sft-000004"].status == STATUS_UNMATCHED and by["sft-000004"].prompt == "Explain card freezes."
    assert stats.unmatched == [(str(data / "batch_input.jsonl"), 4, "sft-000004")]
    assert len(records) == 6 and stats.records == 6


def test_join_does_not_depend_on_argument_or_file_order(data: Path, tmp_path: Path) -> None:
    # output sorts before input here, so the output file is read first
    (tmp_path / "a_results.jsonl").write_bytes((data / "batch_output.jsonl").read_bytes())
    (tmp_path / "b_requests.jsonl").write_bytes((data / "batch_input.jsonl").read_bytes())
    records, _ = read([tmp_path])
    reference, _ = read([data / "batch_output.jsonl", data / "batch_input.jsonl"])
    assert {(r.source.record_id, r.prompt, r.response, r.status) for r in records} == {
        (r.source.record_id, r.prompt, r.response, r.status) for r in reference}


def test_join_holds_the_smaller_side_either_way(tmp_path: Path) -> None:
    """Long prompts and short answers make the output side the one held in memory."""
    inputs = tmp_path / "in.jsonl"
    outputs = tmp_path / "out.jsonl"
    with inputs.open("w") as fin, outputs.open("w") as fout:
        for i in range(40):
            fin.write(json.dumps({"custom_id": f"q{i}", "method": "POST", "url": "/v1/chat/completions",
                                  "body": {"model": "gpt-4o-mini", "messages": [
                                      {"role": "user", "content": f"Question {i}: " + "context " * 200}]}}) + "\n")
        for i in reversed(range(0, 40, 2)):
            fout.write(json.dumps({"id": f"batch_req_{i}", "custom_id": f"q{i}", "error": None, "response": {
                "status_code": 200, "request_id": f"req_{i}", "body": {
                    "id": f"chatcmpl-{i}", "object": "chat.completion", "created": 1735689700,
                    "model": "gpt-4o-mini", "choices": [{"index": 0, "message": {
                        "role": "assistant", "content": f"Answer {i}"}, "finish_reason": "stop"}]}}}) + "\n")
    records, stats = read([inputs, outputs])
    assert len(records) == 40
    for record in records:
        number = int(record.source.record_id[1:])
        assert record.prompt.startswith(f"Question {number}: ")
        if number % 2 == 0:
            assert record.response == f"Answer {number}" and record.status == STATUS_OK
            assert record.source.path == str(outputs)  # joined records point at the output line
        else:
            assert record.status == STATUS_UNMATCHED
    assert sorted(cid for _, _, cid in stats.unmatched) == sorted(f"q{i}" for i in range(1, 40, 2))


def test_anthropic_batch_requests_and_results(data: Path) -> None:
    records, stats = read([data / "anthropic_batch_results.jsonl", data / "anthropic_batch_requests.jsonl"])
    by = by_id(records)
    # whichever side is held in memory, a joined record points at its result line
    assert sorted((r.source.record_id, r.source.line) for r in records) == [("dlg-41", 2), ("dlg-42", 1), ("dlg-43", 3)]
    assert {r.source.path for r in records} == {str(data / "anthropic_batch_results.jsonl")}
    assert by["dlg-42"].prompt == "Dialogue about a double charge."
    assert by["dlg-42"].response == "Customer: I was charged twice for one order."
    assert by["dlg-42"].system == "You write customer-service dialogues." and by["dlg-42"].status == STATUS_OK
    assert by["dlg-41"].status == STATUS_ERROR and by["dlg-43"].status == STATUS_ERROR
    assert stats.unmatched == []


def test_results_without_requests_stand_alone(data: Path) -> None:
    records, stats = read([data / "anthropic_batch_results.jsonl"])
    assert [r.source.line for r in records] == [1, 2, 3]
    assert records[0].prompt == "" and records[0].response.startswith("Customer:")
    assert stats.unmatched == []


def test_gemini_batch_requests_and_responses_in_separate_files(tmp_path: Path) -> None:
    requests = tmp_path / "gemini_requests.jsonl"
    responses = tmp_path / "gemini_responses.jsonl"
    requests.write_text("".join(json.dumps({"key": f"k{i}", "request": {"contents": [
        {"role": "user", "parts": [{"text": f"Prompt {i}"}]}]}}) + "\n" for i in range(3)))
    responses.write_text("".join(json.dumps({"key": f"k{i}", "response": {"candidates": [
        {"content": {"role": "model", "parts": [{"text": f"Reply {i}"}]}}], "modelVersion": "gemini-2.5-flash"}})
        + "\n" for i in (2, 0)))
    records, stats = read([requests, responses])
    assert [(r.source.record_id, r.prompt, r.response, r.status) for r in records] == [
        ("k2", "Prompt 2", "Reply 2", STATUS_OK),
        ("k0", "Prompt 0", "Reply 0", STATUS_OK),
        ("k1", "Prompt 1", "", STATUS_UNMATCHED),
    ]
    assert stats.unmatched == [(str(requests), 2, "k1")]
