"""Load and cache the model and dataset catalogs.

Both files are read with a safe YAML loader (compliance.yamlio.safe_load) and validated in full before anything uses them, so a
bad catalog stops a scan with a file name and a reason instead of producing wrong findings.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from compliance.catalog.paths import bundled_catalog_dir
from compliance.catalog.schema import DatasetCatalog, ModelCatalog
from compliance.errors import InputError
from compliance.yamlio import safe_load

MODELS_FILE = "models.yaml"
DATASETS_FILE = "datasets.yaml"

_CatalogT = TypeVar("_CatalogT", bound=BaseModel)


class CatalogError(InputError):
    """A catalog file is missing, is not YAML, or breaks the schema."""


def load_model_catalog(path: Path | None = None) -> ModelCatalog:
    """Return the validated model catalog (bundled `models.yaml` by default); cached per path."""
    target = path if path is not None else bundled_catalog_dir() / MODELS_FILE
    return _load_models(str(target.resolve()))


def load_dataset_catalog(path: Path | None = None) -> DatasetCatalog:
    """Return the validated dataset catalog (bundled `datasets.yaml` by default); cached per path."""
    target = path if path is not None else bundled_catalog_dir() / DATASETS_FILE
    return _load_datasets(str(target.resolve()))


def clear_catalog_cache() -> None:
    """Forget loaded catalogs, e.g. after a test rewrote a catalog file."""
    _load_models.cache_clear()
    _load_datasets.cache_clear()


@lru_cache(maxsize=8)
def _load_models(path: str) -> ModelCatalog:
    return parse_catalog(Path(path), ModelCatalog)


@lru_cache(maxsize=8)
def _load_datasets(path: str) -> DatasetCatalog:
    return parse_catalog(Path(path), DatasetCatalog)


def parse_catalog(path: Path, schema: type[_CatalogT]) -> _CatalogT:
    """Read `path` with a safe YAML loader (libyaml's when built in) and validate it against `schema`, uncached."""
    try:
        raw: Any = safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(str(path), None, f"cannot read catalog: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        line = exc.problem_mark.line + 1 if getattr(exc, "problem_mark", None) else None
        raise CatalogError(str(path), line, f"catalog is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise CatalogError(str(path), None, "catalog must be a mapping at the top level")
    try:
        return schema.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise CatalogError(
            str(path), None, f"{exc.error_count()} schema error(s); first at {where}: {first['msg']}"
        ) from exc
