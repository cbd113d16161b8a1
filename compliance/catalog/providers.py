"""Whose terms apply to a call: by API host, proxy label, and model name.

The tables are data (`rules/catalog/providers.yaml`); repository discovery and the log readers
share them, so a Qwen call is `qwen` whichever way it was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from compliance.catalog.paths import bundled_catalog_dir
from compliance.errors import InputError
from compliance.yamlio import load_yaml_file


@dataclass(frozen=True)
class ProviderTables:
    hosts: tuple[tuple[re.Pattern[str], str], ...]
    routers: frozenset[str]
    labels: dict[str, str | None]
    model_prefixes: tuple[tuple[str, str], ...]


@lru_cache(maxsize=1)
def provider_tables() -> ProviderTables:
    path = bundled_catalog_dir() / "providers.yaml"
    data: Any = load_yaml_file(path, "rules/catalog/providers.yaml")
    try:
        return ProviderTables(
            hosts=tuple((re.compile(h["pattern"]), h["provider"]) for h in data["hosts"]),
            routers=frozenset(data["routers"]),
            labels={str(k).lower(): v for k, v in data["labels"].items()},
            model_prefixes=tuple((p["prefix"], p["provider"]) for p in data["model_prefixes"]),
        )
    except (KeyError, TypeError, re.error) as exc:
        raise InputError("rules/catalog/providers.yaml", None, f"malformed provider tables: {exc}") from None


def provider_from_host(host: str) -> str | None:
    """The provider whose API a host name belongs to, if it is a known one."""
    host = host.lower()
    for pattern, provider in provider_tables().hosts:
        if pattern.search(host):
            return provider
    return None


def label_provider(label: str) -> tuple[bool, str | None]:
    """(known, provider) for a proxy or SDK label; provider may be `self-hosted` or None."""
    labels = provider_tables().labels
    key = label.lower()
    return key in labels, labels.get(key)


@lru_cache(maxsize=4096)
def provider_from_model(model: str) -> str | None:
    """The maker of a model id such as `gpt-4o`, `ft:gpt-4o-mini:acme::x`, `anthropic/claude-3`.

    The model catalog decides first; the prefix table covers names it does not list.
    """
    from compliance.catalog import resolve_model

    name = model.strip().lower().removeprefix("ft:").removeprefix("models/")
    if "/" in name:
        head, _, tail = name.partition("/")
        found = provider_from_model(tail)
        if found:
            return found
        label = label_provider(head)[1]
        return label if label != "self-hosted" and label not in provider_tables().routers else None
    resolved = resolve_model(name).provider
    if resolved:
        return resolved
    if name.startswith(("anthropic.", "us.anthropic.", "eu.anthropic.", "apac.anthropic.")):
        return "anthropic"
    if name.startswith(("meta.", "us.meta.")):
        return "meta"
    if name.startswith(("mistral.", "amazon.", "cohere.")):
        return label_provider(name.partition(".")[0])[1] or "amazon"
    for prefix, provider in provider_tables().model_prefixes:
        if name.startswith(prefix):
            return provider
    return None
