"""The bundled knowledge base: every rule's examples hold, every quote is in its source text."""

from __future__ import annotations

from compliance.rules.loader import load_rules


def test_rules_test_passes(cli) -> None:
    result = cli("rules", "test")
    assert result.exit_code == 0, result.stdout
    assert " 0 failed" in result.stdout


def test_every_rule_has_examples_on_both_sides() -> None:
    for rule in load_rules().rules():
        expects = {e.expect for e in rule.spec.examples}
        if rule.spec.kind == "permission":
            assert "pass" in expects and "not-applicable" in expects, rule.id
        else:
            assert expects & {"violation", "review"}, rule.id
            assert expects & {"pass", "not-applicable"}, rule.id


def test_rules_verify_finds_every_quote(cli, corpus_terms) -> None:
    result = cli("rules", "verify", "--corpus", str(corpus_terms))
    assert result.exit_code == 0, result.stdout
    assert "MISSING" not in result.stdout


def test_verify_catches_a_changed_quote(cli, corpus_terms, tmp_path) -> None:
    pack = (load_rules().packs[0].path)
    from tests.conftest import REPO

    text = (REPO / pack).read_text()
    import re

    first_quote = re.search(r'quote: "([^"]{20,})"', text)
    assert first_quote
    tampered = text.replace(first_quote.group(1), first_quote.group(1).replace(" ", " never ", 1))
    (tmp_path / "pack.yaml").write_text(tampered)
    result = cli("rules", "verify", "--corpus", str(corpus_terms), "--no-bundled", "--rules", str(tmp_path / "pack.yaml"))
    assert result.exit_code == 1
    assert "quote not found" in result.stdout
