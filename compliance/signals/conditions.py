"""Record conditions: which log records show a signal.

A condition is a small tree (docs/signals.md):

    {all: [C, ...]} | {any: [C, ...]} | {not: C} | {signal: ID}
    {field: F, lemma: [PATTERN, ...]}        spaCy Matcher/PhraseMatcher on lower-case lemmas
    {field: F, regex: RE2}                   linear-time: a pattern cannot hang the scan
    {field: F, fuzzy: {value: TEXT, at_least: 0-100}}   rapidfuzz partial_ratio, default_process
    {field: F, contains: TEXT | [TEXT]}      case-insensitive literal
    {field: F, equals | in | gte | gt | lte | lt | exists: VALUE}

F is a record field: prompt, system, response, model, provider, endpoint, status, format, account,
api_key, usage_in, usage_out, params.<key>, or a derived one: template, topic, prompt_words,
prompt_chars, response_chars. Lemma tests read the *template* of a text (slot values blanked, see
features.py), which keeps the spaCy work per campaign instead of per record.

`check()` validates a condition when a pack is loaded (errors name file and line, no heavy
imports); `compile_condition()` turns it into a predicate over a batch of records (`Columns`) at
scan time.
"""

from __future__ import annotations

import operator
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any

from compliance.errors import InputError

TEXT_FIELDS = ("prompt", "system", "response")
PLAIN_FIELDS = ("model", "provider", "endpoint", "status", "format", "account", "api_key", "usage_in", "usage_out")
DERIVED_FIELDS = ("template", "topic", "prompt_words", "prompt_chars", "response_chars")
TEXT_OPS = ("lemma", "regex", "fuzzy", "contains")
VALUE_OPS = ("equals", "in", "gte", "gt", "lte", "lt", "exists")
Pred = Callable[["Columns", list[int]], list[int]]  # batch, indices in -> indices that satisfy
_NUMBERS = (int, float)  # exact types: bool (an int subclass) is not a number here
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")
# Templates of the non-prompt texts (system prompts repeat; template_of is pure), bounded.
_OTHER_TEMPLATES: dict[str, str] = {}
_OTHER_TEMPLATES_CAP = 1024


def _line(node: Any, fallback: int) -> int:
    return getattr(node, "line", 0) or fallback


def _is_field(name: Any) -> bool:
    if not isinstance(name, str):
        return False
    if name.startswith("params."):
        return len(name) > 7
    return name in TEXT_FIELDS or name in PLAIN_FIELDS or name in DERIVED_FIELDS


def check(node: Any, path: str, line: int, signal_ids: set[str] | None = None) -> set[str]:
    """Validate a record condition; returns the signal ids it references. Raises InputError."""
    refs: set[str] = set()
    here = _line(node, line)
    if isinstance(node, list):
        node = {"all": node}
    if not isinstance(node, Mapping) or not node:
        raise InputError(path, here, "a record condition must be a non-empty mapping")
    keys = set(node)
    if keys & {"all", "any"}:
        if len(keys) != 1 or not isinstance(next(iter(node.values())), list) or not next(iter(node.values())):
            raise InputError(path, here, "`all`/`any` stand alone and take a non-empty list")
        for item in next(iter(node.values())):
            refs |= check(item, path, here, signal_ids)
        return refs
    if "not" in keys:
        if len(keys) != 1:
            raise InputError(path, here, "`not` stands alone")
        return check(node["not"], path, here, signal_ids)
    if "signal" in keys:
        if len(keys) != 1 or not isinstance(node["signal"], str):
            raise InputError(path, here, "`signal` takes a signal id and stands alone")
        return {node["signal"]}
    field = node.get("field")
    if not _is_field(field):
        raise InputError(path, here, f"unknown record field {field!r} (fields: {', '.join(TEXT_FIELDS + PLAIN_FIELDS + DERIVED_FIELDS)}, params.<key>)")
    ops = keys - {"field"}
    if not ops:
        raise InputError(path, here, f"{field}: no test given")
    for op in sorted(ops):
        arg = node[op]
        if op not in TEXT_OPS and op not in VALUE_OPS:
            raise InputError(path, here, f"unknown test {op!r} (known: {', '.join(TEXT_OPS + VALUE_OPS)})")
        if op == "lemma":
            if not isinstance(arg, list) or not arg or not all(isinstance(p, str) or (isinstance(p, list) and p and all(isinstance(t, Mapping) for t in p)) for p in arg):
                raise InputError(path, here, "`lemma` takes a list of phrases and token patterns (lists of mappings)")
        elif op == "regex":
            import re2  # type: ignore[import-untyped]

            if not isinstance(arg, str):
                raise InputError(path, here, "`regex` takes an RE2 pattern string")
            try:
                re2.compile(arg)
            except re2.error as exc:
                raise InputError(path, here, f"invalid RE2 pattern {arg!r}: {exc}") from None
        elif op == "fuzzy":
            if not isinstance(arg, Mapping) or not isinstance(arg.get("value"), str) or not 0 <= float(arg.get("at_least", 90)) <= 100:
                raise InputError(path, here, "`fuzzy` takes {value: TEXT, at_least: 0-100}")
        elif op == "in" and not isinstance(arg, list):
            raise InputError(path, here, "`in` takes a list")
        elif op in ("gte", "gt", "lte", "lt") and (isinstance(arg, bool) or not isinstance(arg, (int, float))):
            raise InputError(path, here, f"`{op}` takes a number")
    return refs


