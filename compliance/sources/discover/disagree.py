"""Disagreements discovery adds: gaps in its own chains, terms no pack covers, and a manifest that the
repository contradicts. Declared facts win; what contradicts them becomes a finding of its own."""

from __future__ import annotations

from collections.abc import Iterable

from compliance.catalog import resolve_dataset, resolve_model
from compliance.facts import Fact, Facts
from compliance.manifest import LoadedManifest
from compliance.sources.consistency import disagreement
from compliance.sources.discover.draft import Draft
from compliance.sources.discover.link import Link
from compliance.sources.discover.purpose import GENERATING

CERTAIN = 0.8


def gaps(draft: Draft, facts: Facts) -> list[Fact]:
    """Chains with a gap: a possible link, or generated data no artifact is shown to train on."""
    out: list[Fact] = []
    artifacts = [f for f in facts.of("artifacts")]
    seen: set[str] = set()
    for link in draft.possible:
        subject = f"{link.step.path}<-{link.dataset_key}<-{link.use.provider}:{link.use.model or '*'}"
        if subject in seen:
            continue
        seen.add(subject)
        chain = "; ".join(f"{h.loc}: {h.note}" for h in link.hops)
        out.append(disagreement(
            "unproven-flow", subject,
            f"Outputs of {link.use.provider} {link.use.model or ''} may train the model built by {link.step.path}, "
            f"but the chain is not proven (confidence {link.strength:.2f}): {chain}.",
            [h.loc.evidence(h.strength, h.note) for h in link.hops], certain=False, confidence=link.strength,
            found=chain, provider=link.use.provider, basis="code"))
    trained = {d for a in artifacts for d in a.data["trained_on"]}
    for dataset in facts.of("datasets"):
        if not dataset.data["generated_by"] or dataset.key in trained or not artifacts:
            continue
        for generator in dataset.data["generated_by"]:
            subject = f"{dataset.key}<-{generator['provider']}:{generator['model'] or '*'}"
            if any(subject.endswith(s.split("<-", 1)[1]) for s in seen if "<-" in s):
                continue
            out.append(disagreement(
                "unproven-flow", subject,
                f"Dataset {dataset.key} holds output of {generator['provider']} {generator['model'] or ''}; the repository "
                f"trains {', '.join(a.data['name'] for a in artifacts)}, but no step is shown to train on it.",
                dataset.evidence, certain=False, confidence=0.4, provider=generator["provider"], basis="code"))
    return out


def terms_unknown(facts: Facts, providers_with_terms: set[str], documents: set[str]) -> list[Fact]:
    """Flows of provider output into an artifact whose provider and model terms no loaded pack covers."""
    out: list[Fact] = []
    for flow in facts.of("flows"):
        provider, terms = flow.data["provider"], flow.data.get("terms")
        if provider in providers_with_terms or (terms and terms in documents):
            continue
        out.append(disagreement(
            "terms-unknown", flow.key,
            f"{flow.data['artifact_name']} is trained on output of {provider} {flow.data.get('model') or ''} "
            f"(dataset {flow.data['dataset']}), and no loaded rule pack holds {provider}'s terms"
            + (f" or {terms}" if terms else "") + ": whether that use is allowed cannot be checked.",
            flow.evidence, certain=False, confidence=float(flow.data.get("confidence") or 1.0), provider=provider,
            basis="knowledge-base"))
    return out


def against_manifest(draft: Draft, discovered: Facts, loaded: LoadedManifest, declared: Facts) -> list[Fact]:
    """What the repository shows that the manifest does not declare, or declares otherwise."""
    out: list[Fact] = []
    m = loaded.manifest
    declared_providers = {u.provider.lower(): u for u in m.providers}
    declared_generators = {g.provider.lower() for d in m.datasets for g in d.generators}
    for use in discovered.of("provider_uses"):
        provider = use.provider or ""
        generating = [p for p in use.data["purposes"] if p in GENERATING]
        confidence = max([e.confidence for e in use.evidence] or [0.5])
        if provider not in declared_providers and provider not in declared_generators:
            out.append(disagreement(
                "undeclared-provider", f"provider:{provider}",
                f"The manifest declares no use of {provider}; the code calls it ({_where(use.evidence)}).",
                use.evidence, certain=confidence >= CERTAIN, confidence=confidence, declared=None,
                found=use.data["models"], provider=provider, basis="code"))
            continue
        declared_use = declared_providers.get(provider)
        declared_purposes = set(declared_use.purposes) if declared_use else set()
        if generating and not declared_purposes & set(GENERATING) and provider not in declared_generators:
            score = max(use.data["purpose_confidence"].get(p, 0.0) for p in generating)
            out.append(disagreement(
                "undeclared-purpose", f"provider:{provider}",
                f"The manifest declares no data generation with {provider} (purposes: {', '.join(sorted(declared_purposes)) or 'none'}); "
                f"the code uses its outputs for {', '.join(generating)} ({_where(use.evidence)}).",
                use.evidence, certain=score >= CERTAIN, confidence=score,
                declared=sorted(declared_purposes), found=generating, provider=provider, basis="code"))
    declared_flows = {(f.data["provider"], f.data["artifact"]) for f in declared.of("flows")}
    declared_flow_providers = {f.data["provider"] for f in declared.of("flows")}
    for flow in discovered.of("flows"):
        if flow.data["provider"] in declared_flow_providers or (flow.data["provider"], flow.data["artifact"]) in declared_flows:
            continue
        proven = flow.data.get("link") == "proven"
        chain = "; ".join(flow.data.get("chain") or [])
        out.append(disagreement(
            "undeclared-flow", flow.key,
            f"The manifest declares no training on {flow.data['provider']} output; the repository shows "
            f"{flow.data['provider']} {flow.data.get('model') or ''} output reaching {flow.data['artifact_name']}"
            + (f": {chain}" if chain else f" through {flow.data['dataset']}") + ".",
            flow.evidence, certain=proven, confidence=float(flow.data.get("confidence") or 0.5),
            found=flow.data["dataset"], provider=flow.data["provider"], basis="code"))
    out += _artifacts(discovered, declared)
    out += _datasets(discovered, loaded)
    return out


