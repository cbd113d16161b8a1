"""Join the steps: provider calls → files they write → files training reads → what is trained.

A link is `proven` when every hop is: the written data carries the call's output (taint), the
written and read paths are the same file or Hub id, and the training reads it (or the output
reaches the trainer in memory). A link through a glob pattern, a file name alone, or a write the
taint does not tie to the call is `possible`, with the partial chain and a lower confidence.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field

from compliance.catalog import resolve_model
from compliance.sources.discover import sdk
from compliance.sources.discover.model import (
    Call,
    DataIO,
    FileScan,
    Loc,
    Training,
    Value,
)
from compliance.sources.discover.purpose import GENERATING, Purposes, infer
from compliance.sources.discover.pyflow import is_hub_id
from compliance.sources.discover.resolve import Resolver, normalize
from compliance.sources.discover.scan import Discovery

PROVEN = 0.85


@dataclass
class Use:
    """A provider call with its provider and model settled."""

    call: Call
    provider: str
    model: str | None
    model_value: Value | None
    purposes: Purposes
    confidence: float
    base_url: str | None = None
    self_hosted: bool = False


@dataclass
class Hop:
    loc: Loc
    note: str
    strength: float = 1.0


@dataclass
class Step:
    """A training step with its inputs settled."""

    training: Training
    path: str
    base: Value | None
    inputs: list[tuple[str, Value]] = field(default_factory=list)   # (key, value) it reads
    memory: list[str] = field(default_factory=list)                  # call taints reaching it in memory
    read_locs: dict[int, Loc] = field(default_factory=dict)           # where each input is read


@dataclass
class Link:
    use: Use
    step: Step
    dataset_key: str
    dataset_value: Value | None
    hops: list[Hop]

    @property
    def strength(self) -> float:
        return min(h.strength for h in self.hops) if self.hops else 0.0

    @property
    def proven(self) -> bool:
        return self.strength >= PROVEN


def key_of(value: Value, origin: str) -> list[str]:
    """Keys a path or Hub id can match: `hub:org/name`, or the path from the root and from the script's folder."""
    text = value.text or ""
    if value.kind == "literal" and is_hub_id(text):
        return [f"hub:{text}"]
    keys = [normalize(text)]
    folder = posixpath.dirname(origin)
    if folder and not text.startswith("/"):
        keys.append(normalize(text, folder))
    return [k for k in dict.fromkeys(keys) if k]


def match(a: str, b: str) -> float:
    """How sure we are that two keys name the same data (0 = not at all)."""
    if a == b:
        return 1.0
    if a.startswith("hub:") or b.startswith("hub:"):
        return 0.0
    if "*" in a or "*" in b:
        return 0.6 if fnmatch.fnmatchcase(b, a) or fnmatch.fnmatchcase(a, b) else 0.0
    if (a.endswith("/" + b) and b.count("/") >= 1) or (b.endswith("/" + a) and a.count("/") >= 1):
        return 0.9
    if posixpath.basename(a) == posixpath.basename(b):
        return 0.5
    if b.startswith(a.rstrip("/") + "/") or a.startswith(b.rstrip("/") + "/"):
        return 0.5  # a folder and a file in it
    return 0.0


class KeyIndex:
    """Keys by file name, folder and pattern, so that joining stays linear in the size of the tree.

    `match` is above zero only for keys with the same file name, a pattern, or a folder and a file
    in it; only those are compared.
    """

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.by_name: dict[str, list[str]] = defaultdict(list)
        self.by_folder: dict[str, list[str]] = defaultdict(list)
        self.patterns: list[str] = []

    def add(self, key: str) -> None:
        if key in self.keys:
            return
        self.keys.add(key)
        if key.startswith("hub:"):
            self.by_name[key].append(key)
        elif "*" in key:
            self.patterns.append(key)
        else:
            self.by_name[posixpath.basename(key)].append(key)
            folder = posixpath.dirname(key)
            while folder:
                self.by_folder[folder].append(key)
                folder = posixpath.dirname(folder)

    def candidates(self, key: str) -> list[str]:
        if key.startswith("hub:"):
            return list(self.by_name.get(key, []))
        if "*" in key:
            return sorted(self.keys)
        found = [*self.by_name.get(posixpath.basename(key), []), *self.patterns, *self.by_folder.get(key, [])]
        folder = posixpath.dirname(key)
        while folder:
            if folder in self.keys:
                found.append(folder)
            folder = posixpath.dirname(folder)
        return found


