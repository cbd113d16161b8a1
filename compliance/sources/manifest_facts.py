"""Facts from a usage manifest: what the team declares, resolved against the catalogs.

Declared values always win; the catalogs fill what the manifest leaves out (a dataset's origin and
license, a model's provider and license) and say so in the evidence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from compliance.catalog import resolve_dataset, resolve_model
from compliance.facts import Evidence, Fact, Facts, Period
from compliance.manifest import Dataset, LoadedManifest, PeriodSpec, ProviderUse
from compliance.redact import snippet
from compliance.sources.consistency import license_conflict, origin_contradiction

if TYPE_CHECKING:
    from compliance.sources import SourceContext

NAME = "manifest"
WORKS_WITHOUT_MANIFEST = False

GENERATING_PURPOSES = ("data-generation", "distillation", "labelling")


def _period(spec: PeriodSpec | None) -> Period | None:
    if spec is None:
        return None
    return Period(spec.start, spec.end or spec.start)


class FactBuilder:
    """Builds facts from a validated manifest.

    Evidence comes from `ev` (a manifest location to a file and line) and `has` (whether the
    manifest gives a field); repository discovery subclasses both to point at code instead.
    """

    def __init__(self, loaded: LoadedManifest) -> None:
        self.loaded = loaded
        self.facts = Facts(project=loaded.manifest.project)

    def ev(self, *loc: Any, kind: str = "declared", note: str = "", confidence: float = 1.0) -> Evidence:
        line = self.loaded.line(*loc)
        return Evidence(self.loaded.path, line, snippet(self.loaded.source_line(line)), kind, confidence, note)

    def has(self, section: str, index: int, key: str) -> bool:
        return key in self.loaded.raw.get(section, [])[index]

    def field_evidence(self, section: str, index: int, keys: list[str]) -> dict[str, Evidence]:
        return {key: self.ev(section, index, key) for key in keys if self.has(section, index, key)}

    def model(self, name: str, role: str, loc: tuple[Any, ...]) -> dict[str, Any]:
        res = resolve_model(name)
        data = {
            "input": name, "role": role, "id": res.id, "provider": res.provider, "family": res.family,
            "kind": res.kind, "license": res.license, "terms": res.terms_as or res.license,
            "base_license": res.base_license,
            "capabilities": list(res.capabilities), "resolved": res.provider is not None,
            "confidence": round(res.confidence, 3),
        }
        note = (f"catalog: {res.id} ({res.method}, confidence {res.confidence:.2f})" if res.provider
                else "not in the model catalog")
        self.facts.add(Fact("models", f"{role}:{name}", data, [self.ev(*loc, note=note)]))
        return data

    def build(self) -> Facts:
        m = self.loaded.manifest
        uses = [self.provider_use(i, use) for i, use in enumerate(m.providers)]
        datasets = {d.id: self.dataset(i, d) for i, d in enumerate(m.datasets)}
        for index, artifact in enumerate(m.artifacts):
            self.artifact(index, datasets, uses)
        for dataset in datasets.values():
            found = origin_contradiction(dataset, dataset.data["_generators"])
            if found is not None:
                self.facts.add(found)
        for artifact_fact in self.facts.of("artifacts"):
            conflict = license_conflict(artifact_fact)
            if conflict is not None:
                self.facts.add(conflict)
        return self.facts

    def provider_use(self, index: int, use: ProviderUse) -> Fact:
        models = [self.model(name, "api", ("providers", index, "models", pos)) for pos, name in enumerate(use.models)]
        data = {
            "id": use.id or f"{use.provider}-{index + 1}", "provider": use.provider.lower(),
            "models": list(use.models), "families": sorted({d["family"] for d in models if d["family"]}),
            "purposes": list(use.purposes), "channel": use.channel, "accounts": list(use.accounts), "account_count": len(use.accounts),
            "requests": use.requests,
        }
        fact = Fact("provider_uses", data["id"], data, [self.ev("providers", index)],
                    self.field_evidence("providers", index, ["models", "purposes", "period", "accounts"]),
                    period=_period(use.period), provider=data["provider"], channel=use.channel)
        self.facts.add(fact)
        return fact

    def dataset(self, index: int, d: Dataset) -> Fact:
        lookup = d.hf_id or d.id
        res = resolve_dataset(lookup)
        known = res.id is not None
        generators: list[dict[str, Any]] = []
        for pos, g in enumerate(d.generators):
            model = self.model(g.model, "generator", ("datasets", index, "generated_by", pos, "model")) if g.model else {}
            generators.append({
                "provider": g.provider.lower(), "model": g.model, "family": model.get("family"), "kind": model.get("kind"),
                "terms": model.get("terms"), "via": "declared", "period": _period(g.period), "channel": g.channel,
                "evidence": self.ev("datasets", index, "generated_by", pos),
            })
        if not d.generators and known:
            note = f"catalog: {res.id}"
            carried = set(res.carries_terms)
            for g in res.generated_by:
                provider = (g.provider or "").lower()
                if not provider:
                    continue
                model = resolve_model(g.model) if g.model else None
                generators.append({
                    "provider": provider, "model": g.model, "family": model.family if model else None,
                    "kind": model.kind if model else None,
                    "terms": (model.terms_as or model.license) if model else None, "via": "catalog", "period": None,
                    "evidence": self.ev("datasets", index, "hf_id" if d.hf_id else "id", kind="catalog",
                                        note=f"{note}: generated by {provider} {g.model or ''}".strip(),
                                        confidence=res.confidence),
                })
                carried.discard(provider)
            for provider in sorted(carried):
                generators.append({
                    "provider": provider, "model": None, "family": None, "kind": None, "terms": None, "via": "catalog",
                    "period": None,
                    "evidence": self.ev("datasets", index, "hf_id" if d.hf_id else "id", kind="catalog",
                                        note=f"{note}: carries {provider}'s output terms", confidence=res.confidence),
                })
        origin = d.origin or ("generated" if generators else (res.origin if known else "unknown"))
        license_ = d.license or (res.license if known else None)
        data = {
            "id": d.id, "path": d.path, "hf_id": d.hf_id, "origin": origin, "license": license_,
            "generators": sorted({g["provider"] for g in generators}),
            "generated_by": [{k: g.get(k) for k in ("provider", "model", "family", "kind", "terms", "via")} for g in generators],
            "catalog_id": res.id, "catalog_confidence": round(res.confidence, 3) if known else None,
            "license_source": "declared" if d.license else ("catalog" if license_ else None),
        }
        fields = self.field_evidence("datasets", index, ["license", "origin", "generated_by", "hf_id", "path"])
        if not d.license and license_:
            fields["license"] = self.ev("datasets", index, "hf_id" if d.hf_id else "id", kind="catalog",
                                        note=f"catalog: license {license_}", confidence=res.confidence)
        fact = Fact("datasets", d.id, data, [self.ev("datasets", index, "id")], fields)
        fact.data["_generators"] = generators  # kept for flows; not a rule path
        self.facts.add(fact)
        return fact

    def artifact(self, index: int, datasets: dict[str, Fact], uses: list[Fact]) -> None:
        a = self.loaded.manifest.artifacts[index]
        base = self.model(a.base_model, "base", ("artifacts", index, "base_model")) if a.base_model else None
        flows = []
        for pos, dataset_id in enumerate(a.trained_on):
            dataset = datasets[dataset_id]
            for g in dataset.data["_generators"]:
                flows.append(self.flow(index, pos, a.id, a.name, dataset, g, uses))
        output_terms = sorted({f.data["terms"] for f in flows if f.data["terms"]})
        data = {
            "id": a.id, "kind": a.kind, "name": a.name, "description": a.description,
            "commercial": a.commercial, "distribution": a.distribution,
            "distributed": a.distribution in ("public", "customers"),
            "monthly_active_users": a.monthly_active_users, "base_model": a.base_model,
            "base": {k: base[k] for k in ("provider", "family", "terms", "license", "base_license", "resolved", "capabilities")} if base else None,
            "trained_on": list(a.trained_on), "license": a.license, "notices": list(a.notices),
            "output_providers": sorted({f.data["provider"] for f in flows}),
            "output_terms": output_terms,
            "upstream_terms": sorted(set(output_terms) | {t for t in ((base or {}).get("terms"), (base or {}).get("base_license")) if t}),
            "dataset_licenses": sorted({datasets[d].data["license"] for d in a.trained_on if datasets[d].data["license"]}),
            "release_date": a.release_date.isoformat() if a.release_date else None,
        }
        fields = self.field_evidence("artifacts", index, [
            "name", "kind", "description", "commercial", "distribution", "monthly_active_users", "base_model",
            "trained_on", "license", "notices"])
        if "base_model" in fields:
            fields["base"] = fields["upstream_terms"] = fields["base_model"]
        if "trained_on" in fields:
            fields["output_terms"] = fields["output_providers"] = fields["dataset_licenses"] = fields["trained_on"]
        self.facts.add(Fact("artifacts", a.id, data, [self.ev("artifacts", index, "id")], fields))
        for flow in flows:
            self.facts.add(flow)

    def flow(self, a_index: int, pos: int, artifact_id: str, name: str, dataset: Fact,
             g: dict[str, Any], uses: list[Fact]) -> Fact:
        matching = [] if g["via"] != "declared" else [
            u for u in uses
            if u.provider == g["provider"] and (not g["family"] or not u.data["families"] or g["family"] in u.data["families"])
        ]
        purposes = sorted({p for u in matching for p in u.data["purposes"]})
        period = g["period"]
        if period is None:
            spans = [u.period for u in matching if u.period is not None and set(u.data["purposes"]) & set(GENERATING_PURPOSES)]
            if spans:
                period = Period(min(s.start for s in spans), max(s.end for s in spans))
        channel = g.get("channel") or next((u.channel for u in matching if u.channel), None) or "api"
        evidence = [g["evidence"], self.ev("artifacts", a_index, "trained_on", pos)]
        evidence += [e for u in matching for e in u.evidence]
        data = {
            "artifact": artifact_id, "artifact_name": name, "dataset": dataset.key, "provider": g["provider"],
            "model": g["model"], "family": g["family"], "generator_kind": g.get("kind"), "terms": g["terms"], "via": g["via"],
            "purposes": purposes, "declared_use": bool(matching),
            "period": period.to_json() if period else None, "channel": channel,
        }
        key = f"{artifact_id}<-{dataset.key}<-{g['provider']}:{g['model'] or '*'}"
        # Output of open weights run on your own machines is not use of the provider's service:
        # no service terms by date apply to it (its model license does, through `terms`).
        service = g.get("kind") != "open-weights" or bool(matching)
        return Fact("flows", key, data, evidence, period=period, provider=g["provider"] if service else None,
                    channel=channel)


def facts_from_manifest(loaded: LoadedManifest) -> Facts:
    """Turn a validated manifest into facts with evidence that points into it."""
    facts = FactBuilder(loaded).build()
    for fact in facts.of("datasets"):
        fact.data.pop("_generators", None)
    return facts


def gather(ctx: "SourceContext") -> None:
    """Source entry point: add the manifest's facts (the engine has already loaded it)."""
    if ctx.manifest is None:
        return
    facts = facts_from_manifest(ctx.manifest)
    ctx.facts.project = facts.project
    for fact in facts.all():
        ctx.facts.add(fact)
