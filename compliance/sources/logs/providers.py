"""Map model names, proxy provider labels and API hosts to the company whose terms apply.

Records carry the *model maker* (openai, anthropic, google, ...) because that is whose
terms of service the rules quote; the proxy or cloud in between is kept out of it. Lookups
are prefix tests on lower-cased strings (no regex), cached per distinct model name.
"""

from __future__ import annotations

from functools import lru_cache

# Ordered: longer / more specific prefixes first where two could match.
_MODEL_PREFIXES: tuple[tuple[str, str], ...] = (
    ("text-embedding-gecko", "google"),
    ("gpt-oss", "openai"),
    ("gpt", "openai"),
    ("chatgpt", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("codex", "openai"),
    ("text-embedding", "openai"),
    ("text-davinci", "openai"),
    ("davinci", "openai"),
    ("babbage", "openai"),
    ("dall-e", "openai"),
    ("whisper", "openai"),
    ("tts-", "openai"),
    ("omni-moderation", "openai"),
    ("text-moderation", "openai"),
    ("computer-use", "openai"),
    ("claude", "anthropic"),
    ("gemini", "google"),
    ("gemma", "google"),
    ("learnlm", "google"),
    ("text-bison", "google"),
    ("chat-bison", "google"),
    ("palm", "google"),
    ("mistral", "mistral"),
    ("mixtral", "mistral"),
    ("codestral", "mistral"),
    ("ministral", "mistral"),
    ("magistral", "mistral"),
    ("pixtral", "mistral"),
    ("devstral", "mistral"),
    ("open-mistral", "mistral"),
    ("open-mixtral", "mistral"),
    ("deepseek", "deepseek"),
    ("grok", "xai"),
    ("llama", "meta"),
    ("meta-llama", "meta"),
    ("command", "cohere"),
    ("c4ai", "cohere"),
    ("qwen", "alibaba"),
    ("qwq", "alibaba"),
    ("kimi", "moonshot"),
    ("moonshot", "moonshot"),
    ("minimax", "minimax"),
    ("abab", "minimax"),
    ("glm", "zhipu"),
    ("jamba", "ai21"),
    ("nova", "amazon"),
    ("titan", "amazon"),
    ("phi-", "microsoft"),
)

# LiteLLM `custom_llm_provider` labels and `provider/` model prefixes that name a model maker.
_PROVIDER_LABELS: dict[str, str] = {
    "openai": "openai",
    "text-completion-openai": "openai",
    "azure": "openai",
    "azure_text": "openai",
    "anthropic": "anthropic",
    "gemini": "google",
    "vertex_ai": "google",
    "vertex_ai_beta": "google",
    "google": "google",
    "palm": "google",
    "mistral": "mistral",
    "codestral": "mistral",
    "deepseek": "deepseek",
    "xai": "xai",
    "meta_llama": "meta",
    "meta": "meta",
    "cohere": "cohere",
    "cohere_chat": "cohere",
    "dashscope": "alibaba",
    "moonshot": "moonshot",
    "minimax": "minimax",
}

# API hosts (substring of api_base) that identify a model maker.
_HOSTS: tuple[tuple[str, str], ...] = (
    ("api.openai.com", "openai"),
    (".openai.azure.com", "openai"),
    ("api.anthropic.com", "anthropic"),
    ("generativelanguage.googleapis.com", "google"),
    ("aiplatform.googleapis.com", "google"),
    ("api.mistral.ai", "mistral"),
    ("api.deepseek.com", "deepseek"),
    ("api.x.ai", "xai"),
    ("api.llama.com", "meta"),
    ("api.cohere", "cohere"),
    ("dashscope", "alibaba"),
    ("api.moonshot", "moonshot"),
    ("api.minimax", "minimax"),
)


@lru_cache(maxsize=4096)
def provider_from_model(model: str) -> str | None:
    """Model maker for a model id such as `gpt-4o`, `ft:gpt-4o-mini:acme::x`, `anthropic/claude-3`."""
    name = model.strip().lower()
    name = name.removeprefix("ft:")
    name = name.removeprefix("models/")
    if "/" in name:
        head, _, tail = name.partition("/")
        label = _PROVIDER_LABELS.get(head)
        found = provider_from_model(tail)
        return found or label
    if name.startswith(("anthropic.", "us.anthropic.", "eu.anthropic.", "apac.anthropic.")):
        return "anthropic"
    if name.startswith(("meta.", "us.meta.")):
        return "meta"
    if name.startswith(("mistral.", "amazon.", "cohere.")):
        return _PROVIDER_LABELS.get(name.partition(".")[0], "amazon")
    for prefix, provider in _MODEL_PREFIXES:
        if name.startswith(prefix):
            return provider
    return None


def infer_provider(
    model: str | None,
    label: str | None = None,
    api_base: str | None = None,
    default: str | None = None,
) -> str | None:
    """Best guess of the model maker: model name, then proxy label, then API host, then format."""
    if model:
        found = provider_from_model(model)
        if found:
            return found
    if label:
        found = _PROVIDER_LABELS.get(label.lower())
        if found:
            return found
    if api_base:
        host = api_base.lower()
        for needle, provider in _HOSTS:
            if needle in host:
                return provider
    return default
