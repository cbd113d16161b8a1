"""`tos-check terms …`: find clauses in a license or terms text, and measure how well that works."""

from __future__ import annotations

import json
import textwrap
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from compliance.cli import reports_errors
from compliance.errors import EXIT_POLICY, InputError

terms_app = typer.Typer(help="Find clauses (no-compete, attribution, MAU threshold, …) in license and terms texts.",
                        no_args_is_help=True)

SNIFF = 8192


class Format(str, Enum):
    text = "text"
    json = "json"


def read_text_file(path: Path) -> str:
    """The file as text, or an InputError naming the file (and line) when it is missing or not text."""
    shown = str(path)
    if not path.exists():
        raise InputError(shown, None, "file not found")
    if path.is_dir():
        raise InputError(shown, None, "is a directory, not a text file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(shown, None, f"cannot read: {exc.strerror or exc}") from None
    if b"\x00" in data[:SNIFF]:
        raise InputError(shown, None, "binary file (contains NUL bytes): expected a license or terms text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(shown, line, f"not UTF-8 text (byte 0x{data[exc.start]:02x}): expected a license or terms text") from None


@terms_app.command("detect")
@reports_errors
def detect(
    file: Annotated[Path, typer.Argument(help="License or terms text (Markdown or plain text).")],
    format: Annotated[Format, typer.Option("--format", "-f", help="text or json.")] = Format.text,
    draft_rules: Annotated[Path | None, typer.Option("--draft-rules", help="Also write a draft rule pack (YAML) here.")] = None,
    min_confidence: Annotated[float | None, typer.Option("--min-confidence", min=0.0, max=1.0,
                                                            help="Report clauses at or above this confidence (default: the lexicon's, 0.5).")] = None,
    document_id: Annotated[str | None, typer.Option("--document-id", help="Document id of the draft pack (default draft.<file name>).")] = None,
) -> None:
    """Find clauses by type in a license or terms text: line, confidence and sentence of each."""
    from compliance.nlp.clauses import detect as find

    text = read_text_file(file)
    found = find(text, threshold=min_confidence)
    if format is Format.json:
        typer.echo(json.dumps([d.to_json() for d in found], indent=2, ensure_ascii=False))
    else:
        typer.echo(f"{file}: {len(found)} clause{'s' if len(found) != 1 else ''} found")
        for d in found:
            also = f" (also at line{'s' if len(d.also_at) > 1 else ''} {', '.join(map(str, d.also_at))})" if d.also_at else ""
            typer.echo(f"  line {d.line:<5} {d.type:<27} {d.confidence:.2f}{also}")
            typer.echo(textwrap.fill(d.text, 100, initial_indent="      ", subsequent_indent="      ",
                                     max_lines=3, placeholder=" …"))
    if draft_rules is not None:
        _write_draft(found, file, draft_rules, document_id)


def _write_draft(found, source: Path, out: Path, document_id: str | None) -> None:  # type: ignore[no-untyped-def]
    from pydantic import ValidationError

    from compliance.nlp.clause_drafts import draft_pack, render
    from compliance.rules.schema import RulePackModel

    if not found:
        raise InputError(str(source), None, "no clauses found, so no draft rule pack was written")
    pack = draft_pack(found, source, document_id)
    try:
        RulePackModel.model_validate(pack)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in err["loc"])
        raise InputError(None, None, f"cannot write a valid draft pack: {where}: {err['msg']} (check --document-id)") from None
    try:
        out.write_text(render(pack, source), encoding="utf-8")
    except OSError as exc:
        raise InputError(str(out), None, f"cannot write: {exc.strerror or exc}") from None
    typer.echo(f"wrote draft rule pack {out} ({len(pack['rules'])} review rules with placeholder conditions)", err=True)


@terms_app.command("eval")
@reports_errors
def evaluate(
    corpus: Annotated[Path, typer.Option("--corpus", help="Folder with index.yaml and the labelled texts.")],
    format: Annotated[Format, typer.Option("--format", "-f", help="text (a Markdown table) or json.")] = Format.text,
    min_precision: Annotated[float | None, typer.Option("--min-precision", help="Exit 1 if micro precision is lower.")] = None,
    min_recall: Annotated[float | None, typer.Option("--min-recall", help="Exit 1 if micro recall is lower.")] = None,
    errors: Annotated[bool, typer.Option("--errors", help="Also list false positives and missed clauses.")] = False,
) -> None:
    """Leave-one-document-out precision and recall of `terms detect` on a labelled corpus."""
    from compliance.nlp.clause_eval import evaluate as run
    from compliance.nlp.clause_eval import table

    result = run(corpus)
    micro = result.micro
    if format is Format.json:
        payload = {
            "documents": result.documents, "seconds": round(result.seconds, 1),
            "per_type": {k: {"labels": c.labels, "detections": c.tp + c.fp, "true_positives": c.tp,
                             "precision": c.precision, "labels_found": c.found, "recall": c.recall}
                         for k, c in result.per_type.items()},
            "micro": {"precision": micro.precision, "recall": micro.recall},
        }
        if errors:
            payload["errors"] = result.errors
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        typer.echo(table(result))
        typer.echo(f"\n{result.documents} documents, leave-one-document-out, {result.seconds:.1f} s")
        if errors:
            for e in result.errors:
                where = f"{e['file']}:{e['line']}"
                extra = f" {e['confidence']:.2f} {e['text'][:100]}" if e["error"] == "false-positive" else ""
                typer.echo(f"{e['error']:<15} {e['type']:<27} {where}{extra}")
    if (min_precision is not None and (micro.precision or 0.0) < min_precision) or \
            (min_recall is not None and (micro.recall or 0.0) < min_recall):
        raise typer.Exit(EXIT_POLICY)
