"""The CLI's cheap paths stay cheap, and `init` writes a manifest that scans."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import sys
from compliance.cli import main
sys.argv = ["tos-check", {arg!r}]
try:
    main()
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in ("spacy", "thinc", "rapidfuzz", "re2", "jinja2") if m in sys.modules)
print("HEAVY=" + ",".join(heavy))
"""


@pytest.mark.parametrize("arg", ["--help", "--version"])
def test_help_and_version_do_not_import_spacy(arg: str) -> None:
    out = subprocess.run([sys.executable, "-c", PROBE.format(arg=arg)], capture_output=True, text=True, check=True)
    heavy = out.stdout.strip().splitlines()[-1]
    assert heavy == "HEAVY=", heavy
    if arg == "--version":
        assert "tos-check 0." in out.stdout


def test_python_dash_m_works() -> None:
    out = subprocess.run([sys.executable, "-m", "compliance", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("tos-check ")


def test_init_writes_a_manifest_that_scans(cli, tmp_path: Path) -> None:
    result = cli("init", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ai-usage.yaml").read_text().startswith("# ai-usage.yaml")
    again = cli("init", str(tmp_path))
    assert again.exit_code == 2 and "already exists" in again.stderr
    scan = cli("scan", str(tmp_path), "--format", "json")
    assert scan.exit_code in (0, 1), scan.output


def test_bad_option_values_are_usage_errors(cli, tmp_path: Path) -> None:
    (tmp_path / "ai-usage.yaml").write_text("project: p\n")
    assert cli("scan", str(tmp_path), "--fail-on", "severe").exit_code == 2
    bad_date = cli("scan", str(tmp_path), "--as-of", "yesterday")
    assert bad_date.exit_code == 2 and "--as-of" in bad_date.stderr


def test_explain_shows_clause_and_source(cli) -> None:
    result = cli("explain", "openai.services-agreement.no-competing-model")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert "use Output to develop artificial intelligence models that compete" in flat
    assert "https://openai.com/policies/services-agreement/" in result.stdout
    assert "How to comply" in result.stdout
    unknown = cli("explain", "openai.services-agreement.no-competing-modle")
    assert unknown.exit_code == 2 and "did you mean" in unknown.stderr


def test_closed_pipe_is_not_an_internal_error() -> None:
    env = {k: v for k, v in os.environ.items() if k != "TOS_CHECK_DEBUG"}
    proc = subprocess.Popen([sys.executable, "-m", "compliance", "rules", "list"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before anything is written, like `| head -0`
    err = proc.stderr.read()
    proc.wait(timeout=60)
    assert b"internal error" not in err and b"Traceback" not in err, err
