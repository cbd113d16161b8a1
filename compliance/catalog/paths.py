"""Where the bundled rule data lives, in a wheel and in a source checkout.

The wheel force-includes `rules/` as `compliance/_bundled/rules/`; a source checkout keeps it at
`<repo>/rules/`. Callers should not care which one they run from.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def bundled_rules_dir() -> Path:
    """Return the directory holding the bundled rule packs and `catalog/`."""
    installed = _PACKAGE_DIR / "_bundled" / "rules"
    if (installed / "catalog").is_dir():
        return installed
    return _PACKAGE_DIR.parent / "rules"


def bundled_catalog_dir() -> Path:
    """Return the directory holding `models.yaml` and `datasets.yaml`."""
    return bundled_rules_dir() / "catalog"
