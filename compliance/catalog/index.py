"""Lookup tables built once per catalog: literal names, canonical keys and fuzzy buckets.

Building them is the costly part of resolution; every later lookup is a dict access or a fuzzy
match against a handful of keys that already share a family stem and version numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from compliance.catalog.normalize import digit_tokens, lead_token, name_key


class CatalogConflict(ValueError):
    """Two catalog entries claim the same name, so resolution would be ambiguous."""


@dataclass
class NameIndex:
    """Names -> entry ids, at three strengths: literal, canonical key, fuzzy bucket."""

    literal: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    buckets: dict[tuple[str, tuple[str, ...]], list[tuple[str, str]]] = field(
        default_factory=dict
    )
    _secondary: dict[str, str] = field(default_factory=dict)
    _ambiguous: set[str] = field(default_factory=set)

    def add_literal(self, name: str, entry_id: str) -> None:
        """Register an exact spelling (compared lower-cased); conflicts are catalog bugs."""
        text = name.strip().lower()
        owner = self.literal.setdefault(text, entry_id)
        if owner != entry_id:
            raise CatalogConflict(f"{name!r} is claimed by {owner} and {entry_id}")

    def add_key(self, key: str, entry_id: str) -> None:
        """Register a canonical key that must point to one entry only."""
        if not key:
            return
        owner = self.keys.setdefault(key, entry_id)
        if owner != entry_id:
            raise CatalogConflict(f"key {key!r} is claimed by {owner} and {entry_id}")

    def add_secondary_key(self, key: str, entry_id: str) -> None:
        """Register a weaker key (e.g. a repo name without its org); dropped if ambiguous."""
        if not key or key in self._ambiguous:
            return
        owner = self._secondary.setdefault(key, entry_id)
        if owner != entry_id:
            self._ambiguous.add(key)

    def freeze(self) -> None:
        """Merge unambiguous secondary keys and build the fuzzy buckets."""
        for key, entry_id in self._secondary.items():
            if key not in self._ambiguous:
                self.keys.setdefault(key, entry_id)
        grouped: dict[tuple[str, tuple[str, ...]], list[tuple[str, str]]] = defaultdict(list)
        for key, entry_id in self.keys.items():
            grouped[(lead_token(key), digit_tokens(key))].append((key, entry_id))
        self.buckets = {
            bucket: sorted(members, key=lambda item: (item[1], item[0]))
            for bucket, members in grouped.items()
        }

    def candidates(self, key: str) -> list[tuple[str, str]]:
        """Keys sharing `key`'s family stem and numbers, sorted by entry id then key."""
        return self.buckets.get((lead_token(key), digit_tokens(key)), [])


def keys_of(names: Iterable[str]) -> list[str]:
    """Canonical keys of `names` without empties or repeats."""
    seen: dict[str, None] = {}
    for name in names:
        key = name_key(name)
        if key:
            seen.setdefault(key, None)
    return list(seen)
