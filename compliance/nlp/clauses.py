"""Find clauses by type in an unknown license or terms text.

Many models ship a custom license. `detect(text)` cuts it into clause units
(`compliance.nlp.segment`), then scores each unit for each clause type of the corpus vocabulary:

- cues: spaCy Matcher / PhraseMatcher patterns on lemmas from `rules/lexicon/clauses.yaml`, each
  counted only under the polarity it needs (forbidden, permitted, conditional: "You may use
  outputs to train other models" is no prohibition, and becomes `distillation-allowed`);
- similarity: rapidfuzz ratio to the known clauses, the quotes of the bundled rule packs and of
  `rules/lexicon/clause-references.yaml` (extracted from the corpus index).

Both add up to a confidence between 0 and 1; units at or above the lexicon's threshold are
reported with their line. Prohibition types (and the acceptable-use-policy obligation) also need
evidence of a duty around the unit: an obligation or prohibition marker ("must", "shall", "may
not", "agree", "only", "incorporated by reference") in the unit, its sentence head, its list
lead-ins or its heading, so that "for example, by … scraping content" in a list of reasons for
suspending an account is no scraping clause. Units of one type that are neighbouring sentences of
a paragraph or items of one list are reported once (`_merge_neighbours`). Nothing here reads the
shared corpus.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compliance.yamlio import load_yaml_file

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from compliance.nlp.segment import Unit
    from compliance.nlp.seqmatch import SeqMatcher

CLAUSE_TYPES: tuple[str, ...] = (
    "no-competing-model", "no-model-improvement", "derivative-naming", "attribution", "mau-threshold",
    "acceptable-use-policy", "no-reverse-engineering", "no-automated-extraction", "rate-limit-circumvention",
    "no-api-key-sharing", "non-commercial", "research-only", "share-alike", "use-restrictions-propagate",
    "distillation-allowed", "output-ownership",
)
POLARITY_LABELS = ("prohibit", "permit", "condition")
WHEN = {
    "any": {"prohibit", "permit", "condition", "neutral"},
    "not-permit": {"prohibit", "condition", "neutral"},
    "prohibit": {"prohibit"},
    "permit": {"permit", "condition"},
}


@dataclass(frozen=True)
class Cue:
    name: str
    weight: float
    when: frozenset[str]


@dataclass(frozen=True)
class ClauseType:
    name: str
    kind: str
    severity: str
    title: str
    gate: frozenset[str]
    cues: dict[str, Cue]
    overridden_by: tuple[str, ...]
    self_ignored: frozenset[str] = frozenset()  # cues that do not count in a document titled as this clause
    needs: str | None = None  # evidence the unit's context must hold ("duty": an obligation or prohibition)


@dataclass(frozen=True)
class SimilaritySettings:
    floor: float
    weight: float


@dataclass
class ClauseLexicon:
    types: dict[str, ClauseType]
    threshold: float
    similarity: SimilaritySettings
    aliases: dict[str, str]
    cue_matcher: SeqMatcher
    title_matcher: SeqMatcher
    polarity_matcher: SeqMatcher
    exclude_matcher: SeqMatcher
    duty_matcher: SeqMatcher


@dataclass(frozen=True)
class Reference:
    """A known clause: its type, the document it comes from and its words."""

    type: str
    quote: str
    source: str | None


@dataclass
class Detection:
    type: str
    line: int
    confidence: float
    text: str
    end_line: int
    cues: tuple[str, ...] = ()
    similar_to: str | None = None
    similarity: float = 0.0
    also_at: list[int] = field(default_factory=list)
    unit: int = -1  # index of the clause unit in the document
    group: tuple[int, ...] = ()  # the paragraph and the list the unit is in (see _merge_neighbours)

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "line": self.line, "confidence": round(self.confidence, 3), "text": self.text}


def lexicon_dir() -> Path:
    from compliance.rules.loader import bundled_rules_dir

    return bundled_rules_dir() / "lexicon"


def _when(value: Any, where: str) -> frozenset[str]:
    if value not in WHEN:
        raise ValueError(f"{where}: `when` must be one of {sorted(WHEN)}, got {value!r}")
    return frozenset(WHEN[value])


@lru_cache(maxsize=1)
def load_clause_lexicon() -> ClauseLexicon:
    from compliance.nlp.pipeline import get_nlp
    from compliance.nlp.seqmatch import SeqMatcher

    nlp = get_nlp()
    data = load_yaml_file(lexicon_dir() / "clauses.yaml")
    cues_matcher, polarity, exclude, titles = SeqMatcher(nlp), SeqMatcher(nlp), SeqMatcher(nlp), SeqMatcher(nlp)
    duty = SeqMatcher(nlp)
    for label in POLARITY_LABELS:
        polarity.add(label, data["polarity"][label])
    duty.add("duty", data["evidence"]["duty"])
    types: dict[str, ClauseType] = {}
    for name, spec in data["types"].items():
        if name not in CLAUSE_TYPES:
            raise ValueError(f"clauses.yaml: unknown clause type {name!r}")
        cues: dict[str, Cue] = {}
        for cue in spec["cues"]:
            key = f"{name}|{cue['name']}"
            cues[cue["name"]] = Cue(cue["name"], float(cue["weight"]), _when(cue.get("when", "any"), key))
            cues_matcher.add(key, cue["patterns"])
        exclude.add(name, spec.get("exclude") or [])
        self_reference = spec.get("self_reference") or {}
        titles.add(name, self_reference.get("title") or [])
        types[name] = ClauseType(name, spec["kind"], spec["severity"], spec["title"],
                                 _when(spec.get("gate", "any"), name), cues, tuple(spec.get("overridden_by") or ()),
                                 frozenset(self_reference.get("ignore") or ()), spec.get("needs"))
    sim = data["similarity"]
    settings = SimilaritySettings(float(sim["floor"]), float(sim["weight"]))
    return ClauseLexicon(types, float(data["threshold"]), settings, dict(data.get("aliases") or {}),
                         cues_matcher, titles, polarity, exclude, duty)


@lru_cache(maxsize=1)
def _all_references() -> tuple[Reference, ...]:
    """The bundled known clauses: corpus index quotes, then rule-pack quotes not already there."""
    from compliance.rules.loader import load_rules

    lex = load_clause_lexicon()
    data = load_yaml_file(lexicon_dir() / "clause-references.yaml")
    refs: list[Reference] = []
    seen: set[tuple[str, str]] = set()
    for item in data["references"]:
        ref = Reference(str(item["type"]), str(item["quote"]), item.get("source"))
        refs.append(ref)
        seen.add((ref.type, " ".join(ref.quote.split())))
    for rule in load_rules().rules():
        clause = lex.aliases.get(rule.spec.clause, rule.spec.clause)
        quote = rule.spec.quote.strip()
        if clause not in CLAUSE_TYPES or not quote or (clause, " ".join(quote.split())) in seen:
            continue
        seen.add((clause, " ".join(quote.split())))
        refs.append(Reference(clause, quote, rule.pack.document.source_text))
    return tuple(refs)


def references(exclude_sources: Iterable[str] = ()) -> list[Reference]:
    """Known clauses, leaving out those quoted from the given source files (for held-out evaluation)."""
    excluded = set(exclude_sources)
    return [r for r in _all_references() if r.source not in excluded]


# --- polarity --------------------------------------------------------------------------------------

class _Markers:
    """Polarity markers of one Doc, longest match first, as (start, end, label) sorted by start."""

    def __init__(self, doc: Doc, lex: ClauseLexicon) -> None:
        from spacy.util import filter_spans

        matches = lex.polarity_matcher(doc)
        spans = [doc[s:e] for _, s, e in matches]
        labels: dict[tuple[int, int], str] = {}
        for label, s, e in matches:  # prohibit beats permit on equal spans ("may not" is also "may" + a word)
            if labels.get((s, e)) != "prohibit":
                labels[(s, e)] = label
        self.items = sorted((sp.start, sp.end, labels[(sp.start, sp.end)]) for sp in filter_spans(spans))
        # an obligation or prohibition anywhere: a duty marker, or any prohibition marker
        self.duties = sorted({s for _, s, _ in lex.duty_matcher(doc)} | {s for s, _, label in self.items if label == "prohibit"})

    def duty_in(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.duties, start)
        return i < len(self.duties) and self.duties[i] < end

    def last_in(self, start: int, end: int) -> str | None:
        found = [label for s, _, label in self.items if start <= s < end]
        return found[-1] if found else None

    def first_in(self, start: int, end: int) -> str | None:
        found = [label for s, _, label in self.items if start <= s < end]
        return found[0] if found else None


def polarity_at(unit: Unit, position: int, markers: dict[int, _Markers]) -> str:
    """What the text around a token says about the act there: prohibit, permit, condition or neutral."""
    own = markers[id(unit.span.doc)]
    label = own.last_in(unit.span.start, position)
    if label is None and unit.head is not None:
        label = own.last_in(unit.head.start, unit.head.end)
    if label is None:
        label = own.first_in(position, unit.span.end)
    for context in (*unit.leads, unit.heading):
        if label is None and context is not None:
            label = markers[id(context.doc)].last_in(context.start, context.end)
    return label or "neutral"


def has_duty(unit: Unit, markers: dict[int, _Markers]) -> bool:
    """Whether the unit or its context (sentence head, list lead-ins, heading) obliges or forbids."""
    return any(markers[id(span.doc)].duty_in(span.start, span.end)
               for span in (unit.span, unit.head, *unit.leads, unit.heading) if span is not None)


# --- detection -------------------------------------------------------------------------------------

def _noisy_or(weights: Iterable[float]) -> float:
    rest = 1.0
    for w in weights:
        rest *= 1.0 - max(0.0, min(1.0, w))
    return 1.0 - rest


def _similarities(units: list[Unit], refs: list[Reference], lex: ClauseLexicon) -> list[dict[str, tuple[float, int]]]:
    """For each unit, per clause type, the best similarity contribution (0-1) and the reference's index."""
    import numpy as np
    from rapidfuzz import fuzz, process, utils

    settings = lex.similarity
    best: list[dict[str, tuple[float, int]]] = [{} for _ in units]
    if not units or not refs:
        return best
    texts = [utils.default_process(u.text) for u in units]
    quotes = [utils.default_process(r.quote) for r in refs]
    scores = process.cdist(texts, quotes, scorer=fuzz.ratio, score_cutoff=settings.floor, dtype=np.float32)
    contribution = np.clip((scores - settings.floor) / (100.0 - settings.floor), 0.0, 1.0) * settings.weight
    columns: dict[str, list[int]] = {}
    for j, ref in enumerate(refs):
        columns.setdefault(ref.type, []).append(j)
    for kind, cols in columns.items():
        sub = contribution[:, cols]
        where = sub.argmax(axis=1)
        values = sub[np.arange(len(units)), where]
        for i in np.nonzero(values > 0)[0]:
            best[int(i)][kind] = (float(values[i]), cols[int(where[i])])
    return best


