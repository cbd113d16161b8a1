"""Model-name resolution: real spellings must resolve, look-alikes must not be confused."""

from __future__ import annotations

import pytest

from compliance.catalog import resolve_model
from compliance.catalog.resolve import FUZZY_THRESHOLD
from compliance.catalog.schema import ModelCatalog

# (name as found in logs / configs / cards, expected provider, expected family)
RESOLVES = [
    ("gpt4o", "openai", "gpt-4o"),
    ("GPT-4o-2024-08-06", "openai", "gpt-4o"),
    ("openai/gpt-4o", "openai", "gpt-4o"),
    ("gpt-4o-2024-05-13", "openai", "gpt-4o"),
    ("chatgpt-4o-latest", "openai", "gpt-4o"),
    ("azure/gpt-4o", "openai", "gpt-4o"),
    ("gpt-4o-mini-2024-07-18", "openai", "gpt-4o-mini"),
    ("ft:gpt-4o-mini-2024-07-18:acme::9abcDEF", "openai", "gpt-4o-mini"),
    ("gpt-4", "openai", "gpt-4"),
    ("GPT-4", "openai", "gpt-4"),
    ("gpt-4-0613", "openai", "gpt-4"),
    ("gpt-4-32k", "openai", "gpt-4"),
    ("gpt-4-turbo-2024-04-09", "openai", "gpt-4-turbo"),
    ("gpt-4-1106-preview", "openai", "gpt-4-turbo"),
    ("gpt-4.1-2025-04-14", "openai", "gpt-4.1"),
    ("gpt-4.1-mini", "openai", "gpt-4.1-mini"),
    ("gpt-3.5-turbo-0125", "openai", "gpt-3.5-turbo"),
    ("gpt-35-turbo", "openai", "gpt-3.5-turbo"),
    ("text-davinci-003", "openai", "text-davinci"),
    ("o1", "openai", "o1"),
    ("o1-2024-12-17", "openai", "o1"),
    ("o1-mini", "openai", "o1-mini"),
    ("o3-mini-2025-01-31", "openai", "o3-mini"),
    ("o4-mini", "openai", "o4-mini"),
    ("gpt-5-2025-08-07", "openai", "gpt-5"),
    ("gpt-5-mini", "openai", "gpt-5-mini"),
    ("ChatGPT", "openai", "chatgpt"),
    ("text-embedding-3-large", "openai", "text-embedding"),
    ("gpt2", "openai", "gpt2"),
    ("openai-community/gpt2-xl", "openai", "gpt2"),
    ("openai/whisper-large-v3", "openai", "whisper"),
    ("openai/gpt-oss-20b", "openai", "gpt-oss"),
    ("claude-3-5-sonnet-20241022", "anthropic", "claude-3.5-sonnet"),
    ("claude-3-5-sonnet-20240620", "anthropic", "claude-3.5-sonnet"),
    ("Claude 3.5 Sonnet", "anthropic", "claude-3.5-sonnet"),
    ("anthropic/claude-3.5-sonnet", "anthropic", "claude-3.5-sonnet"),
    ("claude-3-5-sonnet-v2@20241022", "anthropic", "claude-3.5-sonnet"),
    ("anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic", "claude-3.5-sonnet"),
    ("claude-3-haiku-20240307", "anthropic", "claude-3-haiku"),
    ("claude-3-5-haiku-latest", "anthropic", "claude-3.5-haiku"),
    ("claude-3-7-sonnet-20250219", "anthropic", "claude-3.7-sonnet"),
    ("claude-sonnet-4-20250514", "anthropic", "claude-sonnet-4"),
    ("claude-opus-4-1-20250805", "anthropic", "claude-opus-4.1"),
    ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic", "claude-sonnet-4.5"),
    ("claude-2.1", "anthropic", "claude-2.1"),
    ("gemini-1.5-pro-002", "google", "gemini-1.5-pro"),
    ("models/gemini-2.0-flash-001", "google", "gemini-2.0-flash"),
    ("gemini-2.5-flash-preview-04-17", "google", "gemini-2.5-flash"),
    ("Gemini", "google", "gemini"),
    ("google/gemma-2-9b-it", "google", "gemma-2"),
    ("gemma-7b", "google", "gemma"),
    ("meta-llama/Llama-3.1-8B-Instruct", "meta", "llama-3.1"),
    ("Llama 3.1 8B", "meta", "llama-3.1"),
    ("llama3.1:8b", "meta", "llama-3.1"),
    ("meta-llama/Meta-Llama-3-8B", "meta", "llama-3"),
    ("Meta-Llama-3-8B", "meta", "llama-3"),
    ("meta-llama/Llama-2-70b-chat-hf", "meta", "llama-2"),
    ("TheBloke/Llama-2-7B-Chat-GGUF", "meta", "llama-2"),
    ("unsloth/Meta-Llama-3.1-8B-Instruct-bnb-4bit", "meta", "llama-3.1"),
    ("llama-3.1-8b-instruct-q4_k_m.gguf", "meta", "llama-3.1"),
    ("meta-llama/Llama-3.2-3B-Instruct", "meta", "llama-3.2"),
    ("Llama-3.3-70B-Instruct", "meta", "llama-3.3"),
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "meta", "llama-4"),
    ("Qwen/Qwen2.5-7B-Instruct", "qwen", "qwen2.5"),
    ("Qwen/Qwen2.5-7B-Instruct-AWQ", "qwen", "qwen2.5"),
    ("Qwen/QwQ-32B", "qwen", "qwq"),
    ("Qwen/Qwen3-8B", "qwen", "qwen3"),
    ("deepseek-ai/DeepSeek-R1", "deepseek", "deepseek-r1"),
    ("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "deepseek", "deepseek-r1-distill-qwen"),
    ("deepseek-chat", "deepseek", "deepseek-chat"),
    ("deepseek-reasoner", "deepseek", "deepseek-reasoner"),
    ("deepseek-ai/DeepSeek-V3", "deepseek", "deepseek-v3"),
    ("mistralai/Mistral-7B-Instruct-v0.3", "mistral", "mistral-7b"),
    ("Mixtral-8x7B-Instruct-v0.1", "mistral", "mixtral-8x7b"),
    ("mistral-large-latest", "mistral", "mistral-large"),
    ("mistralai/Mistral-Large-Instruct-2407", "mistral", "mistral-large-2"),
    ("tiiuae/Falcon3-7B-Instruct", "tii", "falcon-3"),
    ("bigscience/bloom", "bigscience", "bloom"),
    ("CohereForAI/c4ai-command-r-v01", "cohere", "c4ai-command-r"),
    ("CohereLabs/c4ai-command-r-plus", "cohere", "c4ai-command-r-plus"),
    ("command-r-plus-08-2024", "cohere", "command-r-plus"),
    ("Command R+", "cohere", "command-r-plus"),
    ("microsoft/phi-4", "microsoft", "phi-4"),
    ("nvidia/Llama-3.1-Nemotron-70B-Instruct-HF", "nvidia", "llama-3.1-nemotron"),
    ("xai-org/grok-2", "xai", "grok-2"),
    ("grok-4-0709", "xai", "grok-4"),
    ("grok-beta", "xai", "grok-beta"),
    ("sonar-pro", "perplexity", "sonar"),
    ("Midjourney", "midjourney", "midjourney"),
    ("runwayml/stable-diffusion-v1-5", "stability", "stable-diffusion-v1"),
]


