"""Disagreements: places where what a project says about itself does not hold together.

A disagreement is a fact of its own (collection `disagreements`) so that rule packs can report it
with its evidence: the manifest against itself (a dataset declared human-written that also names
the model that wrote it), the manifest against the repository (tos-check discover), a chain of
evidence with a gap, or a license that cannot be given to what it is put on.

Fields rules read: `kind`, `certain` (the contradiction is proven, not inferred), `confidence`,
`summary` (the sentence a finding shows), `subject`, `declared`, `found`, `provider`, `basis`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from compliance.facts import Evidence, Fact

# Licences a project can put on its own code and weights without another licence's consent.
# Catalog licence ids of open licences start with "open."; these custom ids are permissive too.
OPEN_LICENSE_PREFIX = "open."
PERMISSIVE_CUSTOM = frozenset({"deepseek.deepseek-r1-license"})  # the DeepSeek-R1 weights are MIT (catalog note)
OSI_LICENSES = frozenset({
    "mit", "apache-2.0", "apache 2.0", "apache2", "bsd-2-clause", "bsd-3-clause", "isc", "unlicense",
    "cc0-1.0", "cc-by-4.0", "mpl-2.0", "gpl-2.0", "gpl-3.0", "lgpl-2.1", "lgpl-3.0", "agpl-3.0", "zlib",
    "bsl-1.0", "0bsd", "wtfpl",
})
CONTRADICTION_KINDS = (
    "origin-contradiction", "undeclared-provider", "undeclared-purpose", "undeclared-flow",
    "undeclared-dataset", "undeclared-artifact", "base-model-mismatch",
)
UNSETTLED_KINDS = ("unproven-flow", "terms-unknown", "license-conflict")


def disagreement(kind: str, subject: str, summary: str, evidence: Iterable[Evidence], *, certain: bool,
                 confidence: float, declared: Any = None, found: Any = None, provider: str | None = None,
                 basis: str = "manifest") -> Fact:
    """One disagreement fact; its key is stable across line shifts (kind and subject ids only)."""
    data = {
        "id": f"{kind}:{subject}", "kind": kind, "subject": subject, "summary": summary,
        "declared": declared, "found": found, "provider": provider, "certain": certain,
        "confidence": round(confidence, 3), "basis": basis,
    }
    return Fact("disagreements", data["id"], data, sorted(set(evidence), key=lambda e: (e.path, e.line)),
                provider=provider)


def is_open_license(license_id: str | None) -> bool:
    if not license_id:
        return False
    lowered = license_id.strip().lower()
    return lowered.startswith(OPEN_LICENSE_PREFIX) or lowered in PERMISSIVE_CUSTOM or lowered in OSI_LICENSES


def license_conflict(artifact: Fact) -> Fact | None:
    """An artifact released under an open licence while its base model's licence is a custom one.

    MIT code that ships Llama 2 weights cannot hand the weights on under MIT: the Llama licence
    still governs them and its obligations (naming, notices, acceptable use) travel with them.
    """
    data = artifact.data
    base = data.get("base") or {}
    own = (data.get("license") or "").strip()
    base_license = base.get("license")
    if not own or own.lower() not in OSI_LICENSES or not base_license or is_open_license(base_license):
        return None
    if not data.get("distributed") or data.get("kind") not in ("model-weights", "hosted-model", "application"):
        return None
    evidence = [e for e in (artifact.evidence_for("license"), artifact.evidence_for("base_model")) if e]
    summary = (f"{data['name']} is released under {own}, but its base model {data.get('base_model')} is licensed "
               f"{base_license}: that licence, not {own}, governs the weights and what is derived from them.")
    return disagreement("license-conflict", f"artifact:{data['id']}", summary, evidence or artifact.evidence,
                        certain=True, confidence=1.0, declared=own, found=base_license,
                        provider=base.get("provider"), basis="license")


def origin_contradiction(dataset: Fact, generators: list[dict[str, Any]]) -> Fact | None:
    """A dataset whose declared origin is human or scraped, yet whose generator is declared too."""
    origin = dataset.data.get("origin")
    declared = [g for g in generators if g.get("via") == "declared"]
    if origin not in ("human", "scraped") or not declared:
        return None
    names = ", ".join(sorted({f"{g['provider']} {g.get('model') or ''}".strip() for g in declared}))
    summary = (f"Dataset {dataset.key} is declared {origin}, but the same manifest says {names} generated it; "
               "if model output is in it, the generating provider's output terms apply.")
    evidence = [e for e in (dataset.evidence_for("origin"),) if e] + [g["evidence"] for g in declared]
    return disagreement("origin-contradiction", f"dataset:{dataset.key}", summary, evidence, certain=True,
                        confidence=1.0, declared=origin, found="generated",
                        provider=declared[0]["provider"], basis="manifest")
