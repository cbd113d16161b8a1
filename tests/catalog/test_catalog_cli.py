"""`tos-check catalog resolve` prints each resolution, null provider when a name is unknown."""

from __future__ import annotations

import json


def test_models_resolve_in_json(cli) -> None:
    result = cli("catalog", "resolve", "gpt4o", "GPT-4o-2024-08-06", "openai/gpt-4o", "gpt2", "llama.cpp", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {row["input"]: row for row in json.loads(result.stdout)}
    for name in ("gpt4o", "GPT-4o-2024-08-06", "openai/gpt-4o"):
        assert (rows[name]["provider"], rows[name]["family"]) == ("openai", "gpt-4o")
        assert set(rows[name]) >= {"input", "provider", "family", "id", "license", "confidence"}
    assert rows["gpt2"]["family"] != "gpt-4o" and rows["gpt2"]["license"] == "open.mit"
    assert rows["llama.cpp"]["provider"] is None and rows["llama.cpp"]["id"] is None


def test_datasets_resolve(cli) -> None:
    result = cli("catalog", "resolve", "--dataset", "UltraChat", "tatsu-lab/alpaca", "no-such-data", "--format", "json")
    rows = {row["input"]: row for row in json.loads(result.stdout)}
    assert rows["UltraChat"]["carries_terms"] == ["openai"]
    assert rows["tatsu-lab/alpaca"]["license"] == "CC-BY-NC-4.0"
    assert rows["no-such-data"]["provider"] is None


def test_text_output(cli) -> None:
    out = cli("catalog", "resolve", "claude-3-5-sonnet-20241022", "my-model").stdout
    assert "anthropic" in out and "my-model: not in the catalog" in out