def _cue_hits(doc: Doc, lex: ClauseLexicon) -> list[tuple[str, str, int, int]]:
    """(type, cue, start, end) of every cue match in a Doc, minus those inside an exclusion."""
    excluded: dict[str, list[tuple[int, int]]] = {}
    for label, s, e in lex.exclude_matcher(doc):
        excluded.setdefault(label, []).append((s, e))
    hits = []
    for label, s, e in lex.cue_matcher(doc):
        kind, cue = label.split("|", 1)
        if any(a <= s and e <= b or s <= a < e for a, b in excluded.get(kind, ())):
            continue
        hits.append((kind, cue, s, e))
    return sorted(hits, key=lambda h: (h[2], h[3], h[0], h[1]))


def detect(text: str, refs: list[Reference] | None = None, threshold: float | None = None) -> list[Detection]:
    """Clauses found in a text, in line order, each type reported once per distinct wording."""
    from rapidfuzz import utils

    from compliance.nlp.segment import units as cut_units

    lex = load_clause_lexicon()
    refs = references() if refs is None else refs
    minimum = lex.threshold if threshold is None else threshold
    units = cut_units(text)
    markers: dict[int, _Markers] = {}
    hits_by_doc: dict[int, list[tuple[str, str, int, int]]] = {}
    for unit in units:
        for doc in {id(s.doc): s.doc for s in (unit.span, *unit.leads, unit.heading) if s is not None}.values():
            if id(doc) not in markers:
                markers[id(doc)] = _Markers(doc, lex)
                hits_by_doc[id(doc)] = _cue_hits(doc, lex)
    sims = _similarities(units, refs, lex)
    title = units[0].title if units else None
    titled = {label for label, _, _ in lex.title_matcher(title.as_doc())} if title is not None else set()
    found: list[Detection] = []
    seen: dict[tuple[str, str], Detection] = {}
    for unit, sim in zip(units, sims):
        span = unit.span
        unit_polarity = polarity_at(unit, span.start, markers)
        per_type: dict[str, list[tuple[str, int]]] = {}
        for kind, cue, s, e in hits_by_doc[id(span.doc)]:
            if s < span.start or s >= span.end:
                continue
            cue_spec = lex.types[kind].cues[cue]
            if kind in titled and cue in lex.types[kind].self_ignored:
                continue
            if polarity_at(unit, s, markers) in cue_spec.when:
                per_type.setdefault(kind, []).append((cue, s))
        scores: dict[str, Detection] = {}
        duty = has_duty(unit, markers)
        for kind, spec in lex.types.items():
            if spec.needs == "duty" and not duty:
                continue
            cues = per_type.get(kind, [])
            names = sorted({c for c, _ in cues})
            weights = [spec.cues[c].weight for c in names]
            similarity, ref_index = sim.get(kind, (0.0, -1))
            if not cues and unit_polarity not in spec.gate:
                similarity = 0.0
            if sim.get("other", (0.0, -1))[0] >= similarity:
                similarity = 0.0  # closer to a known look-alike ("other") than to any clause of this type
            confidence = _noisy_or(weights + [similarity])
            if confidence < minimum:
                continue
            first = min((s for _, s in cues), default=span.start)
            scores[kind] = Detection(kind, unit.line_of_token(first), confidence, " ".join(unit.text.split()),
                                     unit.end_line, tuple(names),
                                     refs[ref_index].source if similarity and ref_index >= 0 else None, similarity,
                                     unit=unit.index, group=_group(unit))
        for kind in list(scores):
            if any(other in scores for other in lex.types[kind].overridden_by):
                del scores[kind]
        for kind, detection in scores.items():
            key = (kind, utils.default_process(detection.text))
            if key in seen:
                seen[key].also_at.append(detection.line)
                continue
            seen[key] = detection
            found.append(detection)
    return _one_per_line(_merge_neighbours(found))


