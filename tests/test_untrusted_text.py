"""Untrusted text is escaped per format and secrets are redacted."""

from __future__ import annotations

import json
from pathlib import Path

from compliance.redact import redact
from compliance.report import escape_markdown, one_line

SECRETS = [
    "sk-proj-abcdefghijklmnopqrstuvwxyz012345",
    "sk-ant-api03-abcdefghijklmnopqrstuv",
    "AIzaSyA1234567890abcdefghijklmnopqrs",
    "Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig",
    "jane.doe@example.com",
]


def test_redact_masks_keys_tokens_and_emails() -> None:
    text = " ".join(SECRETS)
    masked = redact(text)
    for secret in SECRETS:
        assert secret.split()[-1] not in masked


def test_markdown_escape_is_inert() -> None:
    text = escape_markdown("<script>alert(1)</script> [link](http://x) @someone ![img](x.png) | col |")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "](http" not in text and "\\[link\\]" in text
    assert "@someone" not in text
    assert "http://" not in text
    assert "\\|" in text


def test_plain_text_strips_controls() -> None:
    assert one_line("a\x1b[31mred\x1b[0m\nb\u202eevil") == "a[31mred[0m b" + "evil"


def test_secrets_in_a_manifest_never_reach_reports(cli, tmp_path: Path) -> None:
    (tmp_path / "ai-usage.yaml").write_text(
        "project: p\n"
        "artifacts:\n"
        "  - id: a\n    kind: model-weights\n    name: Acme <script>alert(1)</script> @someone\n"
        f"    description: \"contact {SECRETS[4]} key {SECRETS[0]} [link](http://x)\"\n"
        "    distribution: public\n    base_model: meta-llama/Llama-3.1-8B-Instruct\n"
    )
    for fmt in ("json", "text", "markdown"):
        out = cli("scan", str(tmp_path), "--format", fmt, "--fail-on", "never").stdout
        for secret in (SECRETS[0], SECRETS[4]):
            assert secret not in out, (fmt, secret)
        if fmt == "markdown":
            assert "<script>" not in out and "@someone" not in out and "](http://x)" not in out
        if fmt == "json":
            json.loads(out)