class Columns:
    """A batch of records as the conditions see it: per field, one value per record.

    Plain fields are read into a list on first use; derived ones (template, topic, word counts,
    lemma labels) are computed on first use and only for the records asked about, so the cost
    of a test is paid only by records that earlier, cheaper tests let through. `hits` holds, per
    signal already evaluated on this batch, the set of records that show it.
    """

    __slots__ = ("records", "n", "lemmas", "hits", "_cols", "_templates", "_topics", "_words", "_labels")

    def __init__(self, records: list[Any], lemmas: "LemmaMatcher | None" = None) -> None:
        self.records = records
        self.n = len(records)
        self.lemmas = lemmas
        self.hits: dict[str, set[int]] = {}
        self._cols: dict[str, list[Any]] = {}
        self._templates: list[str | None] | None = None
        self._topics: dict[int, str | None] = {}
        self._words: list[int | None] | None = None
        self._labels: list[frozenset[str] | None] | None = None

    def col(self, field: str) -> list[Any]:
        """Every record's value of a plain field (`params.<key>` included)."""
        found = self._cols.get(field)
        if found is None:
            found = self._cols[field] = _read_column(self.records, field)
        return found

    def _derived(self, slot: str, idx: list[int], compute: Callable[[list[int]], list[Any]]) -> list[Any]:
        """A derived column indexed by record (None: not computed yet): the values of the records in
        idx are computed together, by compute(missing indices), the first time any is asked for."""
        found = getattr(self, slot)
        if found is None:
            found = [None] * self.n
            setattr(self, slot, found)
        missing = [i for i in idx if found[i] is None]
        if missing:
            for i, value in zip(missing, compute(missing)):
                found[i] = value
        return found  # type: ignore[no-any-return]

    def templates(self, idx: list[int]) -> list[str | None]:
        """Prompt templates (features.template_of), indexed by record."""
        from compliance.signals.features import templates_of

        records = self.records
        return self._derived("_templates", idx, lambda missing: templates_of([records[i].prompt for i in missing]))

    def topics(self, idx: list[int]) -> dict[int, Any]:
        """The prompt topics (features.topic_of) of the records in idx, computed together."""
        topics = self._topics
        missing = [i for i in idx if i not in topics]
        if missing:
            from compliance.signals.features import topics_of

            records = self.records
            topics.update(zip(missing, topics_of([records[i].prompt for i in missing])))
        return topics

    def prompt_labels(self, idx: list[int]) -> list[frozenset[str] | None]:
        """The lemma-test labels of the prompt templates (LemmaMatcher.template_labels), indexed by record."""
        def look_up(missing: list[int]) -> list[frozenset[str]]:
            templates = self.templates(missing)
            labels = self.lemmas.template_labels  # type: ignore[union-attr]
            return [labels(templates[i]) for i in missing]  # type: ignore[arg-type]
        return self._derived("_labels", idx, look_up)

    def prompt_words(self, idx: list[int]) -> list[int | None]:
        """Words in the first 4,000 characters of the prompts, indexed by record."""
        from compliance.signals.features import word_counts

        records = self.records
        return self._derived("_words", idx, lambda missing: word_counts([records[i].prompt[:4000] for i in missing]))

    def text_template(self, field: str, i: int) -> str:
        """The template of a field other than the prompt (the prompt's are made per batch: templates())."""
        text = getattr(self.records[i], field) or ""
        found = _OTHER_TEMPLATES.get(text)
        if found is None:  # system prompts repeat: their templates are cached (template_of is pure)
            from compliance.signals.features import template_of

            found = template_of(text)
            if len(_OTHER_TEMPLATES) >= _OTHER_TEMPLATES_CAP:
                _OTHER_TEMPLATES.clear()
            _OTHER_TEMPLATES[text] = found
        return found

    def values(self, field: str, idx: list[int]) -> Any:
        """`field` of the records in idx: a list indexed by record (plain fields) or a mapping."""
        if field == "template":
            return self.templates(idx)
        if field == "topic":
            return self.topics(idx)
        if field == "prompt_words":
            return self.prompt_words(idx)
        return self.col(field)


