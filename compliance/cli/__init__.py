"""The `tos-check` command line. Parses arguments, calls domain code, maps errors to exit codes.

Heavy modules (spaCy above all) are imported inside the commands that need them, so `--help`
and `--version` stay fast.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import Annotated, Any, Callable, TypeVar

import typer

from compliance import __version__
from compliance.errors import EXIT_INPUT, ToscheckError

app = typer.Typer(
    name="tos-check",
    help="Check an AI project's use of models, APIs and datasets against the terms and licenses it agreed to.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tos-check {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """tos-check: terms-of-service and model-license checks for AI projects."""


F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    """Turn a ToscheckError into one line on stderr and exit code 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ToscheckError as exc:
            typer.echo(f"tos-check: error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # the reader went away (`| head`): stop quietly, no report was lost
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(EXIT_INPUT) from None
        except Exception as exc:  # a bug must still not print a traceback, nor pass the gate
            if os.environ.get("TOS_CHECK_DEBUG") == "1":
                raise
            typer.echo(f"tos-check: internal error: {type(exc).__name__}: {exc} (set TOS_CHECK_DEBUG=1 for a traceback)", err=True)
            raise typer.Exit(EXIT_INPUT) from None

    return wrapper  # type: ignore[return-value]


_registered = False


def get_app() -> typer.Typer:
    """The app with every command registered (imports stay inside the commands)."""
    global _registered
    if not _registered:
        from compliance.cli import audit, explain, init, rules_cmd, scan, schema_cmd, terms_cmd  # noqa: F401  (commands register on import)
        from compliance.cli import diff_cmd  # noqa: F401  (registers `diff`)

        from compliance.cli import discover_cmd

        app.command("discover")(discover_cmd.discover)
        app.add_typer(rules_cmd.rules_app, name="rules")
        app.add_typer(terms_cmd.terms_app, name="terms")
        from compliance.cli import catalog_cmd

        app.add_typer(catalog_cmd.catalog_app, name="catalog")
        _registered = True
    return app


def main() -> None:
    """Run the CLI (the `tos-check` script enters through compliance/entry.py first)."""
    try:
        get_app()()
    except ToscheckError as exc:
        typer.echo(f"tos-check: error: {exc}", err=True)
        sys.exit(exc.exit_code)
