"""What discovery found, as a usage manifest: the data of an `ai-usage.yaml`, plus its evidence.

The same draft feeds both the facts of a scan without a manifest (through the manifest fact
builder, with evidence pointing at code) and `tos-check discover --write`, so that scanning with
the written manifest gives the same findings as scanning without it.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from compliance.catalog import resolve_dataset
from compliance.facts import Evidence
from compliance.sources.discover.link import Link, Linker, Step, Use
from compliance.sources.discover.model import Claim, Loc
from compliance.sources.discover.pyflow import is_hub_id

Key = tuple[Any, ...]
MAX_EVIDENCE = 12


def slug(text: str) -> str:
    base = text.split(":", 1)[-1].rstrip("/")
    base = posixpath.basename(base) if "/" in base and not is_hub_id(base) else base.replace("/", "-")
    base = re.sub(r"\.(jsonl?|csv|tsv|parquet|arrow|txt|json\.gz)$", "", base.lower())
    return re.sub(r"[^a-z0-9.]+", "-", base).strip("-.") or "data"


@dataclass
class Draft:
    """Manifest data with evidence by manifest location, and what the manifest cannot hold."""

    data: dict[str, Any]
    evidence: dict[Key, list[Evidence]] = field(default_factory=lambda: defaultdict(list))
    comments: dict[Key, list[str]] = field(default_factory=lambda: defaultdict(list))
    flow_extra: dict[str, dict[str, Any]] = field(default_factory=dict)
    possible: list[Link] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    def add(self, key: Key, loc: Loc | None, confidence: float = 1.0, note: str = "") -> None:
        if loc is None or len(self.evidence[key]) >= MAX_EVIDENCE:
            return
        evidence = loc.evidence(confidence, note)
        if evidence not in self.evidence[key]:
            self.evidence[key].append(evidence)
            self.comments[key].append(f"{loc}{': ' + note if note else ''}")


class DraftBuilder:
    def __init__(self, linker: Linker, project: str) -> None:
        self.linker = linker
        self.claims = [c for scan in linker.found.scans for c in scan.claims]
        self.draft = Draft({"project": project, "artifacts": [], "providers": [], "datasets": []}, claims=self.claims)
        self.dataset_index: dict[str, int] = {}
        self.artifact_index: dict[str, int] = {}

    # ----------------------------------------------------------------- providers

    def providers(self) -> None:
        by_provider: dict[str, list[Use]] = defaultdict(list)
        for use in self.linker.uses:
            by_provider[use.provider].append(use)
        for provider in sorted(by_provider):
            uses = by_provider[provider]
            index = len(self.draft.data["providers"])
            models = sorted({u.model for u in uses if u.model})
            purposes = sorted({p for u in uses for p in u.purposes.chosen()})
            entry: dict[str, Any] = {"id": provider, "provider": provider}
            if models:
                entry["models"] = models
            if purposes:
                entry["purposes"] = purposes
            self.draft.data["providers"].append(entry)
            for use in uses:
                self.draft.add(("providers", index), use.call.loc, use.confidence, f"{use.call.sdk} {use.call.api} call")
                if use.model_value is not None and use.model_value.loc is not None:
                    self.draft.add(("providers", index, "models"), use.model_value.loc, use.confidence,
                                   f"model {use.model} ({use.model_value.how})")
                for purpose in use.purposes.chosen():
                    reasons = "; ".join(use.purposes.reasons.get(purpose, [])[:3])
                    self.draft.add(("providers", index, "purposes"), use.call.loc, use.purposes.confidence(purpose),
                                   f"{purpose} ({reasons})")
            self.draft.uses += uses

    # ----------------------------------------------------------------- datasets

    def dataset(self, key: str, loc: Loc | None, note: str, confidence: float = 1.0) -> str:
        """The id of the dataset for a key, created on first use."""
        if key in self.dataset_index:
            index = self.dataset_index[key]
            self.draft.add(("datasets", index, "id"), loc, confidence, note)
            return str(self.draft.data["datasets"][index]["id"])
        ids = {d["id"] for d in self.draft.data["datasets"]} | {a["id"] for a in self.draft.data["artifacts"]}
        if key.startswith("memory:"):
            base = slug(key[7:]) + "-outputs"
        else:
            base = slug(key)
        ident, n = base, 2
        while ident in ids:
            ident, n = f"{base}-{n}", n + 1
        entry: dict[str, Any] = {"id": ident}
        if key.startswith("hub:"):
            entry["hf_id"] = key[4:]
        elif key.startswith("claim:"):
            resolved = resolve_dataset(key[6:])
            if resolved.hf_id and resolved.hf_id.lower() != ident:
                entry["hf_id"] = resolved.hf_id
        elif not key.startswith("memory:"):
            entry["path"] = key
        else:
            entry["path"] = key[7:]
        index = len(self.draft.data["datasets"])
        self.draft.data["datasets"].append(entry)
        self.dataset_index[key] = index
        self.draft.add(("datasets", index, "id"), loc, confidence, note)
        return ident

    def generated(self, dataset_id: str, link: Link) -> None:
        index = next(i for i, d in enumerate(self.draft.data["datasets"]) if d["id"] == dataset_id)
        entry = self.draft.data["datasets"][index]
        generators = entry.setdefault("generated_by", [])
        generator = {"provider": link.use.provider, **({"model": link.use.model} if link.use.model else {})}
        if generator not in generators:
            generators.append(generator)
            entry["origin"] = "generated"
        position = generators.index(generator)
        for hop in link.hops[:-2] if len(link.hops) > 2 else link.hops:
            self.draft.add(("datasets", index, "generated_by", position), hop.loc, hop.strength, hop.note)

    # ----------------------------------------------------------------- artifacts

    def artifact_name(self, step: Step) -> tuple[str, Loc | None, bool]:
        """(name, where it is given, published) of what a training step makes."""
        t = step.training
        options = self.linker.resolver.script_options(step.path)
        pushed = self.linker.resolver.first(t.pushed, step.path) or next(iter(options.get("hub_model_id", [])), None)
        if pushed is not None and pushed.text:
            return pushed.text.rstrip("/").rsplit("/", 1)[-1], pushed.loc, not t.private
        card = next((c for c in self.claims if c.relation == "released-as" and c.source == "card"), None)
        if card is not None:
            return card.obj, card.loc, True
        output = self.linker.resolver.first(t.output, step.path) or next(iter(options.get("output_dir", [])), None)
        if output is not None and output.text and "*" not in output.text:
            return output.text.rstrip("/").rsplit("/", 1)[-1], output.loc, False
        title = next((c for c in self.claims if c.relation == "released-as"), None)
        if title is not None:
            return title.obj, title.loc, False
        return posixpath.splitext(posixpath.basename(step.path))[0], t.loc, False

    def artifact(self, name: str, loc: Loc | None, kind: str, published: bool, base: tuple[str, Loc | None, float] | None,
                 confidence: float, note: str) -> int:
        ident = slug(name)
        if ident in self.artifact_index:
            return self.artifact_index[ident]
        index = len(self.draft.data["artifacts"])
        self.artifact_index[ident] = index
        entry: dict[str, Any] = {"id": ident, "kind": kind, "name": name}
        description = next((c for c in self.claims if c.relation == "description"), None)
        if description is not None:
            entry["description"] = description.obj
            self.draft.add(("artifacts", index, "description"), description.loc, description.confidence, "README description")
        published = published or any(c.relation == "published-card" for c in self.claims)
        entry["distribution"] = "public" if published else "internal"
        if base is not None:
            entry["base_model"] = base[0]
            self.draft.add(("artifacts", index, "base_model"), base[1], base[2], "base model")
        license_claim = next((c for c in self.claims if c.relation == "license" and c.source == "card"), None) or \
            next((c for c in self.claims if c.relation == "license"), None)
        if license_claim is not None:
            entry["license"] = license_claim.obj
            self.draft.add(("artifacts", index, "license"), license_claim.loc, license_claim.confidence,
                           f"license from {license_claim.source}")
        if any(c.relation == "notice" for c in self.claims):
            entry["notices"] = ["Built with Llama"]
        entry["trained_on"] = []
        self.draft.data["artifacts"].append(entry)
        self.draft.add(("artifacts", index, "id"), loc, confidence, note)
        self.draft.add(("artifacts", index, "name"), loc, confidence, "name")
        self.draft.add(("artifacts", index, "distribution"), loc, confidence,
                       "pushed to the Hub / published card" if published else "no sign of publication")
        return index

    def train(self, index: int, dataset_id: str) -> None:
        trained_on = self.draft.data["artifacts"][index]["trained_on"]
        if dataset_id not in trained_on:
            trained_on.append(dataset_id)
