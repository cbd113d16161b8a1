"""Render a discovery draft as a commented `ai-usage.yaml`, and discovery's findings as plain data.

Each entry and field gets comments naming the evidence (file:line and what was seen there), so
a person can check the draft line by line before committing it.
"""

from __future__ import annotations

from typing import Any

import yaml

from compliance.sources.discover.draft import Draft

ORDER = {
    "artifacts": ["id", "kind", "name", "description", "commercial", "distribution", "base_model", "trained_on",
                  "license", "notices"],
    "providers": ["id", "provider", "models", "purposes", "channel"],
    "datasets": ["id", "path", "hf_id", "origin", "generated_by", "license"],
}
MAX_COMMENTS = 4


def _scalar(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000, allow_unicode=True, sort_keys=False).strip()
    return text[:-4].rstrip() if text.endswith("\n...") else text.removesuffix("...").strip()


def _comments(draft: Draft, key: tuple[Any, ...], indent: str) -> list[str]:
    notes = draft.comments.get(key, [])
    shown = [f"{indent}# {note}" for note in notes[:MAX_COMMENTS]]
    if len(notes) > MAX_COMMENTS:
        shown.append(f"{indent}# ... and {len(notes) - MAX_COMMENTS} more")
    return shown


def render_manifest(draft: Draft) -> str:
    data = draft.data
    out = [
        "# ai-usage.yaml drafted by `tos-check discover` from this repository.",
        "# Every value was inferred from the code, configs and cards named in the comments: check each one,",
        "# fill in what code cannot show (commercial use, periods, accounts), then commit it.",
        "# Reference: docs/manifest.md and docs/discovery.md.",
        f"project: {_scalar(data['project'])}",
    ]
    for section in ("artifacts", "providers", "datasets"):
        items = data.get(section) or []
        out.append("")
        out.append(f"{section}:" if items else f"{section}: []")
        for index, item in enumerate(items):
            out += _comments(draft, (section, index), "  ")
            first = True
            keys = [k for k in ORDER[section] if k in item] + [k for k in item if k not in ORDER[section]]
            for key in keys:
                field_key = (section, index, key) if key != "id" else (section, index, "id")
                out += _comments(draft, field_key, "    ")
                prefix = "  - " if first else "    "
                first = False
                out.append(f"{prefix}{key}: {_scalar(item[key])}")
                if key == "generated_by":
                    for position in range(len(item[key])):
                        out += _comments(draft, (section, index, key, position), "    ")
    for link in draft.possible:
        out.append("")
        out.append(f"# Not declared: {link.use.provider} {link.use.model or ''} output may train the model built by "
                   f"{link.step.path} (possible link, confidence {link.strength:.2f}):")
        out += [f"#   {hop.loc}: {hop.note}" for hop in link.hops]
    return "\n".join(out) + "\n"


def findings_data(result: Any) -> dict[str, Any]:
    """Discovery's findings as JSON-ready data (the `discover` command's output)."""
    linker, found, draft = result.linker, result.found, result.draft
    return {
        "root": str(found.root),
        "files": {"read": dict(sorted(found.read.items())), "parsed": dict(sorted(found.parsed.items())),
                  "unparsable": sorted(found.unparsable),
                  "skipped": dict(sorted(found.skips.counts.items()))},
        "provider_calls": [
            {"at": str(u.call.loc), "provider": u.provider, "model": u.model, "sdk": u.call.sdk, "api": u.call.api,
             "base_url": u.base_url, "self_hosted": u.self_hosted, "confidence": round(u.confidence, 3),
             "model_from": u.model_value.how if u.model_value is not None else None,
             "purposes": {p: u.purposes.confidence(p) for p in sorted(u.purposes.scores)},
             "purpose_reasons": {p: r for p, r in sorted(u.purposes.reasons.items())}}
            for u in sorted(linker.uses, key=lambda u: (u.call.loc.path, u.call.loc.line, u.model or ""))],
        "training": [
            {"at": str(s.training.loc), "framework": s.training.framework,
             "base_model": s.base.text if s.base is not None else None,
             "inputs": sorted({v.text or "" for _, v in s.inputs})}
            for s in sorted(linker.steps, key=lambda s: (s.training.loc.path, s.training.loc.line))],
        "flows": [
            {"provider": link.use.provider, "model": link.use.model, "dataset": link.dataset_key,
             "trains": link.step.path, "link": "proven" if link.proven else "possible",
             "confidence": round(link.strength, 3), "chain": [f"{h.loc}: {h.note}" for h in link.hops]}
            for link in linker.links],
        "statements": [
            {"at": str(c.loc), "relation": c.relation, "object": c.obj if c.relation != "description" else c.obj[:120],
             "source": c.source, "confidence": c.confidence}
            for c in sorted(draft.claims, key=lambda c: (c.loc.path, c.loc.line, c.relation))],
        "manifest": draft.data,
    }
