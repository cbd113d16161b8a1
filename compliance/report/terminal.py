"""Terminal output: colour on a TTY, plain text otherwise, progress on stderr only on a TTY.

Colour is off when the stream is not a terminal, when `NO_COLOR` is set (https://no-color.org),
when `CI` is set, or when `TERM=dumb`. The text is styled with rich `Text` objects, never with
rich markup, so `[bold]` or escape sequences in untrusted text stay inert.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterator, Mapping
from typing import IO

STATUS_STYLES = {"VIOLATION": "bold red", "REVIEW": "bold yellow", "WAIVED": "bold blue"}
SEVERITY_STYLES = {"[critical]": "bold magenta", "[high]": "red", "[medium]": "yellow", "[low]": "cyan", "[info]": "dim"}
_VERDICT = re.compile(r"^Verdict: (FAIL|PASS)")
_HEAD = re.compile(r"^(VIOLATION|REVIEW|WAIVED) (\[[a-z]+\])")


def use_colour(stream: IO[str], env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    if env.get("NO_COLOR") or env.get("CI") or env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def write_text(text: str, stream: IO[str], colour: bool) -> None:
    """Write the text report; styled line by line when `colour`."""
    if not colour:
        stream.write(text)
        stream.flush()
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, force_terminal=True, highlight=False, emoji=False, soft_wrap=True)
    for line in text.splitlines():
        styled = Text(line)
        head = _HEAD.match(line)
        if head:
            styled.stylize(STATUS_STYLES[head.group(1)], 0, head.end(1))
            styled.stylize(SEVERITY_STYLES.get(head.group(2), ""), head.start(2), head.end(2))
        verdict = _VERDICT.match(line)
        if verdict:
            styled.stylize("bold red" if verdict.group(1) == "FAIL" else "bold green", 0, len(line))
        if line.startswith("  ok  "):
            styled.stylize("green", 2, 4)
        console.print(styled, markup=False, highlight=False)


@contextlib.contextmanager
def progress(message: str, enabled: bool) -> Iterator[None]:
    """A spinner on stderr while work runs, only when stderr is a terminal and `enabled`."""
    if not enabled or not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(message):
        yield
