"""Walk a repository the way git sees it: honour ignore rules, skip what cannot matter, say why.

Ignore sources, in order: vendored and tool folders (node_modules, .venv, site-packages, ...),
every `.gitignore` on the way down (deeper files win, as in git), `.tos-check/ignore` (gitignore
syntax, relative to the root) and `--exclude GLOB`. Binary files and files over the size limit
are skipped. Every skip is counted by reason; the first few paths of each reason are kept so the
report can show them without growing with the tree.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

VENDORED_DIRS = frozenset({
    "node_modules", "vendor", "third_party", "third-party", "thirdparty", ".venv", "venv", "site-packages",
    "dist-packages", "__pycache__", ".git", ".hg", ".svn", ".tox", ".nox", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".ipynb_checkpoints", "bower_components", ".eggs", ".cache",
})
MAX_FILE_BYTES = 2_000_000
SNIFF_BYTES = 8192
KEEP_PATHS_PER_REASON = 20

# What discovery reads, by file name or suffix; everything else is not opened at all.
CODE_SUFFIXES = frozenset({".py", ".ipynb", ".sh", ".bash", ".zsh", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx",
                           ".yaml", ".yml", ".json", ".toml", ".md"})
LICENSE_NAMES = ("license", "licence", "copying")


@dataclass(frozen=True)
class Entry:
    """A file discovery will read."""

    rel: str
    abspath: str
    size: int


@dataclass
class Skips:
    """Skipped paths by reason: counts, and the first paths of each reason."""

    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, reason: str, rel: str) -> None:
        self.counts[reason] += 1
        kept = self.examples.setdefault(reason, [])
        if len(kept) < KEEP_PATHS_PER_REASON:
            kept.append(rel)


def wanted(name: str) -> bool:
    """Whether discovery reads a file of this name at all (cheap: by name only)."""
    lowered = name.lower()
    if lowered.startswith(LICENSE_NAMES) or lowered.startswith("requirements"):
        return True
    return os.path.splitext(lowered)[1] in CODE_SUFFIXES


def _spec(lines: list[str]) -> pathspec.GitIgnoreSpec | None:
    cleaned = [line.rstrip("\n") for line in lines]
    if not any(line.strip() and not line.lstrip().startswith("#") for line in cleaned):
        return None
    return pathspec.GitIgnoreSpec.from_lines(cleaned)


def _read_spec(path: Path) -> pathspec.GitIgnoreSpec | None:
    try:
        return _spec(path.read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return None


class Walker:
    """Streams the files of a tree that discovery should read; records everything it skips."""

    def __init__(self, root: Path, exclude: list[str] | None = None, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.skips = Skips()
        self.exclude = pathspec.GitIgnoreSpec.from_lines(exclude) if exclude else None
        self.tool_ignore = _read_spec(root / ".tos-check" / "ignore")
        self.seen = 0

    def _ignored(self, rel: str, is_dir: bool, stack: list[tuple[str, pathspec.GitIgnoreSpec]]) -> str | None:
        probe = rel + "/" if is_dir else rel
        if self.exclude is not None and self.exclude.match_file(probe):
            return "excluded by --exclude"
        if self.tool_ignore is not None and self.tool_ignore.match_file(probe):
            return "ignored by .tos-check/ignore"
        for base, spec in reversed(stack):  # the deepest .gitignore that has a say wins
            local = rel[len(base) + 1:] if base else rel
            result = spec.check_file(local + "/" if is_dir else local)
            if result.include is not None:
                return "ignored by .gitignore" if result.include else None
        return None

    def __iter__(self) -> Iterator[Entry]:
        stack: list[tuple[str, pathspec.GitIgnoreSpec]] = []
        yield from self._walk(self.root, "", stack)

    def _walk(self, folder: Path, rel_dir: str, stack: list[tuple[str, pathspec.GitIgnoreSpec]]) -> Iterator[Entry]:
        pushed = False
        gitignore = folder / ".gitignore"
        if gitignore.is_file():
            spec = _read_spec(gitignore)
            if spec is not None:
                stack.append((rel_dir, spec))
                pushed = True
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            self.skips.add("unreadable folder", rel_dir or ".")
            entries = []
        try:
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                if entry.is_symlink():
                    self.skips.add("symbolic link", rel)
                    continue
                if entry.is_dir():
                    if entry.name in VENDORED_DIRS or entry.name.endswith(".egg-info"):
                        self.skips.add("vendored or tool folder", rel + "/")
                        continue
                    reason = self._ignored(rel, True, stack)
                    if reason:
                        self.skips.add(reason, rel + "/")
                        continue
                    yield from self._walk(Path(entry.path), rel, stack)
                    continue
                self.seen += 1
                reason = self._ignored(rel, False, stack)
                if reason:
                    self.skips.add(reason, rel)
                    continue
                if not wanted(entry.name):
                    self.skips.add("not a kind of file discovery reads", rel)
                    continue
                size = entry.stat().st_size
                if size > self.max_bytes:
                    self.skips.add(f"larger than {self.max_bytes // 1_000_000} MB", rel)
                    continue
                yield Entry(rel, entry.path, size)
        finally:
            if pushed:
                stack.pop()


def read_text(entry: Entry, skips: Skips) -> str | None:
    """The file's text, or None (recorded) when it is binary or not readable as text."""
    try:
        with open(entry.abspath, "rb") as handle:
            data = handle.read()
    except OSError:
        skips.add("unreadable", entry.rel)
        return None
    if b"\x00" in data[:SNIFF_BYTES]:
        skips.add("binary", entry.rel)
        return None
    return data.decode("utf-8", errors="replace")
