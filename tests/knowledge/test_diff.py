"""`tos-check rules diff`: clauses added, removed and reworded between versions or documents."""

from __future__ import annotations

import json

from compliance.rules.diff import diff_packs, find_pack, render_words, word_diff
from compliance.rules.loader import load_rules


def test_terms_of_use_2023_to_2024_shows_the_reworded_no_compete_clause(cli) -> None:
    result = cli("rules", "diff", "openai.terms-of-use@2023-03-14", "openai.terms-of-use@2024-01-31")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("--- openai.terms-of-use@2023-03-14")
    block = text[text.index("~ reworded  no-competing-model"):].split("\n\n")[0]
    assert "[-(iii) use output from the Services-] {+Use Output+} to develop models that compete with [-OpenAI;-] {+OpenAI.+}" in block


def test_json_format_pairs_the_clauses_with_a_word_diff(cli) -> None:
    result = cli("rules", "diff", "openai.terms-of-use@2023-03-14", "openai.terms-of-use@2024-01-31", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["old"]["version"] == "2023-03-14" and data["new"]["version"] == "2024-01-31"
    change = next(c for c in data["changes"] if c["clause"] == "no-competing-model")
    assert change["status"] == "reworded"
    assert change["old"]["quote"] == "(iii) use output from the Services to develop models that compete with OpenAI;"
    assert change["new"]["quote"] == "Use Output to develop models that compete with OpenAI."
    assert {"op": "equal", "old": "to develop models that compete with", "new": "to develop models that compete with"} in change["word_diff"]
    assert data["summary"]["reworded"] >= 1


def test_two_documents_can_be_compared(cli) -> None:
    result = cli("rules", "diff", "openai.terms-of-use@2024-01-31", "openai.services-agreement", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    statuses = {(c["clause"], c["status"]) for c in data["changes"]}
    assert ("no-competing-model", "reworded") in statuses
    assert ("permitted-exception", "added") in statuses
    compete = next(c for c in data["changes"] if c["clause"] == "no-competing-model")
    assert "{+(e) except for a Permitted Exception, use+}" in compete["word_diff_text"] or "except for a Permitted Exception" in compete["word_diff_text"]


def test_added_and_removed_clauses() -> None:
    rules = load_rules()
    old = find_pack(rules, "mistral.terms-of-use@2024-02-08")
    new = find_pack(rules, "mistral.commercial-terms@2026-05-28")
    result = diff_packs(old, new)
    by_status = {c.status for c in result.changes}
    assert {"added", "reworded"} <= by_status
    assert any(c.status == "added" and c.clause == "no-api-key-sharing" for c in result.changes)
    assert sum(result.counts().values()) == len(result.changes)


def test_unchanged_clauses_are_reported_as_such() -> None:
    rules = load_rules()
    pack = find_pack(rules, "meta.llama-4-license")
    result = diff_packs(pack, pack)
    assert result.counts()["unchanged"] == len(pack.rules)
    assert not [c for c in result.changes if c.status != "unchanged"]


def test_word_diff_ignores_markdown_and_whitespace() -> None:
    ops = word_diff("use **Output**  to\ndevelop", "use Output to develop models")
    assert render_words(ops) == "use Output to develop {+models+}"


def test_unknown_or_ambiguous_documents_are_input_errors(cli) -> None:
    unknown = cli("rules", "diff", "openai.terms-of-sale@2023-03-14", "openai.terms-of-use@2024-01-31")
    assert unknown.exit_code == 2
    assert "no rule pack for document 'openai.terms-of-sale'" in unknown.output
    ambiguous = cli("rules", "diff", "openai.terms-of-use", "openai.services-agreement")
    assert ambiguous.exit_code == 2
    assert "several versions" in ambiguous.output
    wrong_version = cli("rules", "diff", "openai.terms-of-use@1999-01-01", "openai.services-agreement")
    assert wrong_version.exit_code == 2
    assert "openai.terms-of-use@2023-03-14" in wrong_version.output
