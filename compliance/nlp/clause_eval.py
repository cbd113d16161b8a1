"""Leave-one-document-out evaluation of clause detection on a labelled corpus.

The corpus is a folder with `index.yaml` (documents, each with `file` and `clauses` of `type`,
`quote`, `line`, optional `line_end`). For each document, clauses are detected with the known
clauses of every *other* document only: the held-out document's quotes are removed from the
references, both those of the bundled reference file and those of rule packs whose `source_text`
is that document. Labels are the document's clauses except `other`. A detection is a true
positive when a label of the same type spans its line, give or take one line; a label is found
when some detection is a true positive for it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from compliance.errors import InputError

TOLERANCE = 1


@dataclass(frozen=True)
class Label:
    type: str
    line: int
    line_end: int

    def covers(self, line: int) -> bool:
        return self.line - TOLERANCE <= line <= self.line_end + TOLERANCE


@dataclass
class Counts:
    tp: int = 0  # detections that hit a label of their type
    fp: int = 0  # detections that hit none
    found: int = 0  # labels some detection hit
    labels: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.found / self.labels if self.labels else None


@dataclass
class Evaluation:
    per_type: dict[str, Counts]
    documents: int
    seconds: float
    errors: list[dict[str, Any]] = field(default_factory=list)  # false positives and missed labels

    @property
    def micro(self) -> Counts:
        total = Counts()
        for c in self.per_type.values():
            total.tp += c.tp
            total.fp += c.fp
            total.found += c.found
            total.labels += c.labels
        return total


def load_index(corpus: Path) -> list[dict[str, Any]]:
    path = corpus / "index.yaml"
    if not path.is_file():
        raise InputError(str(path), None, "corpus index not found (expected DIR/index.yaml)")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["documents"])


def evaluate(corpus: Path, threshold: float | None = None) -> Evaluation:
    from compliance.nlp.clauses import CLAUSE_TYPES, detect, references

    start = time.perf_counter()
    per_type = {t: Counts() for t in CLAUSE_TYPES}
    errors: list[dict[str, Any]] = []
    documents = load_index(corpus)
    for document in documents:
        name = document["file"]
        text = (corpus / name).read_text(encoding="utf-8", errors="replace")
        labels = [Label(c["type"], int(c["line"]), int(c.get("line_end") or c["line"]))
                  for c in document.get("clauses") or [] if c["type"] != "other"]
        detections = detect(text, references(exclude_sources={name}), threshold)
        hit: set[int] = set()
        for d in detections:
            matched = [i for i, label in enumerate(labels) if label.type == d.type and label.covers(d.line)]
            counts = per_type[d.type]
            if matched:
                counts.tp += 1
                hit.update(matched)
            else:
                counts.fp += 1
                errors.append({"error": "false-positive", "file": name, "type": d.type, "line": d.line,
                               "confidence": round(d.confidence, 3), "cues": list(d.cues),
                               "similar_to": d.similar_to, "text": d.text[:200]})
        for i, label in enumerate(labels):
            per_type[label.type].labels += 1
            if i in hit:
                per_type[label.type].found += 1
            else:
                errors.append({"error": "missed", "file": name, "type": label.type, "line": label.line})
    return Evaluation(per_type, len(documents), time.perf_counter() - start, errors)


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def table(result: Evaluation) -> str:
    """The per-type and micro-averaged precision/recall table, in Markdown."""
    rows = ["| clause type | labels | detections | true positives | precision | labels found | recall |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for kind, c in result.per_type.items():
        rows.append(f"| {kind} | {c.labels} | {c.tp + c.fp} | {c.tp} | {_fmt(c.precision)} | {c.found} | {_fmt(c.recall)} |")
    m = result.micro
    rows.append(f"| **micro-average** | **{m.labels}** | **{m.tp + m.fp}** | **{m.tp}** | **{_fmt(m.precision)}** "
                f"| **{m.found}** | **{_fmt(m.recall)}** |")
    return "\n".join(rows)
