"""Validated shapes of `rules/catalog/models.yaml` and `datasets.yaml`.

The catalogs are shared knowledge: rule packs key on the provider names and licence ids used here,
so a typo must fail at load time, not silently miss a rule.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Providers whose terms or licences the rule packs know; `carries_terms` may only name these.
CORE_PROVIDERS: frozenset[str] = frozenset(
    {
        "openai", "anthropic", "google", "meta", "qwen", "deepseek", "mistral", "xai",
        "perplexity", "midjourney", "cohere", "tii", "bigscience", "stability", "nvidia",
        "microsoft",
    }
)

# Licence / terms document ids a model's weights can be governed by (see docs/catalog.md).
MODEL_LICENSES: frozenset[str] = frozenset(
    {
        "meta.llama-1-license", "meta.llama-2-license", "meta.llama-3-license",
        "meta.llama-3.1-license", "meta.llama-3.2-license", "meta.llama-3.3-license",
        "meta.llama-4-license", "google.gemma-terms-of-use", "qwen.tongyi-qianwen-license",
        "qwen.qwen-research-license", "deepseek.deepseek-license-agreement",
        "deepseek.deepseek-r1-license", "mistral.mnpl", "mistral.mrl",
        "xai.grok-2-community-license", "tii.falcon-3-license", "bigscience.bloom-rail-1.0",
        "stability.creativeml-openrail-m", "nvidia.open-model-agreement", "cohere.cc-by-nc-4.0",
        "open.apache-2.0", "open.mit", "open.cc-by-nc-4.0",
    }
)

# Real licences that govern catalogued weights but have no copy in the terms corpus yet.
# Rule packs do not know them, so a finding that depends on them should be a review.
LICENSES_WITHOUT_DOCUMENT: frozenset[str] = frozenset(
    {"qwen.qwen-license", "nvidia.open-model-license"}
)

CAPABILITIES: frozenset[str] = frozenset(
    {
        "chat", "general-purpose", "code", "reasoning", "embedding", "classifier", "image",
        "speech", "moderation", "base",
    }
)

# SPDX ids that dataset licences may use, besides `LicenseRef-...` and `unknown`.
SPDX_LICENSES: frozenset[str] = frozenset(
    {
        "Apache-2.0", "MIT", "BSD-2-Clause", "BSD-3-Clause", "CC0-1.0", "CC-BY-2.0",
        "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC-BY-NC-2.0",
        "CC-BY-NC-3.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-4.0", "CC-BY-NC-ND-4.0",
        "CC-BY-ND-4.0", "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "CDLA-Sharing-1.0",
        "ODC-By-1.0", "GPL-2.0-only", "GPL-3.0-only", "LGPL-2.1-only", "LGPL-3.0-only",
        "MPL-2.0", "EPL-1.0", "ISC", "Artistic-2.0", "AFL-3.0", "OGL-UK-3.0",
        "BigScience-OpenRAIL-M",
    }
)

_SLUG = re.compile(r"^[a-z0-9][a-z0-9.+-]*$")
_LICENSE_REF = re.compile(r"^LicenseRef-[A-Za-z0-9.-]+$")

Origin = Literal["model-generated", "human", "mixed", "chat-logs", "scraped", "unknown"]
Confidence = Literal["high", "medium", "low"]


def is_dataset_license(value: str) -> bool:
    """True if `value` is an SPDX id we accept, a `LicenseRef-...`, or `unknown`."""
    return value == "unknown" or value in SPDX_LICENSES or bool(_LICENSE_REF.match(value))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ModelEntry(_Strict):
    """One model family: every name it goes by, who makes it and what governs its weights."""

    id: str
    provider: str
    family: str
    kind: Literal["api", "open-weights"]
    license: str | None
    terms_as: str | None = None
    base_license: str | None = Field(
        default=None,
        description="Licence of the base model the publisher says these weights derive from.",
    )
    capabilities: list[str]
    aliases: list[str] = Field(default_factory=list)
    hf_ids: list[str] = Field(default_factory=list)
    source: str
    note: str | None = None

    @field_validator("provider", "family")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError(f"{value!r} is not a lower-case slug")
        return value

    @field_validator("capabilities")
    @classmethod
    def _capabilities(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - CAPABILITIES)
        if unknown or not value:
            raise ValueError(f"unknown or missing capabilities: {unknown}")
        return value

    @field_validator("hf_ids")
    @classmethod
    def _hf_ids(cls, value: list[str]) -> list[str]:
        for hf_id in value:
            if hf_id.count("/") != 1:
                raise ValueError(f"Hugging Face id {hf_id!r} must be owner/name")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ModelEntry:
        if not self.id.startswith(f"{self.provider}/{self.family}"):
            raise ValueError(f"id {self.id!r} must start with provider/family")
        known = MODEL_LICENSES | LICENSES_WITHOUT_DOCUMENT
        for field in ("license", "terms_as", "base_license"):
            value = getattr(self, field)
            if value is not None and value not in known:
                raise ValueError(f"{field} {value!r} is not a known licence id")
        if (self.kind == "api") != (self.license is None):
            raise ValueError("API models have license null; open-weight models need one")
        if self.terms_as is not None and self.license is None:
            raise ValueError("terms_as needs a license")
        if not self.source.startswith("https://"):
            raise ValueError("source must be an https URL")
        return self


class ModelCatalog(_Strict):
    """The whole of `models.yaml`."""

    schema_version: Literal[1]
    transparent_prefixes: list[str] = Field(
        default_factory=list,
        description=(
            "Org or router prefixes that do not change which model is meant: Hugging Face orgs"
            " that re-upload other makers' weights (quantised) and API routers such as `azure/`."
        ),
    )
    models: list[ModelEntry]

    @model_validator(mode="after")
    def _unique_ids(self) -> ModelCatalog:
        ids = [entry.id for entry in self.models]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate model ids: {duplicates}")
        return self


class GeneratedBy(_Strict):
    """A model that wrote (part of) a dataset; provider is null when it is not one maker."""

    provider: str | None = None
    model: str
    role: str | None = None

    @field_validator("provider")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        if value is not None and not _SLUG.match(value):
            raise ValueError(f"provider {value!r} is not a lower-case slug")
        return value


class DatasetEntry(_Strict):
    """One dataset: its names, who or what wrote it, its licence and whose terms travel with it."""

    id: str
    name: str
    hf_id: str | None
    aliases: list[str] = Field(default_factory=list)
    origin: Origin
    generated_by: list[GeneratedBy] = Field(default_factory=list)
    license: str
    license_other: list[str] = Field(default_factory=list)
    carries_terms: list[str] = Field(default_factory=list)
    confidence: Confidence
    basis: Literal["curated", "dpi"]
    sources: list[str] = Field(min_length=1)
    tos_note: str | None = None
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError(f"{value!r} is not a lower-case slug")
        return value

    @field_validator("license")
    @classmethod
    def _license(cls, value: str) -> str:
        if not is_dataset_license(value):
            raise ValueError(f"{value!r} is not an SPDX id, LicenseRef-... or unknown")
        return value

    @field_validator("carries_terms")
    @classmethod
    def _carries(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - CORE_PROVIDERS)
        if unknown:
            raise ValueError(f"carries_terms names providers without terms: {unknown}")
        return value


class DatasetCatalog(_Strict):
    """The whole of `datasets.yaml`."""

    schema_version: Literal[1]
    generated_from: list[str] = Field(default_factory=list)
    datasets: list[DatasetEntry]

    @model_validator(mode="after")
    def _unique_ids(self) -> DatasetCatalog:
        ids = [entry.id for entry in self.datasets]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate dataset ids: {duplicates}")
        return self