def _group(unit: Unit) -> tuple[int, ...]:
    """Identity of the paragraph (block) and of the innermost list (its lead-in) a unit belongs to."""
    lead = unit.leads[0] if unit.leads else None
    return (id(unit.block), id(lead.doc) if lead is not None else 0, lead.start if lead is not None else -1)


def _merge_neighbours(found: list[Detection]) -> list[Detection]:
    """Units of one type that are neighbouring sentences of one paragraph, or items of one list, are one clause.

    A clause told in several sentences, or a list under one lead-in whose items repeat a type
    ("You may not: … crawl or scrape …; … access through automated means …", the redistribution
    conditions "(a) give a copy of this License … (c) retain the attribution notices"), is one
    finding, as a reviewer would report it: the most confident unit is kept (the first of equals)
    and the other units' lines go to `also_at`. Non-maximum suppression, not the first line: the
    strongest unit is the one whose words make the case.
    """
    by_type: dict[str, list[Detection]] = {}
    for d in found:
        by_type.setdefault(d.type, []).append(d)
    kept: list[Detection] = []
    for items in by_type.values():
        items.sort(key=lambda d: d.unit)
        run: list[Detection] = []
        for d in items:
            if run and not _neighbours(run[-1], d):
                kept.append(_one_of(run))
                run = []
            run.append(d)
        if run:
            kept.append(_one_of(run))
    return kept


def _neighbours(a: Detection, b: Detection) -> bool:
    """b (the next detection of a's type) is the next unit of a's paragraph, or an item of a's list."""
    same_paragraph = a.group[0] == b.group[0]
    same_list = a.group[2] >= 0 and a.group[1:] == b.group[1:]
    return (b.unit == a.unit + 1 and same_paragraph) or same_list


def _one_of(run: list[Detection]) -> Detection:
    best = max(run, key=lambda d: d.confidence)  # the first of equals
    for d in run:
        if d is not best:
            best.also_at.extend([d.line, *d.also_at])
    best.also_at = sorted(set(best.also_at) - {best.line})
    return best


def _one_per_line(found: list[Detection]) -> list[Detection]:
    """One detection per type and line (the most confident): a scraped page may hold a whole section on one line."""
    best: dict[tuple[str, int], Detection] = {}
    for d in found:
        key = (d.type, d.line)
        if key not in best or d.confidence > best[key].confidence:
            best[key] = d
    return sorted(best.values(), key=lambda d: (d.line, CLAUSE_TYPES.index(d.type)))
