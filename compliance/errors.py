"""One root exception and the exit codes the CLI promises.

Every error a user can cause carries the file and line it came from, so the CLI can print one
line and exit 2 instead of a traceback.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_POLICY = 1
EXIT_INPUT = 2


class ToscheckError(Exception):
    """Root of every error tos-check reports to the user."""

    exit_code = EXIT_INPUT


class InputError(ToscheckError):
    """Bad input: a manifest, rule pack, log or option the tool cannot accept."""

    def __init__(self, path: str | None, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = " ".join(self.message.split())
        return f"{where}{text}"
