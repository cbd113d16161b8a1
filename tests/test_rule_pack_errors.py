"""A malformed rule pack gives one line naming file and line, exit code 2, and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

PACK = """\
schema_version: 1
document:
  id: acme.policy
  provider: acme
  title: Acme AI policy
  kind: organisation-policy
  version: "1"
  url: https://example.com/policy
rules:
  - id: acme.policy.no-nc-data
    clause: organisation-policy
    severity: high
    when:
      for:
        - dataset: {in: datasets, where: {license: {matches: "(?i)-nc-"}}}
      require: {$dataset.id: {exists: true}}
    message: "{dataset.id} is NonCommercial."
"""

CASES = {
    "bad-yaml": (PACK.replace('version: "1"', 'version: "1'), None, "invalid YAML"),
    "unknown-key": (PACK.replace("    severity: high\n", "    severity: high\n    colour: red\n"), 13, "unknown key"),
    "bad-severity": (PACK.replace("severity: high", "severity: extreme"), 12, "severity"),
    "bad-collection": (PACK.replace("in: datasets", "in: dragons"), 15, "`in` must be one of"),
    "unbound-var": (PACK.replace("$dataset.id", "$artifact.id"), 16, "$artifact is not bound"),
    "bad-operator": (PACK.replace("exists: true", "resembles: x"), 16, "unknown operator 'resembles'"),
    "bad-regex": (PACK.replace('"(?i)-nc-"', '"(unclosed"'), 15, "invalid RE2 pattern"),
    "wrong-prefix": (PACK.replace("id: acme.policy.no-nc-data", "id: other.no-nc-data"), 10, "must start with the document id"),
    "unknown-rule-ref": (PACK.replace("require: {$dataset.id: {exists: true}}", "require: {rule: acme.policy.nothing}"), 10, "names no known rule"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_rule_pack(cli, tmp_path: Path, case: str) -> None:
    text, line, words = CASES[case]
    pack = tmp_path / "pack.yaml"
    pack.write_text(text)
    result = cli("rules", "validate", str(pack))
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert "\n" not in err and "Traceback" not in result.output
    assert ("pack.yaml:" + (f"{line}:" if line else "")) in err, err
    assert words in err, err


def test_valid_pack_validates(cli, tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK)
    result = cli("rules", "validate", str(pack))
    assert result.exit_code == 0, result.output
    assert "1 packs, 1 rules: valid" in result.stdout


def test_malformed_extra_pack_fails_scan(cli, tmp_path: Path) -> None:
    (tmp_path / "ai-usage.yaml").write_text("project: p\n")
    rules = tmp_path / "policy"
    rules.mkdir()
    (rules / "pack.yaml").write_text(PACK.replace("severity: high", "severity: 3"))
    result = cli("scan", str(tmp_path), "--rules", str(rules))
    assert result.exit_code == 2
    assert "pack.yaml:12:" in result.stderr