class Linker:
    def __init__(self, found: Discovery) -> None:
        self.found = found
        self.resolver = Resolver(found)
        self.uses: list[Use] = []
        self.steps: list[Step] = []
        self.links: list[Link] = []
        self.outputs: dict[str, list[tuple[Use, list[Hop]]]] = defaultdict(list)
        self.transforms: list[tuple[str, str, list[Hop]]] = []
        self.output_keys = KeyIndex()
        self.transform_keys = KeyIndex()
        self.transforms_to: dict[str, list[tuple[str, list[Hop]]]] = defaultdict(list)

    # ----------------------------------------------------------------- calls

    def settle(self, scan: FileScan, call: Call) -> list[Use]:
        writes = [io for io in scan.io if io.mode == "write" and call.taint in io.tainted_by]
        purposes = infer(call, writes)
        models = self.resolver.values(call.model, scan.path) or [None]  # type: ignore[list-item]
        base_url = self.resolver.first(call.base_url, scan.path)
        uses = []
        for model_value in models:
            text = model_value.text if model_value is not None else None
            provider, confidence, self_hosted = self._provider(call, text, base_url)
            if provider is None:
                continue
            uses.append(Use(call, provider, text, model_value, purposes, confidence,
                            base_url.text if base_url is not None else None, self_hosted))
        return uses

    def _provider(self, call: Call, model: str | None, base_url: Value | None) -> tuple[str | None, float, bool]:
        prefix, bare = sdk.split_model_prefix(model) if model else (None, None)
        catalog = resolve_model(bare).provider if bare else None
        url_provider = sdk.provider_from_url(base_url.text) if base_url is not None and base_url.text else None
        if url_provider == "self-hosted" or prefix == "self-hosted":
            return (catalog or "self-hosted"), 0.9, True
        if url_provider:
            return url_provider, 0.95, False
        if call.base_url is not None and base_url is None:  # a base URL we cannot read: judge by the model
            return (catalog or call.provider), 0.6, False
        if prefix:
            return prefix, 0.95, False
        return (call.provider or catalog), (0.95 if call.provider else 0.7), False

    # ----------------------------------------------------------------- data

    def collect(self) -> None:
        for scan in self.found.scans:
            file_uses = [u for call in scan.calls for u in self.settle(scan, call)]
            self.uses += file_uses
            by_taint = defaultdict(list)
            for use in file_uses:
                by_taint[use.call.taint].append(use)
            generating = [u for u in file_uses if set(u.purposes.chosen()) & set(GENERATING)]
            for io in scan.io:
                if io.mode == "write":
                    self._write(scan, io, by_taint, generating)
            for run in scan.runs:
                self._redirect(run)
            for training in scan.trainings:
                self.steps.append(self._step(scan, training))

    def _write(self, scan: FileScan, io: DataIO, by_taint: dict[str, list[Use]], generating: list[Use]) -> None:
        values = self.resolver.values(io.target, scan.path)
        tainting = [u for label in io.tainted_by for u in by_taint.get(label, [])]
        sources = [key for label in io.tainted_by if label.startswith("read:")
                   for read in scan.io if read.mode == "read" and f"read:{read.loc}" == label
                   for value in self.resolver.values(read.target, scan.path) for key in key_of(value, scan.path)]
        for value in values:
            for key in key_of(value, scan.path):
                where = f"writes {value.text}" + (f" ({value.how})" if value.how not in ("literal", "") else "")
                hop = Hop(io.loc, where, 1.0 if tainting else 0.5)
                for use in tainting or [u for u in generating if u.call.loc.path == scan.path]:
                    self.outputs[key].append((use, [Hop(use.call.loc, self._call_note(use), use.confidence), hop]))
                for source in sources:
                    self.transforms.append((source, key, [Hop(io.loc, f"derived from {source}; {where}")]))
                if value.loc is not None and value.loc.path != io.loc.path:
                    hop.note += f"; path set at {value.loc}"

    def _redirect(self, run: object) -> None:
        from compliance.sources.discover.model import ShellRun

        assert isinstance(run, ShellRun)
        target = dict(run.args).get("__stdout__")
        if not target:
            return
        script = normalize(run.script, posixpath.dirname(run.loc.path))
        for use in self.uses:
            if use.call.loc.path == script:
                self.outputs[normalize(target)].append((use, [Hop(use.call.loc, self._call_note(use), use.confidence),
                                                              Hop(run.loc, f"stdout of {run.script} goes to {target}", 0.6)]))

    def _step(self, scan: FileScan, training: Training) -> Step:
        base = self.resolver.first(training.base_model, scan.path) or next(
            (v for load in training.loads for v in self.resolver.values(load, scan.path)), None)
        step = Step(training, scan.path, base, memory=[t for t in training.tainted_inputs if not t.startswith("read:")])
        read_at = {id(io.target): io.loc for io in scan.io if io.mode == "read"}
        for value in training.datasets:
            for settled in self.resolver.values(value, scan.path):
                if id(value) in read_at:
                    step.read_locs[id(settled)] = read_at[id(value)]
                if settled.how == "llama-factory dataset":
                    settled = self._llama_factory(settled, scan.path) or settled
                for key in key_of(settled, scan.path):
                    step.inputs.append((key, settled))
        return step

    def _llama_factory(self, value: Value, origin: str) -> Value | None:
        folder = normalize(value.ref or "data", posixpath.dirname(origin))
        for candidate in (normalize(posixpath.join(value.ref or "data", "dataset_info.json")), posixpath.join(folder, "dataset_info.json")):
            entry = self.found.configs.get(candidate)
            if entry is None:
                continue
            flat, _ = entry
            hub = flat.get(f"{value.text}.hf_hub_url")
            if hub:
                return Value(hub, "literal", value.loc, how=f"{candidate}: {value.text}")
            name = flat.get(f"{value.text}.file_name")
            if name:
                return Value(posixpath.join(posixpath.dirname(candidate), name), "literal", value.loc,
                             how=f"{candidate}: {value.text}")
        return None

    @staticmethod
    def _call_note(use: Use) -> str:
        model = f" {use.model}" if use.model else ""
        how = f" ({use.model_value.how} at {use.model_value.loc})" if use.model_value is not None and use.model_value.loc \
            and use.model_value.loc.line != use.call.loc.line else ""
        return f"calls {use.provider}{model}{how}"

    # ----------------------------------------------------------------- joining

    def _index(self) -> None:
        for key in self.outputs:
            self.output_keys.add(key)
        for src, dst, hops in self.transforms:
            self.transform_keys.add(dst)
            self.transforms_to[dst].append((src, hops))

    def _sources(self, key: str, depth: int = 0) -> list[tuple[Use, list[Hop], str]]:
        """Provider outputs that reach `key`, directly or through transform steps."""
        found: list[tuple[Use, list[Hop], str]] = []
        for out_key in self.output_keys.candidates(key):
            score = match(out_key, key)
            if score:
                for use, hops in self.outputs[out_key]:
                    found.append((use, [*hops, Hop(hops[-1].loc, f"same data as {key}", score)] if score < 1 else hops, out_key))
        if depth < 3:
            for dst in self.transform_keys.candidates(key):
                score = match(dst, key)
                if not score:
                    continue
                for src, hops in self.transforms_to[dst]:
                    for use, upstream, _ in self._sources(src, depth + 1):
                        found.append((use, [*upstream, *[Hop(h.loc, h.note, min(h.strength, score)) for h in hops]], dst))
        return found

    def link(self) -> None:
        self.collect()
        self._index()
        for step in self.steps:
            t = step.training
            for key, value in step.inputs:
                read = Hop(step.read_locs.get(id(value)) or value.loc or t.loc, f"training reads {value.text}" + (f" ({value.how})" if value.how not in ("literal", "") else ""))
                for use, hops, _ in self._sources(key):
                    self.links.append(Link(use, step, key, value, [*hops, read, Hop(t.loc, f"{t.framework} training")]))
            for label in step.memory:
                for use in (u for u in self.uses if u.call.taint == label):
                    self.links.append(Link(use, step, f"memory:{step.path}", None,
                                           [Hop(use.call.loc, self._call_note(use), use.confidence),
                                            Hop(t.loc, f"its output reaches {t.framework} training in memory")]))


def link_discovery(found: Discovery) -> Linker:
    linker = Linker(found)
    linker.link()
    return linker
