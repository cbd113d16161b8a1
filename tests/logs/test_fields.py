"""Each reader maps its provider's fields onto LogRecord correctly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from compliance.sources.logs import STATUS_ERROR, STATUS_OK, STATUS_UNMATCHED

from .conftest import by_id, read


def test_openai_chat_envelope(data: Path) -> None:
    records, _ = read([data / "openai_chat_envelope.jsonl"])
    first, second, limited = records
    assert first.source.line == 1 and first.source.record_id == "chatcmpl-B7x9k2LmQ"
    assert first.provider == "openai" and first.model == "gpt-4o-2024-08-06"
    # "+01:00" in the log becomes UTC
    assert first.timestamp == datetime(2025, 3, 4, 8, 15, 2, 120000, tzinfo=UTC)
    assert first.account == "org-acme-research" and first.api_key_id == "key_7Hq2xPz"
    assert first.endpoint == "/v1/chat/completions"
    assert first.system == "You are generating supervised fine-tuning data for a customer-support assistant."
    # user turns only, joined in order, last user turn last; assistant history is not prompt
    assert first.prompt == ("Write a question a customer might ask about a delayed parcel.\n"
                            "Now answer it as a helpful agent.")
    assert first.response.startswith("I'm sorry your parcel is late.")
    assert dict(first.params) == {"temperature": 0.9, "max_tokens": 400, "n": 1, "seed": 42}
    assert (first.usage_in, first.usage_out, first.status) == (61, 18, STATUS_OK)
    # a raw secret key is never kept
    assert second.api_key_id is not None and second.api_key_id.startswith("sha256:")
    assert "sk-proj" not in second.api_key_id
    assert second.timestamp == datetime(2025, 3, 4, 8, 16, tzinfo=UTC)
    assert dict(second.params) == {"reasoning_effort": "high", "logprobs": False, "has_reasoning": True}
    # HTTP 429 around an error body
    assert limited.status == STATUS_ERROR and limited.request_id == "req_5f2a9c"
    assert limited.response == "" and limited.prompt == "Write 50 more variants."


def test_openai_chat_request_response_lines_are_paired(data: Path) -> None:
    records, stats = read([data / "openai_chat_pairs.jsonl"])
    assert [(r.source.line, r.status) for r in records] == [(2, STATUS_OK), (3, STATUS_UNMATCHED), (5, STATUS_OK)]
    refunds, exchanges, warranties = records
    assert refunds.system == "You write SFT data." and refunds.prompt == "Write 3 Q&A pairs about refunds."
    assert refunds.response.startswith("Q: Can I get a refund?")
    assert refunds.model == "gpt-4o-mini-2024-07-18" and refunds.usage_out == 120
    assert refunds.timestamp == datetime(2025, 1, 1, tzinfo=UTC)
    assert dict(exchanges.params) == {"temperature": 0.7, "logprobs": True, "top_logprobs": 20}
    assert exchanges.response == ""
    assert warranties.prompt == "Write 3 Q&A pairs about warranties."
    assert stats.unmatched == [(str(data / "openai_chat_pairs.jsonl"), 3, "request without response")]


def test_openai_responses(data: Path) -> None:
    records, _ = read([data / "openai_responses.jsonl"])
    tutor, bare, failed = records
    assert tutor.system == "You are a meticulous math tutor.\nShow your reasoning in full."
    assert tutor.prompt == "Prove that the sum of two even numbers is even."
    assert tutor.response == "Let the numbers be 2a and 2b. Their sum is 2(a + b), which is even."
    assert dict(tutor.params) == {"max_tokens": 2000, "top_logprobs": 5, "reasoning_effort": "high",
                                  "has_reasoning": True}
    assert (tutor.usage_in, tutor.usage_out, tutor.account) == (48, 310, "proj_support")
    assert bare.response == "Here are 5 paraphrases of the sentence."
    assert dict(bare.params) == {"temperature": 0.4, "max_tokens": 800}
    assert bare.timestamp == datetime(2025, 1, 1, 0, 3, 20, tzinfo=UTC)
    assert failed.status == STATUS_ERROR and failed.source.record_id == "resp_02"


def test_anthropic_messages(data: Path) -> None:
    records, _ = read([data / "anthropic_messages.jsonl"])
    tutor, dialogue, overloaded = records
    assert tutor.system == "You generate step-by-step worked solutions for a tutoring dataset."
    # thinking text stays out of the response, but is noted
    assert tutor.response == "Using the limit definition, ((x+h)^2 - x^2)/h = 2x + h, which tends to 2x."
    assert "limit definition of the derivative" not in tutor.response
    assert dict(tutor.params) == {"max_tokens": 16000, "reasoning_effort": 10000, "has_reasoning": True}
    assert (tutor.usage_in, tutor.usage_out, tutor.api_key_id) == (52, 880, "apikey_01HXYZ")
    assert tutor.provider == "anthropic" and tutor.timestamp == datetime(2025, 6, 10, 8, 30, tzinfo=UTC)
    # bare request on line 2 + bare response on line 3
    assert dialogue.source.line == 3 and dialogue.prompt == "Write a dialogue about returns."
    assert dialogue.system == "You generate training data." and dialogue.response.startswith("Customer:")
    assert overloaded.status == STATUS_ERROR and overloaded.request_id == "req_011CSHoEeqs5C35K2UUqR7Fy"


def test_gemini(data: Path) -> None:
    records, _ = read([data / "gemini.jsonl"])
    maths, bare, blocked = records
    assert maths.response == "17 * 24 = 408, because 340 + 68 = 408."  # the thought part is skipped
    assert maths.system == "Produce detailed reasoning for a math dataset."
    assert maths.prompt == "What is 17 * 24? Explain."
    assert dict(maths.params) == {"temperature": 0.2, "max_tokens": 4096, "n": 1, "reasoning_effort": 8192,
                                  "has_reasoning": True}
    assert (maths.provider, maths.model, maths.usage_in, maths.usage_out) == ("google", "gemini-2.5-pro", 18, 21)
    assert maths.account == "projects/acme-gen"
    assert bare.timestamp == datetime(2025, 7, 1, 10, 5, 0, 123456, tzinfo=UTC)  # nanoseconds truncated
    assert bare.source.record_id == "a1b2c3"
    assert blocked.status == STATUS_ERROR and blocked.usage_in == 9


def test_gemini_batch_lines(data: Path) -> None:
    records, _ = read([data / "gemini_batch.jsonl"])
    beach, forest = records
    assert beach.source.record_id == "request-1" and beach.prompt.startswith("Describe a sunny beach")
    assert beach.response == "Golden sand glitters under a cloudless sky." and beach.status == STATUS_OK
    assert forest.source.record_id == "request-2" and forest.status == STATUS_ERROR


def test_litellm_standard_logging_payload(data: Path) -> None:
    records, _ = read([data / "litellm_payloads.jsonl"])
    ok, failed, bedrock = records
    assert ok.account == "data-gen"
    assert ok.api_key_id == "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b"
    assert ok.timestamp == datetime(2025, 1, 1, 0, 5, 0, 120000, tzinfo=UTC)
    assert (ok.system, ok.prompt) == ("You create labelled support tickets.", "Generate 10 tickets.")
    assert ok.response == "1. My invoice is wrong.\n2. I cannot log in."
    assert dict(ok.params) == {"temperature": 1.1, "max_tokens": 2048}
    assert (ok.usage_in, ok.usage_out, ok.endpoint, ok.provider) == (30, 200, "acompletion", "openai")
    assert failed.status == STATUS_ERROR and failed.account == "synthetic-data-team"
    assert failed.provider == "anthropic"
    assert bedrock.provider == "anthropic" and bedrock.account == "bob" and bedrock.response == "Bonjour."


def test_litellm_spend_logs(data: Path) -> None:
    records, _ = read([data / "litellm_spend.jsonl"])
    deepseek, failed = records
    assert deepseek.source.record_id == "chatcmpl-3f1c9e" and deepseek.request_id == "chatcmpl-3f1c9e"
    assert deepseek.provider == "deepseek" and deepseek.account == "distill-key"
    assert deepseek.api_key_id == "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b"
    # messages were redacted ("{}"), so the prompt comes from proxy_server_request
    assert (deepseek.system, deepseek.prompt) == ("Think step by step.", "Explain quicksort.")
    assert dict(deepseek.params) == {"temperature": 0.6, "max_tokens": 512}
    assert deepseek.timestamp == datetime(2025, 2, 1, 14, 3, 11, 482000, tzinfo=UTC)
    assert (deepseek.usage_in, deepseek.usage_out, deepseek.status) == (31, 120, STATUS_OK)
    assert failed.status == STATUS_ERROR and failed.provider == "google" and failed.account is None
    assert failed.prompt == "Rate these 4 answers from 1 to 10."


def test_langfuse_export_lines(data: Path) -> None:
    records, stats = read([data / "langfuse_observations.jsonl"])
    distill, judge = records
    assert distill.timestamp == datetime(2025, 1, 1, 10, tzinfo=UTC)  # zone-less export time is UTC
    assert distill.account == "u-42" and distill.provider == "anthropic"
    assert (distill.system, distill.prompt) == ("Rewrite as a tutorial.", "Explain TCP handshakes.")
    assert distill.response == "A TCP connection starts with SYN, SYN-ACK, ACK."
    assert dict(distill.params) == {"temperature": 0.7, "max_tokens": 4096}
    assert (distill.usage_in, distill.usage_out) == (50, 400)
    assert judge.status == STATUS_ERROR and judge.account == "p1" and judge.response == "7"
    assert stats.ignored == {"langfuse SPAN observation (not a model call)": 1}


def test_langfuse_single_trace_and_array_export(data: Path) -> None:
    records, stats = read([data / "trace-7f3e2a.json", data / "langfuse_export_array.json"])
    by = by_id(records)
    gen = by["gen-1"]
    assert gen.account == "user-17"  # trace-level userId carried onto the observation
    assert (gen.model, gen.provider) == ("gemini-2.0-flash", "google")
    assert gen.prompt == "Ask a question about photosynthesis."
    assert gen.response == "Why do leaves look green?" and dict(gen.params) == {"temperature": 0.8, "max_tokens": 256}
    # array elements keep the line they start on
    assert (by["obs-a1"].source.line, by["obs-a2"].source.line) == (2, 3)
    assert by["obs-a2"].response == "Sluggish."
    assert stats.ignored == {"langfuse SPAN observation (not a model call)": 1,
                             "langfuse EVENT observation (not a model call)": 1}


def test_generic(data: Path) -> None:
    records, stats = read([data / "generic.jsonl"])
    labelled, failed = records
    assert (labelled.provider, labelled.model, labelled.account, labelled.api_key_id) == (
        "mistral", "mistral-large-latest", "team-red", "kid_1")
    assert dict(labelled.params) == {"temperature": 0.0, "max_tokens": 5, "logprobs": True, "top_logprobs": 20}
    assert (labelled.usage_in, labelled.usage_out, labelled.status) == (14, 1, STATUS_OK)
    assert failed.provider == "xai" and failed.status == STATUS_ERROR
    assert stats.skipped == [(str(data / "generic.jsonl"), 3, "generic: timestamp 'yesterday' is not a timestamp")]


def test_epoch_seconds_milliseconds_microseconds_nanoseconds(tmp_path: Path) -> None:
    path = tmp_path / "epochs.jsonl"
    path.write_text("".join(f'{{"timestamp": {value}, "prompt": "p", "response": "r"}}\n'
                            for value in ("1735689600", "1735689600000", "1735689600000000",
                                          "1735689600000000000", '"1735689600"', '"2025-01-01T00:00:00Z"',
                                          '"2025-01-01 00:00:00.000000"', '"2025-01-01T01:00:00+01:00"')))
    records, stats = read([path])
    assert stats.ok and len(records) == 8
    assert {r.timestamp for r in records} == {datetime(2025, 1, 1, tzinfo=UTC)}
    assert all(r.timestamp is not None and r.timestamp.tzinfo is UTC for r in records)


def test_streaming_chunks_are_counted_not_read(tmp_path: Path) -> None:
    path = tmp_path / "stream.jsonl"
    chunk = ('{"id": "chatcmpl-s1", "object": "chat.completion.chunk", "created": 1735689600, "model": "gpt-4o", '
             '"choices": [{"index": 0, "delta": {"content": "%s"}, "finish_reason": null}]}\n')
    path.write_text(chunk % "Hel" + chunk % "lo")
    records, stats = read([path])
    assert records == [] and stats.ok
    assert stats.ignored == {"openai-chat streaming chunk (not reassembled)": 2}
