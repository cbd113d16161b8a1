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
imports); `compile_condition()` turns it into a closure over a `RecordView` at scan time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from compliance.errors import InputError

TEXT_FIELDS = ("prompt", "system", "response")
PLAIN_FIELDS = ("model", "provider", "endpoint", "status", "format", "account", "api_key", "usage_in", "usage_out")
DERIVED_FIELDS = ("template", "topic", "prompt_words", "prompt_chars", "response_chars")
TEXT_OPS = ("lemma", "regex", "fuzzy", "contains")
VALUE_OPS = ("equals", "in", "gte", "gt", "lte", "lt", "exists")
Pred = Callable[["RecordView"], bool]
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


class RecordView:
    """One record as the conditions see it; derived values are computed once, on demand."""

    __slots__ = ("record", "_template", "_topic", "_lemmas", "_words", "matched")

    def __init__(self, record: Any) -> None:
        self.record = record
        self._template: str | None = None
        self._topic: Any = False
        self._lemmas: dict[str, frozenset[str]] = {}
        self._words = -1
        self.matched: dict[str, bool] = {}

    @property
    def template(self) -> str:
        if self._template is None:
            from compliance.signals.features import template_of

            self._template = template_of(self.record.prompt)
        return self._template

    @property
    def topic(self) -> str | None:
        if self._topic is False:
            from compliance.signals.features import topic_of

            self._topic = topic_of(self.record.prompt)
        return self._topic  # type: ignore[return-value]

    def text_template(self, field: str) -> str:
        if field == "prompt":
            return self.template
        text = getattr(self.record, field) or ""
        found = _OTHER_TEMPLATES.get(text)
        if found is None:  # system prompts repeat: their templates are cached (template_of is pure)
            from compliance.signals.features import template_of

            found = template_of(text)
            if len(_OTHER_TEMPLATES) >= _OTHER_TEMPLATES_CAP:
                _OTHER_TEMPLATES.clear()
            _OTHER_TEMPLATES[text] = found
        return found

    def lemma_labels(self, field: str, matcher: "LemmaMatcher") -> frozenset[str]:
        found = self._lemmas.get(field)
        if found is None:
            found = self._lemmas[field] = matcher.template_labels(self.text_template(field))
        return found


    def get(self, field: str) -> Any:
        getter = _GETTERS.get(field)
        if getter is not None:
            return getter(self)
        r = self.record
        if field in TEXT_FIELDS or field in ("model", "provider", "endpoint", "status", "format", "usage_in", "usage_out"):
            return getattr(r, field)
        if field == "account":
            return r.account or r.api_key_id
        if field == "api_key":
            return r.api_key_id
        if field.startswith("params."):
            return r.params.get(field[7:])
        if field == "template":
            return self.template
        if field == "topic":
            return self.topic
        if field == "prompt_words":
            if self._words < 0:
                self._words = len(r.prompt[:4000].split())
            return self._words
        if field == "prompt_chars":
            return len(r.prompt)
        if field == "response_chars":
            return len(r.response)
        raise KeyError(field)


def _words(v: RecordView) -> int:
    if v._words < 0:
        v._words = len(v.record.prompt[:4000].split())
    return v._words


# Direct getters for the fields conditions read on every record (same values as `RecordView.get`).
_GETTERS: dict[str, Callable[[RecordView], Any]] = {
    "prompt": lambda v: v.record.prompt,
    "system": lambda v: v.record.system,
    "response": lambda v: v.record.response,
    "model": lambda v: v.record.model,
    "provider": lambda v: v.record.provider,
    "endpoint": lambda v: v.record.endpoint,
    "status": lambda v: v.record.status,
    "format": lambda v: v.record.format,
    "usage_in": lambda v: v.record.usage_in,
    "usage_out": lambda v: v.record.usage_out,
    "account": lambda v: v.record.account or v.record.api_key_id,
    "api_key": lambda v: v.record.api_key_id,
    "template": lambda v: v.template,
    "topic": lambda v: v.topic,
    "prompt_words": _words,
    "prompt_chars": lambda v: len(v.record.prompt),
    "response_chars": lambda v: len(v.record.response),
}


def getter_of(field: str) -> Callable[[RecordView], Any]:
    """A function returning `view.get(field)`, without the dispatch on the field name."""
    found = _GETTERS.get(field)
    if found is not None:
        return found
    if field.startswith("params.") and len(field) > 7:
        key = field[7:]
        return lambda v: v.record.params.get(key)
    return lambda v: v.get(field)