def _read_column(records: list[Any], field: str) -> list[Any]:
    # the loops run in C: the extension's (slot reads for LogRecord), else map with attrgetter
    from compliance.signals.features import NATIVE

    native = NATIVE if NATIVE is not None and type(records) is list else None
    if field in TEXT_FIELDS or field in ("model", "provider", "endpoint", "status", "format", "usage_in", "usage_out"):
        return native.column(records, field) if native else list(map(attrgetter(field), records))
    if field == "account":
        return [r.account or r.api_key_id for r in records]
    if field == "api_key":
        return native.column(records, "api_key_id") if native else list(map(attrgetter("api_key_id"), records))
    if field.startswith("params."):
        key = field[7:]
        return native.param_column(records, key) if native else [r.params.get(key) for r in records]
    if field in ("prompt_chars", "response_chars"):
        text = field.split("_")[0]
        return native.column(records, text, True) if native else list(map(len, map(attrgetter(text), records)))
    raise KeyError(field)


class LemmaMatcher:
    """All lemma tests of all signals in one Matcher and one PhraseMatcher; spaCy loads lazily."""

    CACHE = 8192

    def __init__(self) -> None:
        self._patterns: dict[str, list[Any]] = {}
        self._built: tuple[Any, Any, Any] | None = None
        self._cache: dict[str, frozenset[str]] = {}
        self._by_template: dict[str, tuple[Any, frozenset[str]]] = {}  # template -> (cue, labels(cue_text(template)))
        self.cue: Any = None  # set by SignalSet: the prefilter's RE2 set, to keep only sentences with a cue
        self.cue_match: Callable[[str], Any] | None = None  # and its match function (str -> literal indices)
        self.cue_literals: list[str] = []  # the set's literals (case-folded), by index
        self._findable: list[bool] = []  # per literal: may template_cue_text look for it with str.find?
        self._sentences: Callable[[str, list[str]], str] = cue_sentences  # or the C extension's, set with _findable
        self._key: str | None = None  # the patterns' name for the lemma-label service

    def cue_text(self, text: str) -> str:
        """The sentences of `text` holding a prefilter literal: cues sit in the instructions, and the
        slot-filled rest (questions, documents) would only make every text, and the cache key, unique."""
        match = self.cue_match
        if match is None or len(text) < 80:
            return text
        kept = [s for s in _SENTENCE.split(text) if s and match(s)]
        return " ".join(kept) if kept else text

    def template_cue_text(self, template: str) -> str:
        """`cue_text(template)` for a template (lower-case, single spaces: features.template_of).

        One scan of the set over the whole template says which literals occur; for lower-case
        ASCII, sentences end at "<punctuation> " only and a literal occurs in a sentence exactly
        when str.find finds it there, so the sentences are found with str methods instead of a
        regex split and one scan per sentence."""
        match = self.cue_match
        if match is None or len(template) < 80:
            return template
        found = match(template)
        if not found:
            return template  # no sentence can hold a cue
        findable = self._findable
        if len(findable) != len(self.cue_literals):
            findable = self._findable = [_findable(literal) for literal in self.cue_literals]
            from compliance.signals.features import NATIVE

            self._sentences = NATIVE.cue_sentences if NATIVE is not None else cue_sentences
        if not template.isascii() or "\0" in template or "\n" in template or not all(findable[i] for i in found):
            return self.cue_text(template)
        return self._sentences(template, [self.cue_literals[i] for i in found])  # type: ignore[no-any-return]

    def template_labels(self, template: str) -> frozenset[str]:
        """`labels(cue_text(template))`, cached by template (campaign templates repeat, and the
        sentence split and cue scan of `cue_text` cost more than the lookup)."""
        cue = self.cue
        if cue is None:
            return self.labels(self.cue_text(template))
        cached = self._by_template.get(template)
        if cached is not None and cached[0] is cue:
            return cached[1]
        found = self.labels(self.template_cue_text(template))
        if len(self._by_template) >= self.CACHE:
            self._by_template.clear()  # bounded: a cold cache only costs time
        self._by_template[template] = (cue, found)
        return found

    @property
    def loaded(self) -> bool:
        """True once spaCy and the matchers are built (the first lemma test that needed them)."""
        return self._built is not None

    def add(self, patterns: list[Any]) -> str:
        label = f"L{len(self._patterns)}"
        self._patterns[label] = list(patterns)
        self._key = None
        return label

    def _build(self) -> tuple[Any, Any, Any]:
        return build_matchers(self._patterns)

    def prepare_service(self) -> None:
        """Send these patterns to the lemma-label service now, if one runs (it builds while the
        command goes on); a no-op otherwise."""
        from compliance.nlp import service

        remote = service.current()
        if remote is not None and self._patterns:
            remote.prepare(self._service_key(), self._patterns)

    def _service_key(self) -> str:
        """The patterns' name for the lemma-label service (computed once; add() resets it)."""
        if self._key is None:
            from compliance.nlp.service import patterns_key

            self._key = patterns_key(self._patterns)
        return self._key

    def labels(self, text: str) -> frozenset[str]:
        """Labels of the lemma tests that match `text` (cached: templates repeat). Asked of the
        lemma-label service when one runs (compliance/nlp/service.py: no spaCy in this process),
        else matched here."""
        found = self._cache.get(text)
        if found is not None:
            return found
        if self._built is None:
            from compliance.nlp import service

            remote = service.current()
            if remote is not None:
                found = remote.labels(self._service_key(), self._patterns, text)
            if found is None:
                self._built = self._build()
        if found is None:
            found = match_labels(self._built, text)  # type: ignore[arg-type]
        if len(self._cache) >= self.CACHE:
            self._cache.clear()  # bounded: a cold cache only costs time
        self._cache[text] = found
        return found

    def __getstate__(self) -> dict[str, Any]:
        return {"_patterns": self._patterns, "_built": None, "_cache": {}, "_by_template": {}, "cue": None, "cue_match": None,
                "cue_literals": [], "_findable": [], "_sentences": cue_sentences, "_key": None}


