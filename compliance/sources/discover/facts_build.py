"""Facts from a discovery draft: the manifest fact builder, with evidence that points at code.

Going through the same builder as a declared manifest keeps fact keys, catalog resolution and
flows identical, so a manifest written by `discover --write` scans the same. Discovered flows also
carry `link` (proven | stated), `confidence` and `chain`; every piece of evidence is of kind
`discovered` with its own confidence.
"""

from __future__ import annotations

from typing import Any

from compliance.facts import Evidence, Facts
from compliance.manifest import LoadedManifest, parse_manifest
from compliance.sources.discover.draft import Draft, Key
from compliance.sources.manifest_facts import FactBuilder

SOURCE = "(repository discovery)"


class DiscoveredBuilder(FactBuilder):
    def __init__(self, loaded: LoadedManifest, draft: Draft) -> None:
        super().__init__(loaded)
        self.draft = draft

    def _lookup(self, loc: Key) -> list[Evidence]:
        for end in range(len(loc), 0, -1):
            found = self.draft.evidence.get(tuple(loc[:end]))
            if found:
                return found
        return []

    def ev(self, *loc: Any, kind: str = "declared", note: str = "", confidence: float = 1.0) -> Evidence:
        found = self._lookup(loc)
        base = found[0] if found else Evidence(SOURCE, 1, "", "discovered", 0.5)
        return Evidence(base.path, base.line, base.snippet, "catalog" if kind == "catalog" else base.kind,
                        round(min(confidence, base.confidence), 3), note if kind == "catalog" else base.note)

    def build(self) -> Facts:
        facts = super().build()
        m = self.loaded.manifest
        uses = {use.id or f"{use.provider}-{i + 1}": i for i, use in enumerate(m.providers)}
        datasets = {d.id: i for i, d in enumerate(m.datasets)}
        artifacts = {a.id: i for i, a in enumerate(m.artifacts)}
        for fact in facts.of("provider_uses"):
            fact.evidence = list(self._lookup(("providers", uses[fact.key])))
            purposes = [u for u in self.draft.uses if u.provider == fact.provider]
            fact.data["purpose_confidence"] = {
                p: max(u.purposes.confidence(p) for u in purposes) for p in fact.data["purposes"]}
        for fact in facts.of("datasets"):
            fact.evidence = list(self._lookup(("datasets", datasets[fact.key], "id")))
        for fact in facts.of("artifacts"):
            fact.evidence = list(self._lookup(("artifacts", artifacts[fact.key], "id")))
        for fact in facts.of("flows"):
            extra = self.draft.flow_extra.get(fact.key) or self.draft.flow_extra.get(
                f"{fact.data['artifact']}<-{fact.data['dataset']}<-{fact.data['provider']}:*")
            if fact.data["via"] == "declared":
                fact.data["via"] = "discovered"
            if extra is not None:
                fact.data.update({k: v for k, v in extra.items() if not k.startswith("_")})
                kept: dict[tuple[str, int], Evidence] = {}
                for evidence in [*extra["_evidence"], *fact.evidence]:  # the chain first: its notes say most
                    kept.setdefault((evidence.path, evidence.line), evidence)
                fact.evidence = sorted(kept.values(), key=lambda e: (e.path, e.line))
            else:
                fact.data.update({"link": "stated" if fact.data["via"] == "catalog" else "proven", "confidence": 0.9,
                                  "chain": []})
        return facts


def load_draft(draft: Draft) -> LoadedManifest:
    """The draft as a validated manifest (the same validation `ai-usage.yaml` gets)."""
    return parse_manifest(draft.data, SOURCE)


def discovered_facts(draft: Draft) -> Facts:
    facts = DiscoveredBuilder(load_draft(draft), draft).build()
    for fact in facts.of("datasets"):
        fact.data.pop("_generators", None)
    return facts
