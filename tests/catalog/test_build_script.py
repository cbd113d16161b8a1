"""scripts/build_dataset_catalog.py reproduces the committed datasets.yaml byte for byte."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared"
CORPUS = SHARED / "corpus" / "datasets"


def _require_shared() -> Path:
    if not (CORPUS / "provenance.yaml").is_file():
        message = f"{CORPUS} is absent: the shared research corpus is not part of a user's clone"
        if os.environ.get("TOS_CHECK_REQUIRE_SHARED") == "1":
            pytest.fail(message + " (TOS_CHECK_REQUIRE_SHARED=1)")
        pytest.skip(message)
    return SHARED


def _script() -> ModuleType:
    path = REPO / "scripts" / "build_dataset_catalog.py"
    spec = importlib.util.spec_from_file_location("build_dataset_catalog", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_reproduces_the_committed_catalog() -> None:
    shared = _require_shared()
    committed = (REPO / "rules" / "catalog" / "datasets.yaml").read_text(encoding="utf-8")
    assert _script().build(shared) == committed


def test_build_is_deterministic() -> None:
    shared = _require_shared()
    script = _script()
    assert script.build(shared) == script.build(shared)


def test_check_mode_reports_a_stale_file(tmp_path: Path) -> None:
    shared = _require_shared()
    stale = tmp_path / "datasets.yaml"
    stale.write_text("schema_version: 1\ndatasets: []\n", encoding="utf-8")
    script = _script()
    assert script.main(["--shared", str(shared), "--output", str(stale), "--check"]) == 1
    assert script.main(["--shared", str(shared), "--output", str(stale)]) == 0
    assert script.main(["--shared", str(shared), "--output", str(stale), "--check"]) == 0


def test_every_curated_dataset_is_kept() -> None:
    import yaml

    shared = _require_shared()
    provenance = yaml.safe_load((CORPUS / "provenance.yaml").read_text(encoding="utf-8"))
    built = yaml.safe_load(_script().build(shared))
    built_ids = [entry["id"] for entry in built["datasets"] if entry["basis"] == "curated"]
    assert built_ids == [entry["id"] for entry in provenance["datasets"]]