def build_matchers(patterns: dict[str, list[Any]]) -> tuple[Any, Any, Any]:
    """spaCy's pipeline with one Matcher and one PhraseMatcher holding every lemma test's patterns
    under its label (LemmaMatcher's, and the lemma-label service's)."""
    from spacy.matcher import Matcher, PhraseMatcher

    from compliance.nlp.pipeline import get_nlp, make_patterns

    nlp = get_nlp()
    matcher, phrases = Matcher(nlp.vocab), PhraseMatcher(nlp.vocab, attr="LEMMA")
    for label, entries in patterns.items():
        docs, tokens = make_patterns(nlp, entries)
        if docs:
            phrases.add(label, docs)
        if tokens:
            matcher.add(label, [[dict(t) for t in p] for p in tokens])
    return nlp, matcher, phrases


def match_labels(built: tuple[Any, Any, Any], text: str) -> frozenset[str]:
    """The labels whose patterns match text."""
    nlp, matcher, phrases = built
    doc = nlp(text)
    strings = doc.vocab.strings
    return frozenset(strings[m] for m, _, _ in matcher(doc)) | frozenset(strings[m] for m, _, _ in phrases(doc))


_STOPS = (". ", "! ", "? ", "; ", ": ")  # where _SENTENCE splits a single-spaced text


def _findable(literal: str) -> bool:
    """A literal str.find can look for in a lower-case ASCII template, sentence by sentence: ASCII,
    not starting or ending with a space, and not spanning a sentence end."""
    return literal.isascii() and literal == literal.strip() and not any(stop in literal for stop in _STOPS) \
        and literal == literal.lower()


def cue_sentences(template: str, literals: list[str]) -> str:
    """The sentences of a lower-case ASCII template (no NUL, no line break) that hold an occurrence
    of one of the literals (all _findable), joined by spaces; the template when none does. The
    Python reference of the C extension's cue_sentences (tests/signals/test_native.py)."""
    marked = template
    for stop in _STOPS:
        if stop in marked:
            marked = marked.replace(stop, stop[0] + "\0")
    sentences = marked.split("\0")
    starts, pos = [], 0
    for sentence in sentences:
        starts.append(pos)
        pos += len(sentence) + 1
    hit: set[int] = set()
    for literal in literals:
        at = template.find(literal)
        while at >= 0:
            hit.add(bisect_right(starts, at) - 1)
            at = template.find(literal, at + 1)
    kept = [sentences[i] for i in sorted(hit) if sentences[i]]
    return " ".join(kept) if kept else template


