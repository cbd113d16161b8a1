"""The committed catalog files: size, sources, vocabulary, and load-time validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.catalog import (
    CatalogError,
    bundled_rules_dir,
    load_dataset_catalog,
    load_model_catalog,
)
from compliance.catalog.loader import clear_catalog_cache, parse_catalog
from compliance.catalog.resolve import resolve_dataset, resolve_model
from compliance.catalog.schema import (
    CORE_PROVIDERS,
    LICENSES_WITHOUT_DOCUMENT,
    MODEL_LICENSES,
    ModelCatalog,
    is_dataset_license,
)

REPO = Path(__file__).resolve().parents[2]


def test_bundled_rules_dir_finds_the_source_checkout() -> None:
    assert (bundled_rules_dir() / "catalog" / "models.yaml").is_file()
    assert (bundled_rules_dir() / "catalog" / "datasets.yaml").is_file()


def test_model_catalog_has_at_least_150_identifiers() -> None:
    catalog = load_model_catalog()
    identifiers = {
        name.lower()
        for entry in catalog.models
        for name in [entry.id, *entry.aliases, *entry.hf_ids]
    }
    assert len(identifiers) >= 150
    assert len(catalog.models) >= 100


def test_dataset_catalog_has_at_least_80_datasets_with_sources() -> None:
    catalog = load_dataset_catalog()
    assert len(catalog.datasets) >= 80
    assert sum(entry.basis == "curated" for entry in catalog.datasets) == 83
    for entry in catalog.datasets:
        assert entry.sources and all(url.startswith("https://") for url in entry.sources), entry.id


def test_every_model_licence_is_in_the_vocabulary() -> None:
    known = MODEL_LICENSES | LICENSES_WITHOUT_DOCUMENT
    for entry in load_model_catalog().models:
        for value in (entry.license, entry.terms_as, entry.base_license):
            assert value is None or value in known, (entry.id, value)
        assert entry.source.startswith("https://"), entry.id


def test_every_dataset_licence_is_spdx_or_licenseref() -> None:
    for entry in load_dataset_catalog().datasets:
        assert is_dataset_license(entry.license), (entry.id, entry.license)
        assert set(entry.carries_terms) <= CORE_PROVIDERS


def test_core_providers_all_have_models() -> None:
    providers = {entry.provider for entry in load_model_catalog().models}
    assert CORE_PROVIDERS <= providers


def test_every_catalogued_name_resolves_to_its_own_entry() -> None:
    for entry in load_model_catalog().models:
        for name in [entry.id, *entry.aliases, *entry.hf_ids]:
            assert resolve_model(name).id == entry.id, name
    for dataset in load_dataset_catalog().datasets:
        for name in [dataset.id, *dataset.aliases, *([dataset.hf_id] if dataset.hf_id else [])]:
            assert resolve_dataset(name).id == dataset.id, name


def test_catalogs_are_cached() -> None:
    assert load_model_catalog() is load_model_catalog()
    clear_catalog_cache()
    assert load_dataset_catalog() is load_dataset_catalog()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "models.yaml"
    path.write_text(text, encoding="utf-8")
    return path


ENTRY = (
    "- {id: acme/widget, provider: acme, family: widget, kind: api, license: null,"
    " capabilities: [chat], source: 'https://example.org'}\n"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("schema_version: 1\nmodels:\n" + ENTRY.replace("license: null", "license: open.wtfpl"),
         "license"),
        ("schema_version: 1\nmodels:\n" + ENTRY.replace("kind: api", "kind: open-weights"),
         "license"),
        ("schema_version: 1\nmodels:\n" + ENTRY.replace("[chat]", "[telepathy]"), "capabilities"),
        ("schema_version: 1\nmodels:\n" + ENTRY.replace("}", ", colour: red}"), "colour"),
        ("schema_version: 2\nmodels: []\n", "schema_version"),
        ("schema_version: 1\nmodels: [\n", "not valid YAML"),
        ("- just a list\n", "mapping"),
    ],
)
def test_bad_catalogs_fail_at_load_with_the_file_named(
    tmp_path: Path, text: str, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(CatalogError) as error:
        parse_catalog(path, ModelCatalog)
    assert message in str(error.value) and str(path) in str(error.value)


def test_two_entries_claiming_one_name_is_an_error(tmp_path: Path) -> None:
    second = ENTRY.replace("acme/widget", "acme/widget-pro").replace("family: widget", "family: widget-pro")
    text = "schema_version: 1\nmodels:\n" + ENTRY.replace("}", ", aliases: [Widget]}") + second.replace(
        "}", ", aliases: [widget]}"
    )
    catalog = parse_catalog(_write(tmp_path, text), ModelCatalog)
    with pytest.raises(CatalogError, match="claimed by"):
        resolve_model("widget", catalog=catalog)


def test_missing_catalog_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot read"):
        load_model_catalog(tmp_path / "absent.yaml")
