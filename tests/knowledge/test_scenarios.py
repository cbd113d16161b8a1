"""Real CLI scans of small manifests: the knowledge base picks the right version of the terms,
applies the exceptions, and does not cry wolf where the terms allow the use."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent


def scan(cli, tmp_path: Path, manifest: str, *extra: str) -> dict:
    (tmp_path / "ai-usage.yaml").write_text(dedent(manifest), encoding="utf-8")
    result = cli("scan", str(tmp_path), "--format", "json", "--no-discover", *extra)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def findings(report: dict, rule_id: str, status: str | None = None) -> list[dict]:
    return [f for f in report["findings"] if f["rule_id"] == rule_id and (status is None or f["status"] == status)]


def failing(report: dict) -> list[dict]:
    return [f for f in report["findings"] if f["status"] in ("violation", "review")]


CHAT_ON_OPENAI = """\
    project: t
    artifacts:
      - {{id: a, kind: model-weights, name: Acme-Chat, description: General-purpose chat assistant., distribution: public, trained_on: [d]}}
    datasets:
      - {{id: d, origin: generated, generated_by: {{provider: openai, model: gpt-4o, period: {{from: {start}, to: {end}}}}}}}
"""


def test_june_2023_generation_cites_the_march_2023_terms_of_use(cli, tmp_path) -> None:
    report = scan(cli, tmp_path, CHAT_ON_OPENAI.format(start="2023-06-01", end="2023-06-30"))
    hits = findings(report, "openai.terms-of-use.no-competing-model", "violation")
    assert [f["document"]["version"] for f in hits] == ["2023-03-14"]
    assert hits[0]["clause"]["quote"] == "(iii) use output from the Services to develop models that compete with OpenAI;"
    assert not findings(report, "openai.services-agreement.no-competing-model")


def test_august_2025_generation_cites_the_services_agreement(cli, tmp_path) -> None:
    report = scan(cli, tmp_path, CHAT_ON_OPENAI.format(start="2025-08-01", end="2025-08-31"))
    hits = findings(report, "openai.services-agreement.no-competing-model", "violation")
    assert [f["document"]["version"] for f in hits] == ["2026-01-01"]
    assert not findings(report, "openai.terms-of-use.no-competing-model")


def test_internal_classifier_on_openai_output_passes_with_the_permitted_exception(cli, tmp_path) -> None:
    report = scan(cli, tmp_path, """\
        project: t
        artifacts:
          - {id: a, kind: model-weights, name: ticket-router, description: Internal classifier that routes support tickets., distribution: internal, trained_on: [d]}
        datasets:
          - {id: d, origin: generated, generated_by: {provider: openai, model: gpt-4o, period: {from: 2025-08-01, to: 2025-08-31}}}
        """)
    assert not failing(report), failing(report)
    assert findings(report, "openai.services-agreement.no-competing-model", "pass")
    exception = findings(report, "openai.services-agreement.permitted-exception", "pass")
    assert exception and "Permitted Exception covers ticket-router" in exception[0]["message"]
    assert "not distributed or made commercially available" in exception[0]["clause"]["quote"]
    assert report["summary"]["verdict"] == "pass"


def test_the_same_classifier_sold_to_customers_is_not_cleared(cli, tmp_path) -> None:
    report = scan(cli, tmp_path, """\
        project: t
        artifacts:
          - {id: a, kind: model-weights, name: ticket-router, description: A classifier that routes support tickets., distribution: customers, commercial: true, trained_on: [d]}
        datasets:
          - {id: d, origin: generated, generated_by: {provider: openai, model: gpt-4o, period: {from: 2025-08-01, to: 2025-08-31}}}
        """)
    hits = findings(report, "openai.services-agreement.no-competing-model")
    assert hits and hits[0]["status"] in ("violation", "review")
    assert not findings(report, "openai.services-agreement.permitted-exception")
    assert report["summary"]["verdict"] == "fail"


def test_llama_31_fine_tune_must_begin_with_llama(cli, tmp_path) -> None:
    report = scan(cli, tmp_path, """\
        project: t
        artifacts:
          - {id: a, kind: model-weights, name: Acme-8B, base_model: meta-llama/Llama-3.1-8B-Instruct, distribution: public}
          - {id: b, kind: model-weights, name: Llama-Acme-8B, base_model: meta-llama/Llama-3.1-8B-Instruct, distribution: public}
        """)
    naming = {f["subjects"]["artifact"]: f["status"] for f in findings(report, "meta.llama-3.1-license.derivative-naming")}
    assert naming == {"artifacts:a": "violation", "artifacts:b": "pass"}


def test_llama_3_fine_tune_needs_the_llama_3_prefix(cli, tmp_path) -> None:
    report = scan(cli, tmp_path, """\
        project: t
        artifacts:
          - {id: a, kind: model-weights, name: Llama-Acme, base_model: meta-llama/Meta-Llama-3-8B, distribution: public}
        """)
    hits = findings(report, "meta.llama-3-license.derivative-naming", "violation")
    assert len(hits) == 1 and "“Llama 3”" in hits[0]["clause"]["quote"]
    assert not findings(report, "meta.llama-3.1-license.derivative-naming")


def test_llama_3_outputs_do_not_carry_the_naming_duty_but_31_outputs_do(cli, tmp_path) -> None:
    manifest = """\
        project: t
        artifacts:
          - {{id: a, kind: model-weights, name: Acme-7B, base_model: mistralai/Mistral-7B-Instruct-v0.2, distribution: public, trained_on: [d]}}
        datasets:
          - {{id: d, origin: generated, generated_by: {{provider: meta, model: {teacher}}}}}
        """
    llama3 = scan(cli, tmp_path, manifest.format(teacher="meta-llama/Meta-Llama-3-70B-Instruct"))
    assert not findings(llama3, "meta.llama-3-license.derivative-naming")
    assert findings(llama3, "meta.llama-3-license.no-model-improvement", "violation")
    llama31 = scan(cli, tmp_path, manifest.format(teacher="meta-llama/Llama-3.1-70B-Instruct"))
    assert findings(llama31, "meta.llama-3.1-license.derivative-naming", "violation")
    assert findings(llama31, "meta.llama-3.1-license.distillation-allowed", "pass")
    assert not any(f["rule_id"].endswith("no-model-improvement") for f in llama31["findings"])


def test_model_distilled_from_deepseek_r1_passes_with_a_reason(cli, tmp_path) -> None:
    report = scan(cli, tmp_path, """\
        project: t
        artifacts:
          - {id: a, kind: model-weights, name: acme-reasoner, description: Reasoning chat model., base_model: mistralai/Mistral-7B-Instruct-v0.2, commercial: true, distribution: public, license: Apache-2.0, trained_on: [d]}
        datasets:
          - {id: d, origin: generated, generated_by: {provider: deepseek, model: deepseek-ai/DeepSeek-R1}}
        """)
    assert not failing(report), failing(report)
    allowed = findings(report, "deepseek.deepseek-r1-license.distillation-allowed", "pass")
    assert allowed and allowed[0]["severity"] == "info"
    assert "distillation for training other LLMs" in allowed[0]["clause"]["quote"]


def test_deepseek_api_output_is_allowed_by_the_open_platform_terms(cli, tmp_path) -> None:
    report = scan(cli, tmp_path, """\
        project: t
        artifacts:
          - {id: a, kind: model-weights, name: acme-reasoner, description: Reasoning chat model., commercial: true, distribution: public, trained_on: [d]}
        datasets:
          - {id: d, origin: generated, generated_by: {provider: deepseek, model: deepseek-reasoner, period: {from: 2026-06-01, to: 2026-06-30}}}
        """)
    assert not failing(report), failing(report)
    allowed = findings(report, "deepseek.open-platform-terms.distillation-allowed", "pass")
    assert allowed and "model distillation" in allowed[0]["clause"]["quote"]


def test_model_distilled_from_gemma_is_a_model_derivative(cli, tmp_path) -> None:
    report = scan(cli, tmp_path, """\
        project: t
        artifacts:
          - {id: a, kind: model-weights, name: acme-mini, description: Small chat model., distribution: public, license: Apache-2.0, trained_on: [d]}
        datasets:
          - {id: d, origin: generated, generated_by: {provider: google, model: gemma-2-9b-it}}
        """)
    gemma = {f["rule_id"] for f in report["findings"] if f["rule_id"].startswith("google.gemma-")}
    assert {"google.gemma-terms-of-use.distillation-makes-model-derivative", "google.gemma-terms-of-use.use-restrictions-propagate",
            "google.gemma-terms-of-use.notice-file", "google.gemma-terms-of-use.acceptable-use-policy",
            "google.gemma-prohibited-use-policy.allow-others"} <= gemma
    assert findings(report, "google.gemma-terms-of-use.use-restrictions-propagate", "violation")
    # Gemma outputs are not "AI-generated content from Google services": the ToS clause stays out
    assert not any(f["rule_id"].startswith(("google.terms-of-service", "google.gemini-api")) for f in report["findings"])


def test_commercial_model_on_alpaca_breaks_openai_terms_and_cc_by_nc(cli, tmp_path) -> None:
    report = scan(cli, tmp_path, """\
        project: t
        artifacts:
          - {id: a, kind: model-weights, name: Acme-Chat, description: General-purpose chat assistant., commercial: true, distribution: customers, trained_on: [alpaca]}
        datasets:
          - {id: alpaca, hf_id: tatsu-lab/alpaca}
        """, "--as-of", "2026-11-01")
    assert findings(report, "open.cc-by-nc-4.0.non-commercial", "violation")
    openai = [f for f in report["findings"] if f["rule_id"].startswith("openai.") and f["rule_id"].endswith("no-competing-model")]
    assert openai and {f["status"] for f in openai} == {"violation"}


def test_anthropic_output_policy_version_follows_the_date(cli, tmp_path) -> None:
    manifest = """\
        project: t
        artifacts:
          - {{id: a, kind: model-weights, name: senti, description: Sentiment classifier., distribution: internal, trained_on: [d]}}
        datasets:
          - {{id: d, origin: generated, generated_by: {{provider: anthropic, model: claude-3-5-sonnet-20241022, period: {{from: {day}, to: {day}}}}}}}
        """
    before = scan(cli, tmp_path, manifest.format(day="2025-01-15"))
    after = scan(cli, tmp_path, manifest.format(day="2025-10-15"))
    assert [f["document"]["version"] for f in findings(before, "anthropic.usage-policy.no-model-training", "violation")] == ["2024-06-06"]
    assert [f["document"]["version"] for f in findings(after, "anthropic.usage-policy.no-model-training", "violation")] == ["2025-09-15"]
    assert "model distillation" in findings(after, "anthropic.usage-policy.no-model-training")[0]["clause"]["quote"]


def test_open_weight_outputs_of_a_service_provider_are_not_judged_by_its_service_terms(cli, tmp_path) -> None:
    report = scan(cli, tmp_path, CHAT_ON_OPENAI.replace("gpt-4o", "gpt-oss-120b").format(start="2025-08-01", end="2025-08-31"))
    assert not any(f["rule_id"].startswith("openai.") for f in report["findings"]), report["findings"]


def test_org_policy_example(cli) -> None:
    from tests.conftest import EXAMPLES

    folder = EXAMPLES / "org-policy"
    result = cli("scan", str(folder), "--rules", str(folder / "policy"), "--format", "json", "--no-discover")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    policy = {(f["rule_id"], f["status"]) for f in report["findings"] if f["rule_id"].startswith("acme.")}
    assert ("acme.ai-policy.no-nc-data-in-shipped-models", "violation") in policy
    assert ("acme.ai-policy.provider-outputs-need-legal-signoff", "violation") in policy
    assert ("acme.ai-policy.approved-providers", "violation") in policy
    assert findings(report, "openai.services-agreement.permitted-exception", "pass")
    tested = cli("rules", "test", "--rules", str(folder / "policy"))
    assert tested.exit_code == 0, tested.output