_COMPARE_OPS = {"lt": 0, "lte": 1, "gt": 4, "gte": 5}  # CPython's Py_LT, Py_LE, Py_GT, Py_GE
_PY_COMPARE: dict[str, Callable[[Any, Any], bool]] = {"lt": operator.lt, "lte": operator.le, "gt": operator.gt,
                                                     "gte": operator.ge}


def _value_test(field: str, op: str, arg: Any) -> Pred:
    if op == "exists":
        want = bool(arg)

        def exists(c: Columns, idx: list[int]) -> list[int]:
            vals = c.values(field, idx)
            return [i for i in idx if (vals[i] not in (None, "")) is want]
        return exists
    if op == "equals":
        folded = arg.casefold() if isinstance(arg, str) else arg

        def equals(c: Columns, idx: list[int]) -> list[int]:
            vals = c.values(field, idx)
            return [i for i in idx if (x := vals[i]) is not None and (x.casefold() if isinstance(x, str) else x) == folded]
        return equals
    if op == "in":
        options = {a.casefold() if isinstance(a, str) else a for a in arg}

        def member(c: Columns, idx: list[int]) -> list[int]:
            vals = c.values(field, idx)
            return [i for i in idx if (x := vals[i]) is not None and (x.casefold() if isinstance(x, str) else x) in options]
        return member
    from compliance.signals.features import NATIVE

    if NATIVE is not None and op in _COMPARE_OPS:  # the loop in C (_native.compare), where values are a list
        compare, code = NATIVE.compare, _COMPARE_OPS[op]

        def native_numeric(c: Columns, idx: list[int]) -> list[int]:
            vals = c.values(field, idx)
            if type(vals) is list:
                return compare(vals, idx, code, arg)  # type: ignore[no-any-return]
            return [i for i in idx if type(x := vals[i]) in _NUMBERS and _PY_COMPARE[op](x, arg)]
        return native_numeric
    # one comprehension per operator: a comparison inline costs a third of an operator-function call
    if op == "gte":
        def numeric(c: Columns, idx: list[int]) -> list[int]:
            vals = c.values(field, idx)
            return [i for i in idx if type(x := vals[i]) in _NUMBERS and x >= arg]
    elif op == "gt":
        def numeric(c: Columns, idx: list[int]) -> list[int]:
            vals = c.values(field, idx)
            return [i for i in idx if type(x := vals[i]) in _NUMBERS and x > arg]
    elif op == "lte":
        def numeric(c: Columns, idx: list[int]) -> list[int]:
            vals = c.values(field, idx)
            return [i for i in idx if type(x := vals[i]) in _NUMBERS and x <= arg]
    elif op == "lt":
        def numeric(c: Columns, idx: list[int]) -> list[int]:
            vals = c.values(field, idx)
            return [i for i in idx if type(x := vals[i]) in _NUMBERS and x < arg]
    else:
        raise ValueError(f"unknown value test {op!r}")
    return numeric


def _text_test(field: str, op: str, arg: Any, lemmas: LemmaMatcher) -> Pred:
    if op == "lemma":
        label = lemmas.add(arg)

        def lemma(c: Columns, idx: list[int]) -> list[int]:
            vals = c.values(field, idx)
            if field == "prompt":
                found = c.prompt_labels(idx)  # every lemma test's labels per record, looked up once a batch
                return [i for i in idx if vals[i] and label in found[i]]  # type: ignore[operator]
            labels = lemmas.template_labels
            return [i for i in idx if vals[i] and label in labels(c.text_template(field, i))]
        return lemma
    if op == "regex":
        import re2

        search = re2.compile(arg).search

        def regex(c: Columns, idx: list[int]) -> list[int]:
            vals = c.values(field, idx)
            return [i for i in idx if isinstance(x := vals[i], str) and search(x) is not None]
        return regex
    if op == "fuzzy":
        from rapidfuzz import fuzz, utils

        value, at_least = str(arg["value"]), float(arg.get("at_least", 90))

        def fuzzy(c: Columns, idx: list[int]) -> list[int]:
            vals = c.values(field, idx)
            return [i for i in idx if isinstance(x := vals[i], str) and bool(x) and fuzz.partial_ratio(
                value, x, processor=utils.default_process, score_cutoff=at_least) >= at_least]
        return fuzzy
    needles = [a.casefold() for a in (arg if isinstance(arg, list) else [arg])]

    def contains(c: Columns, idx: list[int]) -> list[int]:
        vals = c.values(field, idx)
        return [i for i in idx if isinstance(x := vals[i], str) and any(n in x.casefold() for n in needles)]
    return contains


