"""Where the bundled rule data lives, in a wheel and in a source checkout.

The wheel force-includes `rules/` as `compliance/_bundled/rules/`; a source checkout keeps it at
`<repo>/rules/`. Callers should not care which one they run from.
"""

from __future__ import annotations

from pathlib import Path

from compliance.bundled import bundled_rules_dir

__all__ = ["bundled_catalog_dir", "bundled_rules_dir"]


def bundled_catalog_dir() -> Path:
    """Return the directory holding `models.yaml` and `datasets.yaml`."""
    return bundled_rules_dir() / "catalog"