@pytest.mark.parametrize(("name", "provider", "family"), RESOLVES)
def test_real_names_resolve(name: str, provider: str, family: str) -> None:
    result = resolve_model(name)
    assert (result.provider, result.family) == (provider, family), result
    assert result.confidence > 0.5
    assert result.method in {"exact", "normalized", "fuzzy"}


LICENSES = [
    ("gpt2", "openai/gpt2", "open.mit", None),
    ("meta-llama/Llama-3.1-8B-Instruct", "meta/llama-3.1", "meta.llama-3.1-license", None),
    ("Meta-Llama-3-8B", "meta/llama-3", "meta.llama-3-license", None),
    ("meta-llama/Llama-3.2-1B", "meta/llama-3.2", "meta.llama-3.2-license", "meta.llama-3.1-license"),
    ("Llama-3.3-70B-Instruct", "meta/llama-3.3", "meta.llama-3.3-license", "meta.llama-3.1-license"),
    ("Qwen/Qwen2.5-3B-Instruct", "qwen/qwen2.5-3b", "qwen.qwen-research-license", None),
    ("Qwen/Qwen2-72B-Instruct", "qwen/qwen2-72b", "qwen.tongyi-qianwen-license", None),
    ("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "deepseek/deepseek-r1-distill-qwen",
     "deepseek.deepseek-r1-license", None),
    ("google/gemma-2-9b-it", "google/gemma-2", "google.gemma-terms-of-use", None),
    ("xai-org/grok-2", "xai/grok-2-open-weights", "xai.grok-2-community-license", None),
    ("mistralai/Codestral-22B-v0.1", "mistral/codestral-22b", "mistral.mnpl", None),
    ("claude-3-5-sonnet-20241022", "anthropic/claude-3.5-sonnet", None, None),
]


@pytest.mark.parametrize(("name", "entry_id", "license_id", "terms_as"), LICENSES)
def test_licences_follow_the_published_weights(
    name: str, entry_id: str, license_id: str | None, terms_as: str | None
) -> None:
    result = resolve_model(name)
    assert (result.id, result.license, result.terms_as) == (entry_id, license_id, terms_as)


UNRESOLVED = [
    "llama.cpp",
    "transformers",
    "bert-base-uncased",
    "my-model",
    "llama",
    "",
    "   ",
    "gpt-4x",
    "gemma-pro",
    "someone/llama-3-8b-finetune",
    "DeepSeek-V3-0324",
    "Qwen1.5-14B-Chat",
    "pytorch",
    "vllm",
    "sentence-transformers/all-MiniLM-L6-v2",
    "o1-mini-high-effort-custom",
]


@pytest.mark.parametrize("name", UNRESOLVED)
def test_unknown_names_stay_unresolved(name: str) -> None:
    result = resolve_model(name)
    assert result.id is None and result.provider is None and result.confidence == 0.0
    assert result.method is None and not result.resolved


