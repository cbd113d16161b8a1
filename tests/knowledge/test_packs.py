"""The knowledge base as data: every pack loads, versions and windows are consistent, every
indexed clause that bears on building AI is encoded, and every quote is in its source text."""

from __future__ import annotations

import functools
import itertools
import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from compliance.rules.loader import load_pack, load_rules, pack_files
from compliance.rules.verify import bundled_sources_dir, verify_quotes
from tests.conftest import REPO

RULES = REPO / "rules"

# Clause types of the corpus index that bear on developing or shipping AI (the brief's list).
AI_CLAUSES = {
    "no-competing-model", "no-model-improvement", "derivative-naming", "attribution", "mau-threshold",
    "acceptable-use-policy", "no-reverse-engineering", "no-automated-extraction", "rate-limit-circumvention",
    "no-api-key-sharing", "non-commercial", "research-only", "share-alike", "use-restrictions-propagate",
    "distillation-allowed",
}

# Corpus files whose clauses are encoded by a pack quoting another text of the same document.
# Each entry is documented in docs/knowledge-base.md ("Gaps").
ENCODED_ELSEWHERE = {
    "deepseek/deepseek-r1-license-mit.txt": "deepseek.deepseek-r1-license",
}

# The index files OpenAI's Permitted Exception under distillation-allowed; the pack keeps the
# narrower clause type the condition language has for carve-outs.
SAME_CLAUSE = {"permitted-exception": "distillation-allowed"}


@functools.cache
def _ruleset():
    return load_rules()


def _packs():
    return _ruleset().packs


def test_every_pack_file_validates_on_its_own(cli) -> None:
    files = [p for p in pack_files(RULES)]
    assert len(files) >= 40
    for file in files:
        pack = load_pack(file)
        if pack.document.kind == "signal-set":  # log-signal packs hold signals, not clauses
            continue
        assert pack.rules, file
    result = cli("rules", "validate", str(RULES))
    assert result.exit_code == 0, result.output


def test_pack_files_sit_under_their_provider() -> None:
    for pack in _packs():
        if pack.document.provider in ("tos-check",):
            continue
        folder = Path(pack.path).parts[1]
        assert folder == pack.document.provider or folder == "open-licenses", pack.path


def test_versions_and_windows_are_consistent() -> None:
    packs = _packs()
    by_id = {p.pack_id: p for p in packs}
    for pack in packs:
        doc = pack.document
        assert doc.version.strip(), pack.path
        if doc.effective_from and doc.valid_until:
            assert doc.valid_until >= doc.effective_from, pack.path
        if doc.superseded_by:
            assert doc.superseded_by in by_id, f"{pack.path}: superseded_by {doc.superseded_by} names no pack"
            successor = by_id[doc.superseded_by].document
            assert doc.valid_until is not None, f"{pack.path}: a superseded version needs valid_until"
            assert successor.effective_from == doc.valid_until + timedelta(days=1), pack.path
        if doc.kind == "service-terms":
            assert doc.scope.dated, f"{pack.path}: service terms are chosen by date of use"
            assert doc.effective_from is not None, pack.path


def test_dated_versions_of_a_document_do_not_overlap() -> None:
    windows: dict[tuple[str, str], list] = {}
    for pack in _packs():
        doc = pack.document
        if not doc.scope.dated:
            continue
        for channel in doc.scope.channels:
            windows.setdefault((doc.id, channel), []).append(doc)
    for key, docs in windows.items():
        docs.sort(key=lambda d: d.effective_from)
        for earlier, later in itertools.pairwise(docs):
            assert earlier.valid_until is not None and earlier.valid_until < later.effective_from, key


def test_every_indexed_ai_clause_type_is_encoded(corpus_terms) -> None:
    """Each corpus document with AI clauses has a pack, with a rule for each AI clause type it has."""
    index = yaml.safe_load((corpus_terms / "index.yaml").read_text(encoding="utf-8"))
    packs = _packs()
    by_source: dict[str, list] = {}
    for pack in packs:
        by_source.setdefault(pack.document.source_text or "", []).append(pack)
    by_doc_id = {p.document.id: p for p in packs}
    missing = []
    for document in index["documents"]:
        types = {c["type"] for c in document["clauses"]} & AI_CLAUSES
        if not types:
            continue
        file = document["file"]
        if file in ENCODED_ELSEWHERE:
            assert ENCODED_ELSEWHERE[file] in by_doc_id, file
            continue
        encoded = {SAME_CLAUSE.get(r.spec.clause, r.spec.clause) for p in by_source.get(file, []) for r in p.rules}
        if not by_source.get(file):
            missing.append(f"{file}: no pack")
        for clause in sorted(types - encoded):
            missing.append(f"{file}: {clause}")
    assert not missing, missing


