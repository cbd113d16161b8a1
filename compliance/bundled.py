"""Where the data shipped with tos-check lives: in a wheel, or in a source checkout.

The wheel force-includes the repository's `rules/`, `reports/` and `schemas/` folders as
`compliance/_bundled/<name>/`; a source checkout (or an editable install) keeps them at the
repository root. Callers should not care which one they run from.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """The bundled folder `name` (rules, reports or schemas)."""
    installed = _PACKAGE_DIR / "_bundled" / name
    return installed if installed.is_dir() else _PACKAGE_DIR.parent / name


def bundled_rules_dir() -> Path:
    """The bundled rule packs, with `catalog/` and `lexicon/` inside."""
    return bundled_dir("rules")