def _artifacts(discovered: Facts, declared: Facts) -> Iterable[Fact]:
    models = [a for a in declared.of("artifacts") if a.data["kind"] in ("model-weights", "hosted-model")]
    for artifact in discovered.of("artifacts"):
        same = [a for a in declared.of("artifacts") if a.data["name"].lower() == artifact.data["name"].lower()]
        target = same[0] if same else (models[0] if len(models) == 1 else None)
        if target is None:
            yield disagreement(
                "undeclared-artifact", f"artifact:{artifact.key}",
                f"The manifest declares no model like {artifact.data['name']}, which the repository trains "
                f"({_where(artifact.evidence)}).", artifact.evidence, certain=True, confidence=0.9,
                found=artifact.data["name"], basis="code")
            continue
        found_base = (artifact.data.get("base") or {}).get("family")
        declared_base = (target.data.get("base") or {}).get("family")
        if found_base and declared_base and found_base != declared_base:
            evidence = [e for e in (artifact.evidence_for("base_model"),) if e] + \
                [e for e in (target.evidence_for("base_model"),) if e]
            yield disagreement(
                "base-model-mismatch", f"artifact:{target.key}",
                f"The manifest says {target.data['name']} is built on {target.data['base_model']} ({declared_base}); "
                f"the training code loads {artifact.data['base_model']} ({found_base}).", evidence,
                certain=True, confidence=min([e.confidence for e in evidence] or [0.9]),
                declared=target.data["base_model"], found=artifact.data["base_model"], basis="code")


def _datasets(discovered: Facts, loaded: LoadedManifest) -> Iterable[Fact]:
    declared = loaded.manifest.datasets
    known = {(d.hf_id or "").lower() for d in declared} | {d.id.lower() for d in declared} | \
        {resolve_dataset(d.hf_id or d.id).id or "" for d in declared}
    paths = {(d.path or "").lstrip("./"): d for d in declared if d.path}
    for dataset in discovered.of("datasets"):
        path = (dataset.data.get("path") or "").lstrip("./")
        if path in paths:
            match = paths[path]
            if dataset.data["generated_by"] and match.origin in ("human", "scraped"):
                yield disagreement(
                    "origin-contradiction", f"dataset:{match.id}",
                    f"The manifest declares {match.id} ({path}) {match.origin}; the code writes model output into it "
                    f"({_where(dataset.evidence)}).", dataset.evidence, certain=True, confidence=0.9,
                    declared=match.origin, found="generated", provider=dataset.data["generators"][0], basis="code")
            continue
        names = {(dataset.data.get("hf_id") or "").lower(), dataset.key.lower(), dataset.data.get("catalog_id") or "-"}
        if names & known:
            continue
        yield disagreement(
            "undeclared-dataset", f"dataset:{dataset.key}",
            f"The manifest does not declare {dataset.data.get('hf_id') or dataset.data.get('path') or dataset.key}, "
            f"which the repository trains on ({_where(dataset.evidence)}).", dataset.evidence,
            certain=bool(dataset.data["generated_by"]) or dataset.data.get("catalog_id") is not None,
            confidence=max([e.confidence for e in dataset.evidence] or [0.5]), found=dataset.key, basis="code")


def _where(evidence: list) -> str:
    return ", ".join(f"{e.path}:{e.line}" for e in evidence[:3]) or "no location"


__all__ = ["gaps", "terms_unknown", "against_manifest", "Link", "resolve_model"]