def test_every_quote_is_found_in_corpus_and_bundled_sources(corpus_terms) -> None:
    ruleset = _ruleset()
    checks = verify_quotes(ruleset, [corpus_terms, bundled_sources_dir()])
    missing = [c for c in checks if not c.found]
    assert not missing, missing
    assert len(checks) == sum(1 for r in ruleset.rules() if r.spec.quote.strip())


def test_rules_verify_cli_reports_100_percent(cli, corpus_terms) -> None:
    result = cli("rules", "verify", "--corpus", str(corpus_terms))
    assert result.exit_code == 0, result.output
    found, total = map(int, re.search(r"(\d+) of (\d+) quotes found", result.stdout).groups())
    assert found == total > 150


def test_bundled_sources_are_checked_without_a_corpus(cli) -> None:
    """Packs whose texts are copied under rules/sources/ verify with no --corpus at all."""
    result = cli("rules", "verify")
    sourced = {p.path for p in _packs() if p.document.source_text and (bundled_sources_dir() / p.document.source_text).is_file()}
    assert len(sourced) >= 5
    for line in result.stdout.splitlines():
        if line.startswith("MISSING"):
            assert not any(f"({path})" in line for path in sourced), line


def test_bundled_sources_cite_where_they_come_from_and_are_used() -> None:
    used = {p.document.source_text for p in _packs()}
    files = [f for f in bundled_sources_dir().rglob("*") if f.is_file()]
    assert files
    for file in files:
        first = file.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("<!-- Source: https://") and first.endswith("-->"), file
        assert "commit" in first, f"{file}: the header names the commit (or says there is none)"
        assert file.relative_to(bundled_sources_dir()).as_posix() in used, f"{file} is quoted by no pack"


def test_a_tampered_bundled_source_fails_verification(tmp_path, cli) -> None:
    """The check is real: a pack whose quote is not in its bundled source fails."""
    pack = RULES / "open-licenses" / "odc-by-1.0.yaml"
    text = pack.read_text(encoding="utf-8").replace("If You Publicly Convey this Database", "If You Privately Convey this Database")
    (tmp_path / "odc.yaml").write_text(text.replace("id: open.odc-by-1.0", "id: test.odc-by-1.0"), encoding="utf-8")
    result = cli("rules", "verify", "--no-bundled", "--rules", str(tmp_path / "odc.yaml"))
    assert result.exit_code == 1
    assert "quote not found" in result.stdout


def test_permissions_are_referenced_or_informational() -> None:
    """Every permission either carves out a prohibition (`unless: {rule: ...}`) or says why a use is allowed."""
    ruleset = _ruleset()
    from compliance.rules.loader import _rule_refs

    referenced = {ref for rule in ruleset.rules() for ref in _rule_refs(rule)}
    for rule in ruleset.rules():
        if rule.spec.kind != "permission":
            continue
        assert rule.id in referenced or rule.spec.clause in ("distillation-allowed", "use-restrictions-propagate", "permitted-exception", "acceptable-use-policy"), rule.id
        assert rule.spec.message.strip(), rule.id


@pytest.mark.parametrize("document_id", ["openai.terms-of-use", "anthropic.usage-policy", "google.gemini-api-additional-terms"])
def test_versioned_documents_have_several_dated_versions(document_id: str) -> None:
    versions = [p for p in _packs() if p.document.id == document_id]
    assert len(versions) >= 2
    assert all(p.document.scope.dated for p in versions)


def test_knowledge_base_doc_lists_every_pack() -> None:
    text = (REPO / "docs" / "knowledge-base.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "`" in line]
    for pack in _packs():
        doc = pack.document
        if doc.provider == "tos-check" or doc.kind == "signal-set":
            continue
        row = [r for r in rows if f"`{doc.id}`" in r and f"| {doc.version} |" in r]
        assert row, f"docs/knowledge-base.md has no row for {pack.pack_id}"
        assert f"| {len(pack.rules)} |" in row[0], f"{pack.pack_id}: rule count in docs/knowledge-base.md is stale"
