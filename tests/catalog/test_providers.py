"""One set of provider tables for discovery and logs: hosts, proxy labels, model prefixes."""

from __future__ import annotations

import pytest

from compliance.catalog.providers import provider_from_model
from compliance.sources.discover.sdk import provider_from_url, split_model_prefix
from compliance.sources.logs.providers import infer_provider


@pytest.mark.parametrize("model, provider", [
    ("gpt-4o-2024-08-06", "openai"),
    ("ft:gpt-4o-mini:acme::abc", "openai"),
    ("anthropic/claude-3-5-sonnet-20241022", "anthropic"),
    ("us.anthropic.claude-3-haiku-20240307-v1:0", "anthropic"),
    ("models/gemini-2.5-flash", "google"),
    ("qwen-max-2099-01-01", "qwen"),          # not in the catalog: the prefix table decides
    ("Qwen/Qwen2.5-7B-Instruct", "qwen"),      # in the catalog
    ("kimi-k2", "moonshot"),
])
def test_model_names(model: str, provider: str) -> None:
    assert provider_from_model(model) == provider


def test_discovery_and_logs_agree_on_hosts() -> None:
    url = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
    assert provider_from_url(url) == "qwen"
    assert infer_provider(None, None, url) == "qwen"
    assert provider_from_url("http://localhost:8000/v1") == "self-hosted"


def test_routers_let_the_model_decide_in_logs() -> None:
    assert infer_provider("llama-3.1-70b-versatile", "groq", "https://api.groq.com/openai/v1") == "meta"
    assert infer_provider("unknown-model-x", "groq", "https://api.groq.com/openai/v1", default=None) is None
    assert split_model_prefix("groq/llama-3.1-8b-instant") == ("groq", "llama-3.1-8b-instant")
    assert split_model_prefix("ollama/llama3") == ("self-hosted", "llama3")
    assert split_model_prefix("my-org/model") == (None, "my-org/model")
