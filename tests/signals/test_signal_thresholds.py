"""Each bundled signal on both sides of its threshold, with hand-made records."""

from __future__ import annotations

import random

from tests.signals.conftest import loggen, record, results

GEN = "Generate {n} diverse instruction/response pairs about {topic}. Return JSON lines for fine-tuning our chat model."
COT = "Solve this puzzle about {topic}. Think step by step and write out your chain of thought: what is {n} times 7?"
JUDGE = 'You are an impartial judge. Rate the response below from 1 to 10. Output only the score. Response: "{topic}"'


def fired(acc, name: str) -> bool:
    return acc.signals[name].fired


def many(template: str, count: int, account: str = "acct", response: str = "x" * 700, **kw) -> list:
    return [record(template.format(n=i % 9 + 2, topic=f"topic number {chr(97 + i % 26)}{chr(97 + i // 26 % 26)}"),
                   response, account=account, minutes=i, line=i + 1, **kw) for i in range(count)]


def app(count: int, seed: int = 1) -> list:
    """Varied end-user traffic (the benchmark generator's)."""
    rng = random.Random(seed)
    return [record(*loggen()._app(rng)[:2], minutes=i) for i in range(count)]


def test_training_data_request_share() -> None:
    low = results(many(GEN, 4) + app(36))["acct"]
    high = results(many(GEN, 10) + app(30))["acct"]
    assert low.signals["training_data_request"].value == 0.1 and not fired(low, "training_data_request")
    assert high.signals["training_data_request"].value == 0.25 and fired(high, "training_data_request")
    assert "data-generation" in high.purposes and "data-generation" not in low.purposes


def test_min_records_guards_small_accounts() -> None:
    acc = results(many(GEN, 19))["acct"]
    assert acc.signals["training_data_request"].value == 1.0 and not fired(acc, "training_data_request")
    assert fired(results(many(GEN, 20))["acct"], "training_data_request")


def test_reasoning_trace_request() -> None:
    assert fired(results(many(COT, 30))["acct"], "reasoning_trace_request")
    assert not fired(results(many(COT, 5) + many("Tell me about {topic} in {n} lines please, briefly", 25))["acct"], "reasoning_trace_request")


def test_templated_generation_is_near_duplicate_share_and_skips_short_answers() -> None:
    templated = results(many("Rewrite the paragraph below in a formal tone, keeping every fact: {n} {topic}", 40))["acct"]
    assert templated.signals["templated_generation"].value >= 0.9 and fired(templated, "templated_generation")
    rng = random.Random(1)
    varied = results([record(loggen()._app(rng)[0], "x" * 700, minutes=i) for i in range(40)])["acct"]
    assert not fired(varied, "templated_generation")
    short = results(many("Rewrite the paragraph below in a formal tone, keeping every fact: {n} {topic}", 40, usage_out=20,
                          response="7"))["acct"]
    assert short.signals["templated_generation"].value == 0 and not fired(short, "templated_generation")


def test_topic_sweep_counts_distinct_topics() -> None:
    wide = results(many(GEN, 40))["acct"]
    assert wide.signals["topic_sweep"].value >= 20 and fired(wide, "topic_sweep")
    narrow = results([record(GEN.format(n=i, topic="tax law"), "x" * 700, minutes=i) for i in range(40)])["acct"]
    assert narrow.signals["topic_sweep"].value == 1 and not fired(narrow, "topic_sweep")


def test_logprob_harvesting() -> None:
    probing = results([record(f"continue {i}", params={"logprobs": True, "top_logprobs": 20}, minutes=i) for i in range(30)])["acct"]
    plain = results([record(f"continue {i}", params={"logprobs": i < 10}, minutes=i) for i in range(30)])["acct"]
    assert fired(probing, "logprob_harvesting") and probing.signals["logprob_harvesting"].value == 1.0
    assert not fired(plain, "logprob_harvesting")


def test_volume_per_day_and_rate() -> None:
    busy = results([record(f"q {i}", minutes=i // 10) for i in range(5000)])["acct"]  # one day
    assert fired(busy, "peak_day_volume") and busy.signals["peak_day_volume"].value == 5000
    assert fired(busy, "high_volume_rate")
    spread = results([record(f"q {i}", minutes=i * 2) for i in range(4000)])["acct"]  # about 5.6 days
    assert not fired(spread, "peak_day_volume") and not fired(spread, "high_volume_rate")


def test_max_reasoning_effort() -> None:
    assert fired(results([record(f"q {i}", params={"reasoning_effort": "high"}) for i in range(50)])["acct"], "max_reasoning_effort")
    assert not fired(results([record(f"q {i}", params={"reasoning_effort": "high" if i % 2 else "low"}) for i in range(50)])["acct"],
                     "max_reasoning_effort")


def test_llm_as_judge_is_evaluation_not_generation() -> None:
    judge = results(many(JUDGE, 40, usage_out=2))["acct"]
    assert fired(judge, "evaluation_judging") and judge.purposes == ["evaluation"]
    assert not any(fired(judge, name) for name in ("training_data_request", "templated_generation", "coordinated_accounts"))
    assert judge.score == 0.0


def test_coordinated_accounts_cluster_only_with_shared_templates() -> None:
    records = []
    for k in range(4):  # four accounts, ten records each, same three templates
        records += many("Give a long answer for our training examples to the question: {topic} {n}?", 4, account=f"r{k}")
        records += many("Rewrite this as an instruction and answer it in depth please: {topic} {n}", 3, account=f"r{k}")
        records += many("Draft a comprehensive reply and three follow-up questions for: {topic} {n}", 3, account=f"r{k}")
    records += many("Summarise the meeting notes for the team in five bullet points: {topic} {n}", 10, account="alone")
    found = results(records)
    cluster = {found[f"r{k}"].cluster for k in range(4)}
    assert len(cluster) == 1 and None not in cluster and found["alone"].cluster is None
    assert found["r0"].signals["coordinated_accounts"].value == 4 and fired(found["r0"], "coordinated_accounts")
    assert not fired(found["alone"], "coordinated_accounts")
    assert fired(found["r0"], "training_data_request") and found["r0"].signals["training_data_request"].scope == "cluster"
