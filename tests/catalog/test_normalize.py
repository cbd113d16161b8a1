"""Name normalisation: decorations that never change which model is meant are removed."""

from __future__ import annotations

import pytest

from compliance.catalog.normalize import (
    digit_tokens,
    name_key,
    split_org,
    strip_location,
    strip_model_decorations,
)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("GPT-4o", "gpt-4-o"),
        ("gpt4o", "gpt-4-o"),
        ("gpt 4o", "gpt-4-o"),
        ("Claude 3.5 Sonnet", "claude-3-5-sonnet"),
        ("claude-3-5-sonnet", "claude-3-5-sonnet"),
        ("Command R+", "command-r-plus"),
        ("ultrachat_200k", "ultrachat-200-k"),
    ],
)
def test_name_key(text: str, key: str) -> None:
    assert name_key(text) == key


@pytest.mark.parametrize(
    ("name", "stripped"),
    [
        ("gpt-4o-2024-08-06", "gpt-4o"),
        ("claude-3-5-sonnet-20240620", "claude-3-5-sonnet"),
        ("claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet-v2"),
        ("claude-3-5-haiku-latest", "claude-3-5-haiku"),
        ("llama-2-7b-chat-gguf", "llama-2-7b-chat"),
        ("qwen2.5-7b-instruct-awq", "qwen2.5-7b-instruct"),
        ("mistral-7b-instruct-v0.3-gptq-4bit", "mistral-7b-instruct-v0.3"),
        ("llama-2-7b-chat.q4_k_m.gguf", "llama-2-7b-chat"),
        ("ft:gpt-4o-mini-2024-07-18:acme::abc", "gpt-4o-mini"),
        ("us.anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku"),
        ("gpt-4-0613", "gpt-4-0613"),
        ("mistral-large-2407", "mistral-large-2407"),
    ],
)
def test_strip_model_decorations(name: str, stripped: str) -> None:
    assert strip_model_decorations(name) == stripped


def test_locations_and_orgs() -> None:
    assert strip_location("https://huggingface.co/meta-llama/Llama-3.1-8B/") == "meta-llama/llama-3.1-8b"
    assert strip_location("models/gemini-1.5-pro") == "gemini-1.5-pro"
    assert strip_location("hf://datasets/tatsu-lab/alpaca/data", datasets=True) == "tatsu-lab/alpaca"
    assert split_org("openrouter/meta-llama/llama-3.1-8b") == (["openrouter", "meta-llama"], "llama-3.1-8b")


def test_digit_tokens_keep_versions_and_sizes() -> None:
    assert digit_tokens(name_key("Qwen2.5-72B-Instruct")) == ("2", "5", "72")
    assert digit_tokens(name_key("claude-3-haiku")) != digit_tokens(name_key("claude-3-5-haiku"))
