"""Small summaries added to the report data for people: where the training data came from.

`provenance_summary` is called once from `compliance.engine.report_data`. It reads facts only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from compliance.engine import ScanResult

ORIGIN_ORDER = ("human", "scraped", "generated", "mixed", "chat-logs", "unknown")


def provenance_summary(result: ScanResult) -> dict[str, Any]:
    """Datasets with their origin, generators and license, and the share of training data per origin.

    Shares count training datasets (those some artifact declares in `trained_on`), each once: the
    manifest gives no sizes, and the report says so in `basis`. Datasets no artifact trains on are
    listed with an empty `trained_into` and left out of the shares.
    """
    trained: dict[str, list[str]] = {}
    for artifact in result.facts.of("artifacts"):
        for dataset_id in artifact.data.get("trained_on") or []:
            trained.setdefault(dataset_id, []).append(artifact.key)
    datasets = []
    for fact in sorted(result.facts.of("datasets"), key=lambda f: f.key):
        data = fact.data
        datasets.append({
            "id": fact.key,
            "origin": data.get("origin") or "unknown",
            "origin_source": "declared" if "origin" in fact.field_evidence else ("catalog" if data.get("catalog_id") else "default"),
            "license": data.get("license"),
            "generators": sorted({g["provider"] for g in data.get("generated_by") or [] if g.get("provider")}),
            "trained_into": sorted(trained.get(fact.key, [])),
        })
    counted = [d for d in datasets if d["trained_into"]]
    by_origin: dict[str, int] = {}
    for d in counted:
        origin = str(d["origin"])
        by_origin[origin] = by_origin.get(origin, 0) + 1
    total = len(counted)
    order = {name: i for i, name in enumerate(ORIGIN_ORDER)}
    shares = [
        {"origin": origin, "datasets": n, "share": round(n / total, 4)}
        for origin, n in sorted(by_origin.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    ]
    return {"basis": "training datasets, counted once each", "datasets": datasets, "by_origin": shares}
