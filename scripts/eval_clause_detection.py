#!/usr/bin/env python3
"""Measure clause detection leave-one-document-out on the labelled terms corpus.

For each document of `index.yaml`, `tos-check terms detect` runs with the known clauses of the
other documents only; its detections are scored against the document's labelled clauses (type and
line range, give or take one line; `other` is no target). Prints the per-type and micro-averaged
precision/recall table (the one in docs/clause-detection.md), the run time, and with `--errors`
every false positive and missed clause.

Usage: scripts/eval_clause_detection.py [--corpus DIR] [--errors] [--write-doc]
Same numbers: tos-check terms eval --corpus ../shared/corpus/terms
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "terms"
DOC = REPO / "docs" / "clause-detection.md"
START, END = "<!-- eval:start -->", "<!-- eval:end -->"


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(REPO))
    from compliance.nlp.clause_eval import evaluate, table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--errors", action="store_true", help="list false positives and missed clauses")
    parser.add_argument("--write-doc", action="store_true", help=f"replace the table in {DOC.relative_to(REPO)}")
    args = parser.parse_args(argv)
    result = evaluate(args.corpus)
    rendered = table(result)
    print(rendered)
    print(f"\n{result.documents} documents, leave-one-document-out, {result.seconds:.1f} s")
    if args.errors:
        for e in result.errors:
            extra = f"  {e['confidence']:.2f}  {e['text'][:110]}" if e["error"] == "false-positive" else ""
            print(f"{e['error']:<15} {e['type']:<27} {e['file']}:{e['line']}{extra}")
    if args.write_doc:
        text = DOC.read_text(encoding="utf-8")
        if START not in text or END not in text:
            print(f"{DOC}: markers {START} / {END} not found", file=sys.stderr)
            return 2
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        DOC.write_text(f"{head}{START}\n{rendered}\n{END}{tail}", encoding="utf-8")
        print(f"updated {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