class LemmaMatcher:
    """All lemma tests of all signals in one Matcher and one PhraseMatcher; spaCy loads lazily."""

    CACHE = 8192

    def __init__(self) -> None:
        self._patterns: dict[str, list[Any]] = {}
        self._built: tuple[Any, Any, Any] | None = None
        self._cache: dict[str, frozenset[str]] = {}
        self._by_template: dict[str, tuple[Any, frozenset[str]]] = {}  # template -> (cue, labels(cue_text(template)))
        self.cue: Any = None  # set by SignalSet: the prefilter's RE2 set, to keep only sentences with a cue

    def cue_text(self, text: str) -> str:
        """The sentences of `text` holding a prefilter literal: cues sit in the instructions, and the
        slot-filled rest (questions, documents) would only make every text, and the cache key, unique."""
        if self.cue is None or len(text) < 80:
            return text
        kept = [s for s in _SENTENCE.split(text) if s and self.cue.Match(s)]
        return " ".join(kept) if kept else text

    def template_labels(self, template: str) -> frozenset[str]:
        """`labels(cue_text(template))`, cached by template (campaign templates repeat, and the
        sentence split and cue scan of `cue_text` cost more than the lookup)."""
        cue = self.cue
        if cue is None:
            return self.labels(self.cue_text(template))
        cached = self._by_template.get(template)
        if cached is not None and cached[0] is cue:
            return cached[1]
        found = self.labels(self.cue_text(template))
        if len(self._by_template) >= self.CACHE:
            self._by_template.clear()  # bounded: a cold cache only costs time
        self._by_template[template] = (cue, found)
        return found

    def add(self, patterns: list[Any]) -> str:
        label = f"L{len(self._patterns)}"
        self._patterns[label] = list(patterns)
        return label

    def _build(self) -> tuple[Any, Any, Any]:
        from spacy.matcher import Matcher, PhraseMatcher

        from compliance.nlp.pipeline import get_nlp, make_patterns

        nlp = get_nlp()
        matcher, phrases = Matcher(nlp.vocab), PhraseMatcher(nlp.vocab, attr="LEMMA")
        for label, patterns in self._patterns.items():
            docs, tokens = make_patterns(nlp, patterns)
            if docs:
                phrases.add(label, docs)
            if tokens:
                matcher.add(label, [[dict(t) for t in p] for p in tokens])
        return nlp, matcher, phrases

    def labels(self, text: str) -> frozenset[str]:
        """Labels of the lemma tests that match `text` (cached: templates repeat)."""
        found = self._cache.get(text)
        if found is not None:
            return found
        if self._built is None:
            self._built = self._build()
        nlp, matcher, phrases = self._built
        doc = nlp(text)
        strings = doc.vocab.strings
        found = frozenset(strings[m] for m, _, _ in matcher(doc)) | frozenset(strings[m] for m, _, _ in phrases(doc))
        if len(self._cache) >= self.CACHE:
            self._cache.clear()  # bounded: a cold cache only costs time
        self._cache[text] = found
        return found

    def __getstate__(self) -> dict[str, Any]:
        return {"_patterns": self._patterns, "_built": None, "_cache": {}, "_by_template": {}, "cue": None}


def _value_test(field: str, op: str, arg: Any) -> Pred:
    get = getter_of(field)
    if op == "exists":
        want = bool(arg)
        return lambda v: (get(v) not in (None, "")) is want
    if op == "equals":
        folded = arg.casefold() if isinstance(arg, str) else arg
        return lambda v: (x := get(v)) is not None and (x.casefold() if isinstance(x, str) else x) == folded
    if op == "in":
        options = {a.casefold() if isinstance(a, str) else a for a in arg}
        return lambda v: (x := get(v)) is not None and (x.casefold() if isinstance(x, str) else x) in options
    if op == "gte":
        return lambda v: type(x := get(v)) in _NUMBERS and x >= arg
    if op == "gt":
        return lambda v: type(x := get(v)) in _NUMBERS and x > arg
    if op == "lte":
        return lambda v: type(x := get(v)) in _NUMBERS and x <= arg
    if op == "lt":
        return lambda v: type(x := get(v)) in _NUMBERS and x < arg
    raise ValueError(f"unknown value test {op!r}")


def _text_test(field: str, op: str, arg: Any, lemmas: LemmaMatcher) -> Pred:
    get = getter_of(field)
    if op == "lemma":
        label = lemmas.add(arg)
        return lambda v: bool(get(v)) and label in v.lemma_labels(field, lemmas)
    if op == "regex":
        import re2

        pattern = re2.compile(arg)
        return lambda v: isinstance(x := get(v), str) and pattern.search(x) is not None
    if op == "fuzzy":
        from rapidfuzz import fuzz, utils

        value, at_least = str(arg["value"]), float(arg.get("at_least", 90))
        return lambda v: isinstance(x := get(v), str) and bool(x) and fuzz.partial_ratio(
            value, x, processor=utils.default_process, score_cutoff=at_least) >= at_least
    needles = [a.casefold() for a in (arg if isinstance(arg, list) else [arg])]
    return lambda v: isinstance(x := get(v), str) and any(n in x.casefold() for n in needles)


def cost(node: Any) -> int:
    """0 field and signal tests, 1 regex, 2 template-derived fields, 3 lemma and fuzzy (spaCy, rapidfuzz)."""
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
    return 1 if "regex" in node else 0


def compile_condition(node: Any, lemmas: LemmaMatcher) -> Pred:
    """A checked condition as a predicate over a RecordView. `all` and `any` try their cheap parts
    first (the result is the same), so spaCy only sees records the field tests let through."""
    if isinstance(node, list):
        node = {"all": node}
    if "all" in node:
        parts = [compile_condition(item, lemmas) for item in sorted(node["all"], key=cost)]
        if len(parts) == 2:
            a, b = parts
            return lambda v: a(v) and b(v)
        if len(parts) == 3:
            a, b, c = parts
            return lambda v: a(v) and b(v) and c(v)
        return lambda v: all(p(v) for p in parts)
    if "any" in node:
        parts = [compile_condition(item, lemmas) for item in sorted(node["any"], key=cost)]
        if len(parts) == 2:
            a, b = parts
            return lambda v: a(v) or b(v)
        return lambda v: any(p(v) for p in parts)
    if "not" in node:
        inner = compile_condition(node["not"], lemmas)
        return lambda v: not inner(v)
    if "signal" in node:
        name = node["signal"]
        return lambda v: v.matched.get(name, False)
    field = node["field"]
    tests = [(_text_test if op in TEXT_OPS else _value_test)(field, op, node[op], *((lemmas,) if op in TEXT_OPS else ()))
             for op in sorted(set(node) - {"field"})]
    if len(tests) == 1:
        return tests[0]
    return lambda v: all(t(v) for t in tests)


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
