"""Turn the user's path arguments into one sorted list of log files (and stdin).

Directories are walked recursively and keep only log-like names; files named explicitly (or
matched by a glob) are read whatever their name. Anything that cannot be found is reported in
`ReadStats.unreadable`, never skipped quietly.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence

from .records import ReadStats
from .streams import STDIN

LOG_SUFFIXES = (".jsonl", ".json", ".ndjson", ".log")
COMPRESSED_SUFFIXES = (".gz", ".zst")
_GLOB_CHARS = frozenset("*?[")


def is_log_name(name: str) -> bool:
    """`*.jsonl|json|ndjson|log`, optionally followed by `.gz` or `.zst`."""
    lower = name.lower()
    for suffix in COMPRESSED_SUFFIXES:
        if lower.endswith(suffix):
            lower = lower[: -len(suffix)]
            break
    return lower.endswith(LOG_SUFFIXES)


def _walk(directory: str, stats: ReadStats) -> list[str]:
    found: list[str] = []

    def on_error(exc: OSError) -> None:
        stats.unreadable.append((exc.filename or directory, exc.strerror or str(exc)))

    for root, dirs, files in os.walk(directory, onerror=on_error):
        dirs.sort()
        found.extend(os.path.normpath(os.path.join(root, name)) for name in files if is_log_name(name))
    return found


def expand_paths(paths: Sequence[str], stats: ReadStats) -> list[str]:
    """Files to read, sorted and de-duplicated; "-" (stdin) is kept and read last."""
    files: set[str] = set()
    stdin = False
    for path in paths:
        if path == STDIN:
            stdin = True
        elif os.path.isdir(path):
            files.update(_walk(path, stats))
        elif os.path.exists(path):
            files.add(os.path.normpath(path))
        elif _GLOB_CHARS.intersection(path):
            matches = glob.glob(path, recursive=True)
            if not matches:
                stats.unreadable.append((path, "pattern matched no files"))
            for match in matches:
                if os.path.isdir(match):
                    files.update(_walk(match, stats))
                else:
                    files.add(os.path.normpath(match))
        else:
            stats.unreadable.append((path, "no such file or directory"))
    ordered = sorted(files)
    if stdin:
        ordered.append(STDIN)
    return ordered
