"""Model and dataset catalogs: names, providers, licences and provenance, with name resolution.

Rule packs reason about providers and licence ids; projects mention models and datasets by any
name they like. This package maps the second onto the first.
"""

from compliance.catalog.loader import (
    CatalogError,
    load_dataset_catalog,
    load_model_catalog,
)
from compliance.catalog.paths import bundled_rules_dir
from compliance.catalog.resolve import (
    DatasetResolution,
    ModelResolution,
    resolve_dataset,
    resolve_model,
)

__all__ = [
    "CatalogError",
    "DatasetResolution",
    "ModelResolution",
    "bundled_rules_dir",
    "load_dataset_catalog",
    "load_model_catalog",
    "resolve_dataset",
    "resolve_model",
]
