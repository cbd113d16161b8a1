"""Assemble the draft manifest: providers, then training steps with their inputs, then cards and prose."""

from __future__ import annotations

from typing import Any

from compliance.catalog import resolve_dataset, resolve_model
from compliance.sources.discover.draft import Draft, DraftBuilder, slug
from compliance.sources.discover.link import Link, Linker
from compliance.sources.discover.model import Loc

STATED = "stated"


def _base(builder: DraftBuilder, step: Any) -> tuple[str, Loc | None, float] | None:
    if step.base is not None and step.base.text:
        return step.base.text, step.base.loc, 0.95
    claim = next((c for c in builder.claims if c.relation == "base-model"), None)
    return (claim.obj, claim.loc, claim.confidence) if claim else None


def assemble(linker: Linker, project: str) -> Draft:
    builder = DraftBuilder(linker, project)
    draft = builder.draft
    builder.providers()
    links_by_step: dict[int, list[Link]] = {}
    for link in linker.links:
        links_by_step.setdefault(id(link.step), []).append(link)
    for step in linker.steps:
        name, loc, published = builder.artifact_name(step)
        kind = "hosted-model" if step.training.framework == "openai-fine-tuning" else "model-weights"
        index = builder.artifact(name, loc or step.training.loc, kind, published, _base(builder, step), 0.9,
                                 f"{step.training.framework} training")
        draft.add(("artifacts", index, "id"), step.training.loc, 0.9, f"{step.training.framework} training")
        linked = set()
        for link in links_by_step.get(id(step), []):
            dataset_id = builder.dataset(link.dataset_key, link.hops[-2].loc if len(link.hops) > 1 else None,
                                         link.hops[-2].note if len(link.hops) > 1 else "", link.strength)
            builder.generated(dataset_id, link)
            if link.proven:
                builder.train(index, dataset_id)
                draft.add(("artifacts", index, "trained_on"), link.hops[-2].loc, link.strength, link.hops[-2].note)
                draft.flow_extra[f"{draft.data['artifacts'][index]['id']}<-{dataset_id}<-{link.use.provider}:{link.use.model or '*'}"] = {
                    "link": "proven", "confidence": round(link.strength, 3),
                    "chain": [f"{h.loc}: {h.note}" for h in link.hops],
                    "_evidence": [h.loc.evidence(h.strength, h.note) for h in link.hops],
                }
            else:
                draft.possible.append(link)
            linked.add(link.dataset_key)
        for key, value in step.inputs:
            if key in linked:
                continue
            dataset_id = builder.dataset(key, step.read_locs.get(id(value)) or value.loc, f"read by {step.path}", 0.9)
            builder.train(index, dataset_id)
            draft.add(("artifacts", index, "trained_on"), step.read_locs.get(id(value)) or value.loc, 0.9,
                      f"training reads {value.text}")
    _claims(builder)
    return draft


def _claims(builder: DraftBuilder) -> None:
    """Cards and prose: attach to the one artifact, or describe an artifact of their own."""
    draft = builder.draft
    claims = builder.claims
    trained = [c for c in claims if c.relation == "trained-on"]
    base = next((c for c in claims if c.relation == "base-model"), None)
    if not draft.data["artifacts"] and (trained or base):
        named = next((c for c in claims if c.relation == "released-as"), None)
        anchor = named or trained[0] if trained else base
        assert anchor is not None
        builder.artifact(named.obj if named else builder.draft.data["project"], anchor.loc, "model-weights", False,
                         (base.obj, base.loc, base.confidence) if base else None, anchor.confidence,
                         "described in the README / model card")
    if len(draft.data["artifacts"]) != 1:
        return
    index = 0
    artifact = draft.data["artifacts"][0]
    for claim in trained:
        resolved = resolve_dataset(claim.obj)
        if resolved.id is None and "/" not in claim.obj:
            continue
        key = f"hub:{claim.obj}" if "/" in claim.obj and resolved.id is None else f"claim:{resolved.id or claim.obj}"
        existing = [d for d in draft.data["datasets"] if d.get("hf_id") and resolved.hf_id and d["hf_id"].lower() == resolved.hf_id.lower()]
        dataset_id = existing[0]["id"] if existing else builder.dataset(key, claim.loc, f"{claim.source}: trained on {claim.obj}", claim.confidence)
        if dataset_id not in artifact["trained_on"]:
            builder.train(index, dataset_id)
            draft.add(("artifacts", index, "trained_on"), claim.loc, claim.confidence, f"{claim.source}: trained on {claim.obj}")
            for generator in resolved.generated_by:
                model = generator.model or "*"
                draft.flow_extra[f"{artifact['id']}<-{dataset_id}<-{(generator.provider or '').lower()}:{model}"] = {
                    "link": STATED, "confidence": claim.confidence, "chain": [f"{claim.loc}: {claim.obj}"],
                    "_evidence": [claim.loc.evidence(claim.confidence, f"{claim.source}: trained on {claim.obj}")],
                }
    if "base_model" not in artifact and base is not None:
        artifact["base_model"] = base.obj
        draft.add(("artifacts", index, "base_model"), base.loc, base.confidence, f"{base.source}: base model")
    covered = {(u.provider, (resolve_model(u.model).family if u.model else None)) for u in draft.uses}
    for claim in claims:
        if claim.relation not in ("generated-with", "distilled-from"):
            continue
        model = resolve_model(claim.obj)
        if model.provider is None or (model.provider, model.family) in covered:
            continue
        covered.add((model.provider, model.family))
        key = f"prose:{slug(claim.obj)}-generated"
        dataset_id = builder.dataset(key, claim.loc, f"{claim.source}: {claim.relation} {claim.obj}", claim.confidence)
        entry = next(d for d in draft.data["datasets"] if d["id"] == dataset_id)
        entry.pop("path", None)
        entry["origin"] = "generated"
        entry["generated_by"] = [{"provider": model.provider, "model": claim.obj}]
        draft.add(("datasets", builder.dataset_index[key], "generated_by", 0), claim.loc, claim.confidence,
                  f"{claim.source}: {claim.relation} {claim.obj}")
        draft.comments[("datasets", builder.dataset_index[key], "id")].append(
            f"{claim.loc}: the prose says data was {claim.relation.replace('-', ' ')} {claim.obj}; which artifact it trains is not shown")