def cost(node: Any) -> int:
    """0 field and signal tests, 1 regex and word counts, 2 template-derived fields, 3 lemma and fuzzy
    (spaCy, rapidfuzz). Parts of `all` and `any` run cheapest first; the result doesn't depend on the order."""
    if isinstance(node, list):
        return max((cost(item) for item in node), default=0)
    if not isinstance(node, Mapping):
        return 0
    for key in ("all", "any"):
        if key in node:
            return cost(node[key])
    if "not" in node:
        return cost(node["not"])
    if {"lemma", "fuzzy"} & set(node):
        return 3
    if node.get("field") in ("template", "topic"):
        return 2
    return 1 if "regex" in node or node.get("field") == "prompt_words" else 0


def compile_condition(node: Any, lemmas: LemmaMatcher) -> Pred:
    """A checked condition as a batch predicate: given a batch and some of its record indices
    (ascending), the indices whose records satisfy it (ascending). `all` narrows the indices part by part, cheap
    parts first, and `any` tries each part only on the indices not yet satisfied, so expensive
    tests (spaCy, rapidfuzz) see only the records the cheap ones let through."""
    if isinstance(node, list):
        node = {"all": node}
    if "all" in node:
        return _all_of([compile_condition(item, lemmas) for item in sorted(node["all"], key=cost)])
    if "any" in node:
        parts = [compile_condition(item, lemmas) for item in sorted(node["any"], key=cost)]

        last = len(parts) - 1

        def any_of(c: Columns, idx: list[int]) -> list[int]:
            # each part returns, in order, a subset of the indices it was given: one part's hits are the
            # answer as they are, several parts' are a union of subsets of idx (sorted, as idx is)
            rest, hits = idx, []
            for n, part in enumerate(parts):
                if not rest:
                    break
                hit = part(c, rest)
                if hit:
                    hits.append(hit)
                    if n < last:
                        new = set(hit)
                        rest = [i for i in rest if i not in new]
            if len(hits) < 2:
                return hits[0] if hits else []
            return sorted(set().union(*hits))
        return any_of
    if "not" in node:
        if isinstance(node["not"], Mapping) and set(node["not"]) == {"signal"}:
            shown = node["not"]["signal"]

            def shows_not(c: Columns, idx: list[int]) -> list[int]:  # {not: {signal: X}} in one pass
                hits = c.hits.get(shown)
                return [i for i in idx if i not in hits] if hits else idx
            return shows_not
        inner = compile_condition(node["not"], lemmas)

        def none_of(c: Columns, idx: list[int]) -> list[int]:
            hit = inner(c, idx)
            if not hit:
                return idx
            hit_set = set(hit)
            return [i for i in idx if i not in hit_set]
        return none_of
    if "signal" in node:
        name = node["signal"]

        def shows(c: Columns, idx: list[int]) -> list[int]:
            hits = c.hits.get(name)
            return [i for i in idx if i in hits] if hits else []
        return shows
    field = node["field"]
    tests = [(_text_test if op in TEXT_OPS else _value_test)(field, op, node[op], *((lemmas,) if op in TEXT_OPS else ()))
             for op in sorted(set(node) - {"field"})]
    return tests[0] if len(tests) == 1 else _all_of(tests)


def _all_of(parts: list[Pred]) -> Pred:
    """The indices satisfying every part: each part sees only what the ones before let through."""
    def all_of(c: Columns, idx: list[int]) -> list[int]:
        for part in parts:
            if not idx:
                break
            idx = part(c, idx)
        return idx
    return all_of


def costly_ops(node: Any) -> set[str]:
    """The expensive tests (lemma, fuzzy) a condition uses: those need a prefilter in front."""
    if isinstance(node, list):
        return set().union(*(costly_ops(item) for item in node)) if node else set()
    if not isinstance(node, Mapping):
        return set()
    found: set[str] = set()
    for key in ("all", "any"):
        if isinstance(node.get(key), list):
            found |= costly_ops(node[key])
    if "not" in node:
        found |= costly_ops(node["not"])
    return found | ({"lemma", "fuzzy"} & set(node))
