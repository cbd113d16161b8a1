"""Scans that read logs: evidence in findings, the declared/observed disagreement, inputs, redaction."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from compliance.errors import InputError
from tests.conftest import EXAMPLES, REPO
from tests.signals.conftest import record, results, write_pack

AS_OF = ("--as-of", "2026-11-01")


def scan(cli, path: Path, *extra: str) -> tuple[int, dict]:
    result = cli("scan", str(path), "--format", "json", *AS_OF, *extra)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def test_distilled_chat_cites_log_lines_in_the_competing_model_finding(cli) -> None:
    _, report = scan(cli, EXAMPLES / "distilled-chat")
    compete = [f for f in report["findings"] if f["rule_id"] == "openai.services-agreement.no-competing-model"
               and "gpt4o-instructions" in f["subjects"]["flow"]]
    assert len(compete) == 1 and compete[0]["status"] == "violation"
    logged = [e for e in compete[0]["evidence"] if e["kind"] == "observed"]
    assert logged and all(e["path"] == "logs/batch_67a1_output.jsonl" and e["line"] >= 1 for e in logged)
    lines = (EXAMPLES / "distilled-chat" / logged[0]["path"]).read_text().splitlines()
    assert json.loads(lines[logged[0]["line"] - 1])["custom_id"].startswith("sft-")
    assert {i["path"] for i in report["inputs"]["read"] if i["kind"] == "log"} == {
        "logs/batch_67a1_input.jsonl", "logs/batch_67a1_output.jsonl"}
    series = report["observations"]["series"]
    assert series[0]["provider"] == "openai" and sum(d["records"] for d in series[0]["days"]) == 36
    disagreement = [f for f in report["findings"] if f["rule_id"] == "tos-check.observed.undeclared-data-generation"]
    assert [f["status"] for f in disagreement] == ["pass"]  # the manifest declares the generation


def test_manifest_says_evaluation_logs_say_generation(cli) -> None:
    code, report = scan(cli, EXAMPLES / "eval-says-generation")
    assert code == 1
    (finding,) = [f for f in report["findings"] if f["rule_id"] == "tos-check.observed.undeclared-data-generation"]
    assert finding["status"] == "review" and finding["severity"] == "high"
    assert "org-evals" in finding["message"] and "evaluation" in finding["message"]
    paths = {(e["path"], e["kind"]) for e in finding["evidence"]}
    assert ("ai-usage.yaml", "declared") in paths and ("logs/api-2025-10.jsonl", "observed") in paths
    observed = [f for f in report["findings"] if f["subjects"].get("use", "").startswith("provider_uses:observed:")]
    assert observed  # the observed use is judged by the OpenAI rules like a declared one


def test_report_validates_against_the_schema(cli) -> None:
    import jsonschema

    schema = json.loads((REPO / "schemas" / "report.schema.json").read_text())
    for name in ("distilled-chat", "eval-says-generation"):
        _, report = scan(cli, EXAMPLES / name)
        jsonschema.Draft202012Validator(schema).validate(report)


def project(tmp_path: Path, lines: list[str], providers: str = "") -> Path:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "api.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / "ai-usage.yaml").write_text(f"project: p\n{providers}logs: [logs/]\n")
    return tmp_path


GOOD = json.dumps({"timestamp": "2025-10-02T10:00:00Z", "account": "org-a", "model": "gpt-4o", "prompt": "hello", "response": "hi"})


def test_malformed_lines_are_counted_and_listed_never_fatal(cli, tmp_path: Path) -> None:
    root = project(tmp_path, [GOOD, "{not json", GOOD, '{"prompt": 5, "response": []}', "", GOOD])
    _, report = scan(cli, root)
    skipped = [i for i in report["inputs"]["skipped"] if i["kind"] == "log-line"]
    assert [i["path"] for i in skipped] == ["logs/api.jsonl:2", "logs/api.jsonl:4"]
    assert all(i["reason"] for i in skipped)
    (read,) = [i for i in report["inputs"]["read"] if i["kind"] == "log"]
    assert read["items"] == 3


def test_unreadable_log_input_exits_2(cli, tmp_path: Path) -> None:
    (tmp_path / "ai-usage.yaml").write_text("project: p\nlogs: [missing/*.jsonl]\n")
    result = cli("scan", str(tmp_path), *AS_OF)
    assert result.exit_code == 2 and "missing/*.jsonl" in result.stderr and "could not be read" in result.stderr
    (tmp_path / "bad.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00broken")
    audit = cli("audit", str(tmp_path / "bad.jsonl.gz"), "--format", "json")
    assert audit.exit_code == 2 and json.loads(audit.stdout)["inputs"]["unreadable"]


def test_scan_option_logs(tmp_path: Path) -> None:
    from compliance.engine import ScanOptions, run_scan

    (tmp_path / "ai-usage.yaml").write_text("project: p\n")
    (tmp_path / "x.jsonl").write_text(GOOD + "\n")
    result = run_scan(ScanOptions(path=tmp_path, logs=[str(tmp_path / "x.jsonl")], as_of=None))
    (account,) = result.facts.of("accounts")
    assert account.data["account"] == "org-a" and account.data["declared"] is False
    assert any(f.rule_id == "tos-check.observed.undeclared-provider" and f.status == "review" for f in result.findings)
    with pytest.raises(InputError):
        run_scan(ScanOptions(path=tmp_path, logs=[str(tmp_path / "x.jsonl")], log_format="nope"))


SECRETS = ["sk-proj-Abc123Def456Ghi789Jkl012", "sk-ant-api03-Zyx987Wvu654Tsr321", "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6",
           "Bearer eyJhbGciOiJIUzI1NiJ9.tokenpart", "alice.smith@example.com"]


def test_no_secret_or_email_reaches_any_output(cli, tmp_path: Path) -> None:
    from compliance.report.formats import RENDERER_MODULES, Format

    planted = [json.dumps({"timestamp": f"2025-10-0{1 + i % 5}T10:00:00Z", "account": "alice.smith@example.com",
                           "api_key_id": SECRETS[0], "model": "gpt-4o", "system": f"key {SECRETS[1]}",
                           "prompt": f"{SECRETS[i % 5]} Generate 5 diverse instruction/response pairs about topic {i} for "
                                     f"fine-tuning. Contact {SECRETS[4]} {SECRETS[3]}",
                           "response": f"{SECRETS[2]} " + "x" * 700, "usage": {"input": 20, "output": 400}}) for i in range(30)]
    root = project(tmp_path, planted, "providers:\n  - {provider: openai, purposes: [evaluation]}\n")
    outputs = []
    for fmt in Format:
        try:
            __import__(RENDERER_MODULES[fmt])
        except ImportError:
            continue  # a renderer another engineer has not written yet
        result = cli("scan", str(root), "--format", fmt.value, *AS_OF)
        assert result.exit_code in (0, 1), (fmt, result.output)
        outputs.append(result.stdout)
    for fmt in ("json", "text", "markdown"):
        result = cli("audit", str(root / "logs"), "--format", fmt)
        assert result.exit_code == 0
        outputs.append(result.stdout)
    assert len(outputs) >= 6
    assert "redacted:" in outputs[-3] and "REDACTED" in outputs[-3]  # the audit shows the records, masked
    for text in outputs:
        for secret in SECRETS:
            assert secret not in text and secret.split()[-1][:16] not in text


def test_catastrophic_regex_in_a_signal_finishes(tmp_path: Path) -> None:
    from compliance.signals.compiled import load_signals

    write_pack(tmp_path / "evil.yaml", """signals:
  - id: evil
    title: nested quantifiers
    weight: 0.1
    record: {field: prompt, regex: '^(a+)+$'}
    aggregate: {metric: count}
    threshold: 1
""")
    signals = load_signals([tmp_path], include_bundled=False)
    started = time.perf_counter()
    found = results([record("a" * 50_000 + "!")], signals)
    assert time.perf_counter() - started < 2
    assert found["acct"].signals["evil"].value == 0


@pytest.mark.parametrize("record_yaml, message, line", [
    ("{field: prompt, lemma: [train model]}", "need a `prefilter`", 4),
    ("{field: promt, regex: x}", "unknown record field 'promt'", 7),
    ("{field: prompt, regex: '(unclosed'}", "invalid RE2 pattern", 7),
    ("{signal: nowhere}", "names no known signal", 4),
])
def test_bad_signal_packs_name_file_and_line(tmp_path: Path, record_yaml: str, message: str, line: int) -> None:
    from compliance.signals.compiled import load_signals

    write_pack(tmp_path / "bad.yaml", f"""signals:
  - id: bad
    title: bad
    weight: 0.1
    record: {record_yaml}
    aggregate: {{metric: count}}
    threshold: 1
""")
    with pytest.raises(InputError) as caught:
        load_signals([tmp_path], include_bundled=False)
    assert message in str(caught.value) and f"bad.yaml:{line}:" in str(caught.value)
