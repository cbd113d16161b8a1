"""Shared test helpers: the CLI runner, the repository paths, and the shared corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.cli import get_app

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared/, skipping the test where it is absent (a user's clone) unless CI requires it."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is absent: the shared research corpus is not part of a user's clone"
        if os.environ.get("TOS_CHECK_REQUIRE_SHARED") == "1":
            pytest.fail(message + " (TOS_CHECK_REQUIRE_SHARED=1)")
        pytest.skip(message)
    return path


@pytest.fixture
def corpus_terms() -> Path:
    return shared_path("corpus", "terms")


os.environ.setdefault("TOS_CHECK_DEBUG", "1")
# In-process CLI runs don't fork a lemma-label helper from the test process (tests/signals/
# test_label_service.py starts its own, and runs the CLI with and without it in subprocesses).
os.environ.setdefault("TOS_CHECK_NO_LABEL_SERVICE", "1")


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, cwd: Path | None = None):  # type: ignore[no-untyped-def]
        if cwd is None:
            return self.runner.invoke(get_app(), list(args))
        old = Path.cwd()
        os.chdir(cwd)
        try:
            return self.runner.invoke(get_app(), list(args))
        finally:
            os.chdir(old)


@pytest.fixture
def cli() -> Cli:
    return Cli()
