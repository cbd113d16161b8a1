"""Turn the many spellings of a model or dataset name into one comparable key.

Logs, configs and cards spell the same model as `gpt-4o-2024-08-06`, `GPT4o`, `openai/gpt-4o` or
`azure/gpt-4o`; Hugging Face ids add quantisation suffixes. Matching works on a key made of the
name's letter and digit runs, so punctuation and case never decide a match.
"""

from __future__ import annotations

import re

_URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/")
_HF_SCHEME = re.compile(r"^hf://")
_DATASETS_PREFIX = re.compile(r"^datasets/")
_MODELS_PREFIX = re.compile(r"^models/")
# OpenAI fine-tunes: ft:<base model>:<org>:<suffix>:<id>
_OPENAI_FINE_TUNE = re.compile(r"^ft:([^:]+):")
# Bedrock: [region.]anthropic.<model>[-v1:0]
_BEDROCK = re.compile(r"^(?:(?:us|eu|apac|global)\.)?(anthropic|meta|mistral|cohere|amazon)\.(.+)$")
_BEDROCK_VERSION = re.compile(r"-v\d+(?::\d+)?$")
_DATE_SUFFIX = re.compile(r"[-_@]?(?:19|20)\d{2}-?(?:0[1-9]|1[0-2])-?(?:0[1-9]|[12]\d|3[01])$")
_LATEST_SUFFIX = re.compile(r"[-_@:]latest$")
_QUANT_SUFFIX = re.compile(
    r"[-_.](?:gguf|ggml|awq|gptq|exl2|mlx|onnx|bnb|nf4|fp8|fp16|bf16|int4|int8|w4a16|w8a8|"
    r"\d+(?:\.\d+)?bpw|\d+-?bits?|q\d(?:_k)?(?:_[a-z0-9]+)*|i?q\d_[a-z0-9_]+)$"
)
_TOKEN = re.compile(r"[a-z]+|\d+")


def name_key(text: str) -> str:
    """Return the canonical key: lower-case letter and digit runs joined by '-'.

    `GPT-4o`, `gpt4o` and `gpt 4o` all become `gpt-4-o`; `Command R+` becomes `command-r-plus`.
    """
    lowered = text.lower().replace("+", " plus ")
    return "-".join(_TOKEN.findall(lowered))


def digit_tokens(key: str) -> tuple[str, ...]:
    """Numbers in a key, in order; versions and sizes must agree before a fuzzy match counts."""
    return tuple(part for part in key.split("-") if part.isdigit())


def lead_token(key: str) -> str:
    """First token of a key: the family stem (`gpt`, `claude`, `gemma`, `gemini`, ...)."""
    return key.split("-", 1)[0]


def strip_location(text: str, *, datasets: bool = False) -> str:
    """Drop URL, `hf://`, `models/` and (for datasets) `datasets/` prefixes; lower-case."""
    value = text.strip().lower().rstrip("/")
    value = _URL_PREFIX.sub("", value)
    value = _HF_SCHEME.sub("", value)
    value = _DATASETS_PREFIX.sub("", value) if datasets else _MODELS_PREFIX.sub("", value)
    if datasets and value.count("/") > 1:
        value = "/".join(value.split("/")[:2])
    return value


def split_org(text: str) -> tuple[list[str], str]:
    """Split `router/org/name` into its prefixes and the final name."""
    parts = [part for part in text.split("/") if part]
    if not parts:
        return [], ""
    return parts[:-1], parts[-1]


def strip_model_decorations(name: str) -> str:
    """Remove deployment decorations that do not change which model is meant.

    Fine-tune wrappers, Bedrock prefixes, snapshot dates, `-latest` and quantisation suffixes
    all name the same weights or family.
    """
    value = name.strip().lower()
    fine_tune = _OPENAI_FINE_TUNE.match(value)
    if fine_tune:
        value = fine_tune.group(1)
    bedrock = _BEDROCK.match(value)
    if bedrock:
        value = _BEDROCK_VERSION.sub("", bedrock.group(2))
    previous = None
    while previous != value:
        previous = value
        value = value.removesuffix(".gguf")
        value = _QUANT_SUFFIX.sub("", value)
        value = _LATEST_SUFFIX.sub("", value)
        value = _DATE_SUFFIX.sub("", value)
    return value

