"""Resolve a model or dataset name found in a project to a catalog entry.

Stages run cheapest first and stop at the first hit: a literal name, then the canonical key after
normalisation, then a guarded fuzzy match. A wrong match is worse than none (it would apply the
wrong licence), so the fuzzy stage only compares names that share the family stem and every
version/size number, and it must clear `FUZZY_THRESHOLD`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process, utils

from compliance.catalog.index import CatalogConflict, NameIndex, keys_of
from compliance.catalog.loader import (
    CatalogError,
    load_dataset_catalog,
    load_model_catalog,
)
from compliance.catalog.normalize import (
    name_key,
    split_org,
    strip_location,
    strip_model_decorations,
)
from compliance.catalog.schema import (
    DatasetCatalog,
    DatasetEntry,
    GeneratedBy,
    ModelCatalog,
    ModelEntry,
)

Method = Literal["exact", "normalized", "fuzzy"]

# fuzz.ratio on processed keys (0-100). 88 accepts router/deployment variants such as
# `llama-3.1-70b-instruct-turbo` (88.5) and one-letter typos, and rejects near-misses such as
# `gpt-4x` vs `gpt-4o`; tests/catalog/test_resolve_models.py pins both sides.
FUZZY_THRESHOLD = 88.0
# Shorter keys differ by too few characters for a ratio to mean anything.
FUZZY_MIN_KEY_LENGTH = 8
CONFIDENCE_EXACT = 1.0
CONFIDENCE_NORMALIZED = 0.95
# A fuzzy match never reaches the confidence of a normalised one.
FUZZY_CONFIDENCE_SCALE = 0.9


@dataclass(frozen=True)
class ModelResolution:
    """What a model name refers to, and how sure the catalog is (0..1)."""

    input: str
    id: str | None
    provider: str | None
    family: str | None
    kind: str | None
    license: str | None
    terms_as: str | None
    capabilities: tuple[str, ...]
    confidence: float
    method: Method | None
    matched: str | None = None
    base_license: str | None = None

    @property
    def resolved(self) -> bool:
        """True when the name matched a catalog entry."""
        return self.id is not None


@dataclass(frozen=True)
class DatasetResolution:
    """What a dataset name refers to, and how sure the catalog is (0..1)."""

    input: str
    id: str | None
    hf_id: str | None
    origin: str | None
    generated_by: tuple[GeneratedBy, ...]
    license: str | None
    carries_terms: tuple[str, ...]
    confidence: float
    method: Method | None
    matched: str | None = None

    @property
    def resolved(self) -> bool:
        """True when the name matched a catalog entry."""
        return self.id is not None


@dataclass(frozen=True)
class _ModelIndex:
    names: NameIndex
    entries: dict[str, ModelEntry]
    known_orgs: frozenset[str]


@dataclass(frozen=True)
class _DatasetIndex:
    names: NameIndex
    entries: dict[str, DatasetEntry]
    known_orgs: frozenset[str]


_MODEL_INDEXES: dict[int, tuple[ModelCatalog, _ModelIndex]] = {}
_DATASET_INDEXES: dict[int, tuple[DatasetCatalog, _DatasetIndex]] = {}


def resolve_model(name: str, *, catalog: ModelCatalog | None = None) -> ModelResolution:
    """Resolve `name` (API id, Hugging Face id, marketing name, ...) against the model catalog."""
    index = _model_index(catalog if catalog is not None else load_model_catalog())
    hit = _match_model(name, index)
    if hit is None:
        return ModelResolution(name, None, None, None, None, None, None, (), 0.0, None)
    entry_id, method, confidence, matched = hit
    entry = index.entries[entry_id]
    return ModelResolution(
        input=name,
        id=entry.id,
        provider=entry.provider,
        family=entry.family,
        kind=entry.kind,
        license=entry.license,
        terms_as=entry.terms_as,
        capabilities=tuple(entry.capabilities),
        confidence=confidence,
        method=method,
        matched=matched,
        base_license=entry.base_license,
    )


def resolve_dataset(name: str, *, catalog: DatasetCatalog | None = None) -> DatasetResolution:
    """Resolve `name` (slug, Hugging Face id or URL, alias) against the dataset catalog."""
    index = _dataset_index(catalog if catalog is not None else load_dataset_catalog())
    hit = _match_dataset(name, index)
    if hit is None:
        return DatasetResolution(name, None, None, None, (), None, (), 0.0, None)
    entry_id, method, confidence, matched = hit
    entry = index.entries[entry_id]
    return DatasetResolution(
        input=name,
        id=entry.id,
        hf_id=entry.hf_id,
        origin=entry.origin,
        generated_by=tuple(entry.generated_by),
        license=entry.license,
        carries_terms=tuple(entry.carries_terms),
        confidence=confidence,
        method=method,
        matched=matched,
    )


_Hit = tuple[str, Method, float, str]


def _match_model(name: str, index: _ModelIndex) -> _Hit | None:
    lowered = name.strip().lower()
    if not lowered:
        return None
    if lowered in index.names.literal:
        return index.names.literal[lowered], "exact", CONFIDENCE_EXACT, lowered
    located = strip_location(lowered)
    orgs, base = split_org(located)
    base = strip_model_decorations(base)
    for candidate in (located, "/".join([*orgs[-1:], base])):
        if candidate in index.names.literal:
            return index.names.literal[candidate], "normalized", CONFIDENCE_NORMALIZED, candidate
    if any(org not in index.known_orgs for org in orgs):
        return None
    return _match_key(name_key(base), index.names)


def _match_dataset(name: str, index: _DatasetIndex) -> _Hit | None:
    lowered = name.strip().lower()
    if not lowered:
        return None
    if lowered in index.names.literal:
        return index.names.literal[lowered], "exact", CONFIDENCE_EXACT, lowered
    located = strip_location(lowered, datasets=True)
    if located in index.names.literal:
        return index.names.literal[located], "normalized", CONFIDENCE_NORMALIZED, located
    orgs, base = split_org(located)
    if any(org not in index.known_orgs for org in orgs):
        return None
    return _match_key(name_key(base), index.names)


def _match_key(key: str, names: NameIndex) -> _Hit | None:
    if not key:
        return None
    if key in names.keys:
        return names.keys[key], "normalized", CONFIDENCE_NORMALIZED, key
    if len(key) < FUZZY_MIN_KEY_LENGTH:
        return None
    candidates = names.candidates(key)
    if not candidates:
        return None
    # Candidates are sorted by entry id, and extractOne keeps the first best choice, so ties
    # resolve to the lowest id on every run.
    best = process.extractOne(
        key,
        [candidate for candidate, _ in candidates],
        scorer=fuzz.ratio,
        processor=utils.default_process,
        score_cutoff=FUZZY_THRESHOLD,
    )
    if best is None:
        return None
    choice, score, position = best
    confidence = round(score / 100.0 * FUZZY_CONFIDENCE_SCALE, 3)
    return candidates[position][1], "fuzzy", confidence, choice


def _model_index(catalog: ModelCatalog) -> _ModelIndex:
    cached = _MODEL_INDEXES.get(id(catalog))
    if cached is not None and cached[0] is catalog:
        return cached[1]
    names = NameIndex()
    orgs = {org.lower() for org in catalog.transparent_prefixes}
    try:
        for entry in catalog.models:
            orgs.add(entry.provider)
            for literal in [entry.id, *entry.aliases, *entry.hf_ids]:
                names.add_literal(literal, entry.id)
            for key in keys_of(strip_model_decorations(text) for text in entry.aliases):
                names.add_key(key, entry.id)
            # Several entries may share a family (licence differs by size): weaker keys.
            for text in (entry.family, entry.id.split("/", 1)[1]):
                names.add_secondary_key(name_key(text), entry.id)
            for hf_id in entry.hf_ids:
                org, repo = hf_id.lower().split("/")
                orgs.add(org)
                names.add_literal(f"{org}/{strip_model_decorations(repo)}", entry.id)
                names.add_secondary_key(name_key(strip_model_decorations(repo)), entry.id)
    except CatalogConflict as exc:
        raise CatalogError("models.yaml", None, str(exc)) from exc
    names.freeze()
    built = _ModelIndex(names, {entry.id: entry for entry in catalog.models}, frozenset(orgs))
    _MODEL_INDEXES[id(catalog)] = (catalog, built)
    return built


def _dataset_index(catalog: DatasetCatalog) -> _DatasetIndex:
    cached = _DATASET_INDEXES.get(id(catalog))
    if cached is not None and cached[0] is catalog:
        return cached[1]
    names = NameIndex()
    orgs: set[str] = set()
    try:
        for entry in catalog.datasets:
            literals = [entry.id, *entry.aliases]
            if entry.hf_id:
                literals.append(entry.hf_id)
                org, repo = entry.hf_id.lower().split("/", 1)
                orgs.add(org)
                names.add_secondary_key(name_key(repo), entry.id)
            for literal in literals:
                names.add_literal(literal, entry.id)
            for key in keys_of([entry.id, *entry.aliases]):
                names.add_key(key, entry.id)
            names.add_secondary_key(name_key(entry.name), entry.id)
    except CatalogConflict as exc:
        raise CatalogError("datasets.yaml", None, str(exc)) from exc
    names.freeze()
    built = _DatasetIndex(names, {entry.id: entry for entry in catalog.datasets}, frozenset(orgs))
    _DATASET_INDEXES[id(catalog)] = (catalog, built)
    return built
