"""The `tos-check` entry point: starts what an early start saves time on, then runs the CLI.

`tos-check audit` waits, at its first lemma test, for spaCy to load in the lemma-label helper
(compliance/nlp/service.py). Starting the helper here, before the CLI imports typer and its
commands, gives it those ~50 ms too. Nothing else happens here; `--help` stays as fast as before.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    # spaCy imports numpy, whose OpenBLAS starts a thread per core that spins for a while; tos-check
    # does no linear algebra, and on a busy machine (every log worker imports spaCy) those threads
    # take CPU from the workers. A value the user set is kept.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    if sys.argv[1:2] == ["audit"] and not {"-h", "--help"} & set(sys.argv):
        from compliance.nlp import service

        service.start()
    from compliance.cli import main as cli_main

    cli_main()
