"""Dataset-name resolution: Hugging Face ids, URLs, slugs and aliases, with provenance."""

from __future__ import annotations

import pytest

from compliance.catalog import resolve_dataset

RESOLVES = [
    ("stingning/ultrachat", "ultrachat"),
    ("UltraChat", "ultrachat"),
    ("ultrachat", "ultrachat"),
    ("thunlp/UltraChat", "ultrachat"),
    ("ultrachat_200k", "ultrachat-200k"),
    ("UltraChat 200k", "ultrachat-200k"),
    ("HuggingFaceH4/ultrachat_200k", "ultrachat-200k"),
    ("https://huggingface.co/datasets/HuggingFaceH4/ultrachat_200k", "ultrachat-200k"),
    ("tatsu-lab/alpaca", "alpaca"),
    ("alpaca", "alpaca"),
    ("Stanford Alpaca", "alpaca"),
    ("datasets/tatsu-lab/alpaca", "alpaca"),
    ("alpaca_data.json", "alpaca"),
    ("ShareGPT", "sharegpt-vicuna"),
    ("anon8231489123/ShareGPT_Vicuna_unfiltered", "sharegpt-vicuna"),
    ("ShareGPT_V3_unfiltered_cleaned_split", "sharegpt-vicuna"),
    ("Open-Orca/OpenOrca", "openorca"),
    ("teknium/OpenHermes-2.5", "openhermes-2.5"),
    ("Magpie", "magpie-pro-300k-filtered"),
    ("Magpie-Align/Magpie-Pro-300K-Filtered", "magpie-pro-300k-filtered"),
    ("databricks/databricks-dolly-15k", "dolly-15k"),
    ("OpenAssistant/oasst1", "oasst1"),
    ("lmsys/lmsys-chat-1m", "lmsys-chat-1m"),
    ("allenai/WildChat-1M", "wildchat-1m"),
    ("open-r1/OpenR1-Math-220k", "openr1-math-220k"),
    ("camel-ai/biology", "camel-ai"),
    ("HuggingFaceH4/no_robots", "no-robots"),
    ("no_robots", "no-robots"),
    ("DIBT/10k_prompts_ranked", "10k-prompts-ranked"),
    ("argilla/ultrafeedback-binarized-preferences", "ultrafeedback-binarized-preferences"),
]


@pytest.mark.parametrize(("name", "dataset_id"), RESOLVES)
def test_real_dataset_names_resolve(name: str, dataset_id: str) -> None:
    result = resolve_dataset(name)
    assert result.id == dataset_id, result
    assert result.confidence > 0.5 and result.method is not None


def test_terms_travel_with_generated_data() -> None:
    ultrachat = resolve_dataset("stingning/ultrachat")
    assert ultrachat.carries_terms == ("openai",)
    assert ultrachat.origin == "model-generated"
    assert ultrachat.generated_by[0].provider == "openai"
    alpaca = resolve_dataset("tatsu-lab/alpaca")
    assert (alpaca.license, alpaca.carries_terms) == ("CC-BY-NC-4.0", ("openai",))
    assert alpaca.generated_by[0].model == "text-davinci-003"
    assert resolve_dataset("ShareGPT").carries_terms == ("openai",)
    assert resolve_dataset("Magpie").carries_terms == ("meta",)
    assert set(resolve_dataset("lmsys/lmsys-chat-1m").carries_terms) == {"anthropic", "meta", "openai"}


def test_human_datasets_carry_no_terms() -> None:
    for name in ("databricks/databricks-dolly-15k", "OpenAssistant/oasst1", "GAIR/lima"):
        result = resolve_dataset(name)
        assert result.origin == "human" and result.carries_terms == ()
        assert all(g.provider is None for g in result.generated_by)


UNRESOLVED = [
    "squad",
    "pubmedqa",  # a source dataset inside a DPI collection, not that collection
    "someone/alpaca",  # an unknown org's copy is not the original
    "alpaca-cleaned",
    "my-training-data.jsonl",
    "",
]


@pytest.mark.parametrize("name", UNRESOLVED)
def test_unknown_datasets_stay_unresolved(name: str) -> None:
    result = resolve_dataset(name)
    assert result.id is None and result.confidence == 0.0 and result.method is None
