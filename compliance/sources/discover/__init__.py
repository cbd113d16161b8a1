"""Repository discovery: how a project uses AI, read from its code, configs, notebooks and cards.

Without a manifest its facts are the project's facts; with one, declared facts win and what the
repository shows otherwise becomes `disagreements`. Every fact carries evidence of kind
`discovered` with a confidence. See docs/discovery.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from compliance.facts import Fact, Facts
from compliance.sources.discover.assemble import assemble
from compliance.sources.discover.disagree import against_manifest, gaps, terms_unknown
from compliance.sources.discover.draft import Draft
from compliance.sources.discover.facts_build import discovered_facts
from compliance.sources.discover.link import Linker, link_discovery
from compliance.sources.discover.scan import Discovery, discover_tree

if TYPE_CHECKING:
    from compliance.engine import InputRecord
    from compliance.sources import SourceContext

NAME = "discovery"
WORKS_WITHOUT_MANIFEST = True


@dataclass
class Result:
    found: Discovery
    linker: Linker
    draft: Draft
    facts: Facts


def discover(root: Path, exclude: list[str] | None = None, project: str | None = None) -> Result:
    """Walk, scan, link and draft: everything discovery knows about a repository."""
    found = discover_tree(root, exclude)
    linker = link_discovery(found)
    draft = assemble(linker, project or root.resolve().name)
    return Result(found, linker, draft, discovered_facts(draft))


def known_terms(ctx: "SourceContext") -> tuple[set[str], set[str]]:
    """Providers and document ids of the rule packs in play (the engine's, when it shares them)."""
    from compliance.rules.loader import load_rules

    rules = ctx.extra.get("rules") or load_rules(ctx.options.rules_dirs, root=ctx.root)
    return {p.document.provider for p in rules.packs}, {p.document.id for p in rules.packs}


def input_records(found: Discovery, result_facts: Facts) -> list["InputRecord"]:
    from compliance.engine import InputRecord

    records = [InputRecord(".", "repository", "read", reason="discovery: " + ", ".join(
        f"{n} {k}" for k, n in sorted(found.read.items())), items=found.files_read)]
    for scan in sorted(found.scans, key=lambda s: s.path):
        items = len(scan.calls) + len(scan.io) + len(scan.trainings) + len(scan.claims) + len(scan.runs)
        if items:
            records.append(InputRecord(scan.path, scan.kind, "read", items=items))
    for path in found.unparsable:
        records.append(InputRecord(path, "code", "error", "does not parse; not analysed"))
    for reason, count in sorted(found.skips.counts.items()):
        kept = found.skips.examples.get(reason, [])
        records += [InputRecord(path, "repository-file", "skipped", reason) for path in kept]
        if count > len(kept):
            records.append(InputRecord(".", "repository-file", "skipped", f"{reason} ({count - len(kept)} more not listed)",
                                       items=count - len(kept)))
    return records


def gather(ctx: "SourceContext") -> None:
    """Source entry point: discovered facts, or disagreements with the manifest."""
    if not ctx.options.discover:
        if ctx.manifest is None:
            from compliance.errors import InputError

            raise InputError(str(ctx.options.path), None, "no ai-usage.yaml found and discovery is off; "
                             "give one with --manifest or write one with `tos-check init`")
        return
    result = discover(ctx.root, list(ctx.options.exclude), ctx.facts.project or None)
    ctx.inputs.extend(input_records(result.found, result.facts))
    providers, documents = known_terms(ctx)
    added: list[Fact] = []
    if ctx.manifest is None:
        if not any(result.facts.of(kind) for kind in ("artifacts", "provider_uses", "datasets")):
            from compliance.errors import InputError

            raise InputError(str(ctx.options.path), None, "no ai-usage.yaml found, and discovery found no use of AI "
                             "models, APIs or datasets here; give one with --manifest or write one with `tos-check init`")
        ctx.facts.project = result.facts.project
        for fact in result.facts.all():
            ctx.facts.add(fact)
    else:
        added += against_manifest(result.draft, result.facts, ctx.manifest, ctx.facts)
    added += gaps(result.draft, result.facts)
    added += terms_unknown(ctx.facts, providers, documents)
    keys = {f.key for f in ctx.facts.of("disagreements")}
    for fact in added:
        if fact.key not in keys:
            keys.add(fact.key)
            ctx.facts.add(fact)
