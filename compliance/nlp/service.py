"""A lemma-label service: one process loads spaCy while the command starts, every process asks it.

Importing spaCy and building the pipeline takes ~0.6 s, and every process that evaluates a lemma
test needs the result. Without the service each log worker pays that itself, after the command has
imported its own modules, loaded the rule packs and planned the partitions (~0.35 s), so workers
get going at ~0.95 s. `start()` forks a helper right at the beginning of the command; it imports
spaCy at once and then answers `labels` requests: which lemma tests (LemmaMatcher labels) match a
text. The command and the workers it forks later share the helper: by then spaCy is (nearly)
loaded, and no worker imports it. Cue texts repeat, so each process asks about few texts (9 per
125,000 benchmark records) and keeps the answers.

The answers are those of a local build: the helper builds the same Matcher and PhraseMatcher from
the patterns it is sent (compliance.signals.conditions.build_matchers/match_labels, one
implementation for both). Anything that goes wrong (no helper, a dead one, a late reply) makes the
caller build locally, as it would without the service.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

_service: "LabelService | None" = None
TIMEOUT = 120.0  # seconds to wait for a reply before building locally


class LabelService:
    """The client side, shared by the command and (through fork) its workers."""

    def __init__(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._lock = context.Lock()  # one request and its reply at a time, across processes
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), name="tos-check-lemmas", daemon=True)
        self._process.start()
        child.close()
        self._sent: set[str] = set()  # pattern sets this process has sent (the helper keeps every one)
        self.broken = False

    def prepare(self, key: str, patterns: dict[str, list[Any]]) -> None:
        """Send a pattern set ahead of any request, so that the helper builds its matchers as soon as
        spaCy is loaded (processes forked later know it was sent)."""
        if self.broken or key in self._sent:
            return
        try:
            with self._lock:
                self._conn.send(("patterns", key, patterns))
                self._sent.add(key)
        except (OSError, ValueError):
            self.broken = True

    def labels(self, key: str, patterns: dict[str, list[Any]], text: str) -> frozenset[str] | None:
        """The labels of the lemma tests matching text, or None (build locally)."""
        if self.broken:
            return None
        try:
            with self._lock:
                if key not in self._sent:
                    self._conn.send(("patterns", key, patterns))
                    self._sent.add(key)
                self._conn.send(("labels", key, text))
                if not self._conn.poll(TIMEOUT):
                    raise TimeoutError
                reply = self._conn.recv()
        except (OSError, EOFError, TimeoutError, ValueError):
            self.broken = True  # the pipe may hold a late reply now: never use it again
            return None
        if not isinstance(reply, frozenset):
            self.broken = True
            return None
        return reply

    def close(self) -> None:
        self.broken = True
        try:
            self._conn.close()
        except OSError:
            pass


def start() -> LabelService | None:
    """Start the helper for this process and the processes it forks later (once; needs fork and a
    second core, where the helper's loading overlaps the command's own start-up)."""
    global _service
    if _service is not None:
        return _service
    if os.environ.get("TOS_CHECK_NO_LABEL_SERVICE") == "1":
        return None
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    import multiprocessing

    if cores < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    _service = LabelService()
    return _service


def current() -> LabelService | None:
    """The service started in this process or inherited from the process that forked it."""
    return _service


def patterns_key(patterns: dict[str, list[Any]]) -> str:
    """A name for a set of lemma patterns (labels and patterns), the same in every process."""
    return hashlib.blake2b(json.dumps(patterns, sort_keys=True).encode(), digest_size=16).hexdigest()


def _serve(conn: Any) -> None:
    """The helper: import spaCy first, then answer requests until the pipe closes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the command's to handle; it closes the pipe
    devnull = os.open(os.devnull, os.O_RDWR)  # never hold the command's stdin or stdout (a pipe's reader waits for EOF)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    try:
        from compliance.nlp.pipeline import get_nlp

        get_nlp()
    except Exception:  # noqa: BLE001 - each request then fails the same way and its caller builds locally
        pass
    from compliance.signals.conditions import build_matchers, match_labels

    built: dict[str, Any] = {}
    cache: dict[tuple[str, str], frozenset[str]] = {}
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        kind = message[0]
        if kind == "patterns":
            _, key, patterns = message
            if key not in built:
                try:
                    built[key] = build_matchers(patterns)  # spaCy is loaded by now (above)
                except Exception as exc:  # noqa: BLE001 - reported to whoever asks with this key
                    built[key] = exc
            continue
        _, key, text = message
        matchers = built.get(key)
        try:
            if matchers is None or isinstance(matchers, Exception):
                raise LookupError(key)
            found = cache.get((key, text))
            if found is None:
                found = match_labels(matchers, text)
                if len(cache) >= 8192:
                    cache.clear()
                cache[(key, text)] = found
            conn.send(found)
        except (OSError, EOFError):
            return
        except Exception as exc:  # noqa: BLE001 - the caller builds locally and meets the error itself
            try:
                conn.send(("error", f"{type(exc).__name__}: {exc}"))
            except (OSError, EOFError):
                return
