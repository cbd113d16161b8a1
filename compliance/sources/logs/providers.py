"""Map model names, proxy provider labels and API hosts to the company whose terms apply.

Records carry the *model maker* (openai, anthropic, google, ...) because that is whose
terms of service the rules quote; the proxy or cloud in between is kept out of it. The tables
are shared with repository discovery (`compliance.catalog.providers`, data in
`rules/catalog/providers.yaml`); model lookups are cached per distinct name.
"""

from __future__ import annotations

from urllib.parse import urlparse

from compliance.catalog.providers import label_provider, provider_from_host, provider_from_model, provider_tables


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
    routers = provider_tables().routers
    if label:
        found = label_provider(label)[1]
        if found and found != "self-hosted" and found not in routers:
            return found
    if api_base:
        text = api_base if "//" in api_base else "http://" + api_base
        found = provider_from_host(urlparse(text).hostname or "")
        if found and found not in routers:
            return found
    return default


__all__ = ["infer_provider", "provider_from_model"]