# (name, family it must NOT resolve to, family it must resolve to or None)
NOT_CONFUSED = [
    ("gpt2", "gpt-4", "gpt2"),
    ("gpt-2", "gpt-4", "gpt2"),
    ("o1", "o1-mini", "o1"),
    ("o1-mini", "o1", "o1-mini"),
    ("o1-preview", "o1", "o1-preview"),
    ("o3", "o3-mini", "o3"),
    ("claude-3-haiku", "claude-3.5-haiku", "claude-3-haiku"),
    ("claude-3-5-haiku-20241022", "claude-3-haiku", "claude-3.5-haiku"),
    ("claude-3-sonnet-20240229", "claude-3.5-sonnet", "claude-3-sonnet"),
    ("gemma", "gemini", "gemma"),
    ("gemini", "gemma", "gemini"),
    ("gpt-4o", "gpt-4", "gpt-4o"),
    ("gpt-4o-mini", "gpt-4o", "gpt-4o-mini"),
    ("gpt-4.1", "gpt-4", "gpt-4.1"),
    ("Qwen/Qwen2.5-72B-Instruct", "qwen2.5-7b", "qwen2.5"),
    ("llama-2-7b", "llama-3", "llama-2"),
    ("command-r", "command-r-plus", "command-r"),
    ("c4ai-command-r-v01", "command-r", "c4ai-command-r"),
    ("gemini-1.5-flash-8b", "gemini-1.5-flash", "gemini-1.5-flash-8b"),
]


@pytest.mark.parametrize(("name", "wrong", "right"), NOT_CONFUSED)
def test_look_alikes_are_not_confused(name: str, wrong: str, right: str | None) -> None:
    result = resolve_model(name)
    assert result.family == right
    if wrong != right:
        assert result.family != wrong


def test_bare_grok_2_is_the_api_and_the_repo_id_is_the_weights() -> None:
    assert resolve_model("grok-2").kind == "api"
    assert resolve_model("xai-org/grok-2").kind == "open-weights"


def test_qwen_licence_depends_on_size() -> None:
    assert resolve_model("Qwen/Qwen2.5-7B-Instruct").license == "open.apache-2.0"
    assert resolve_model("Qwen/Qwen2.5-72B-Instruct").license == "qwen.qwen-license"
    assert resolve_model("Qwen/Qwen2.5-3B-Instruct").license == "qwen.qwen-research-license"


def test_methods_and_confidence_are_ordered() -> None:
    exact = resolve_model("gpt-4o")
    normalized = resolve_model("azure/gpt-4o")
    fuzzy = resolve_model("meta-llama/Llama-3.1-70B-Instruct-Turbo")
    assert (exact.method, exact.confidence) == ("exact", 1.0)
    assert (normalized.method, normalized.confidence) == ("normalized", 0.95)
    assert fuzzy.method == "fuzzy" and fuzzy.family == "llama-3.1"
    assert 0 < fuzzy.confidence < normalized.confidence


FUZZY_ACCEPTED = [
    ("meta-llama/Llama-3.1-70B-Instruct-Turbo", "llama-3.1"),  # ratio 88.5, router suffix
    ("Meta-Llama-3.1-8B-Instruct-Turbo", "llama-3.1"),  # ratio 90
    ("claude-3-5-sonet", "claude-3.5-sonnet"),  # one-letter typo
    ("gemini-1.5-flsh", "gemini-1.5-flash"),
]


@pytest.mark.parametrize(("name", "family"), FUZZY_ACCEPTED)
def test_fuzzy_threshold_accepts_close_variants(name: str, family: str) -> None:
    result = resolve_model(name)
    assert (result.method, result.family) == ("fuzzy", family)
    assert result.confidence >= round(FUZZY_THRESHOLD / 100 * 0.9, 3)


FUZZY_REJECTED = [
    "gpt-4x",  # ratio 85.7 against gpt-4o: below the threshold
    "claude-3-sonnet-opus",  # extra family word
    "llama-3.1-8b-uncensored-roleplay-merge",  # a derivative, far from any catalog name
    "mistral-7b-sft-beta-dpo-mix",
]


@pytest.mark.parametrize("name", FUZZY_REJECTED)
def test_fuzzy_threshold_rejects_near_misses(name: str) -> None:
    assert resolve_model(name).id is None


def test_resolution_is_deterministic_and_ties_go_to_the_lowest_id() -> None:
    catalog = ModelCatalog.model_validate(
        {
            "schema_version": 1,
            "models": [
                {"id": f"acme/{family}", "provider": "acme", "family": family, "kind": "api",
                 "license": None, "capabilities": ["chat"], "aliases": [alias],
                 "source": "https://example.org/models"}
                for family, alias in (("zeta-model", "widget-9-pro-x"), ("alpha-model", "widget-9-pro-y"))
            ],
        }
    )
    results = {resolve_model("widget-9-pro-z", catalog=catalog) for _ in range(5)}
    assert len(results) == 1
    (result,) = results
    assert result.method == "fuzzy" and result.id == "acme/alpha-model"
