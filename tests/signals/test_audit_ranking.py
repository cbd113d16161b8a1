"""On the benchmark's generated log, `tos-check audit` puts every planted extraction account (and the
key-rotation cluster) above every application and evaluation account."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.signals.conftest import loggen


@pytest.fixture(scope="module")
def audit_json(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict[str, str]]:
    from typer.testing import CliRunner

    from compliance.cli import get_app

    folder = tmp_path_factory.mktemp("bench")
    truth = loggen().generate(folder, 3000, seed=11)
    result = CliRunner().invoke(get_app(), ["audit", str(folder), "--format", "json", "--top", "0"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no progress bar when not on a terminal
    return json.loads(result.stdout), truth


def test_extraction_accounts_rank_above_normal_and_evaluation(audit_json) -> None:
    data, truth = audit_json
    ranked = [a["account"] for a in data["accounts"]]
    assert sorted(ranked) == sorted(truth)
    bad = {name for name, kind in truth.items() if kind in ("gen", "rotation")}
    worst_bad = max(ranked.index(name) for name in bad)
    best_good = min(ranked.index(name) for name, kind in truth.items() if kind in ("app", "eval"))
    assert worst_bad < best_good, ranked
    scores = [a["score"] for a in data["accounts"]]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)


def test_key_rotation_accounts_share_one_cluster_and_stay_small_alone(audit_json) -> None:
    data, truth = audit_json
    rotation = [a for a in data["accounts"] if truth[a["account"]] == "rotation"]
    assert len({a["cluster"] for a in rotation}) == 1 and rotation[0]["cluster"]
    assert all(a["cluster"] is None for a in data["accounts"] if truth[a["account"]] != "rotation")
    for a in rotation:
        fired = {s["name"]: s for s in a["signals"] if s["fired"]}
        assert fired["coordinated_accounts"]["value"] == 12
        assert all(s["scope"] == "cluster" for s in fired.values())  # under every threshold on its own
        assert a["records"] < 20
    (cluster,) = data["clusters"]
    assert len(cluster["accounts"]) == 12


def test_evaluation_traffic_is_not_data_generation(audit_json) -> None:
    data, truth = audit_json
    for a in data["accounts"]:
        if truth[a["account"]] == "eval":
            assert "data-generation" not in a["purposes"] and "distillation" not in a["purposes"], a
            assert a["score"] < 0.1
        if truth[a["account"]] == "app":
            assert a["purposes"] == [] and a["score"] < 0.2, a


def test_audit_json_shape_and_evidence(audit_json) -> None:
    data, _ = audit_json
    assert data["inputs"]["records"] == 3000 and data["inputs"]["malformed_lines"] == 0
    top = data["accounts"][0]
    assert {"account", "score", "signals", "cluster", "records", "evidence"} <= set(top)
    assert all({"name", "value", "threshold"} <= set(s) for s in top["signals"])
    for e in top["evidence"]:
        assert Path(e["path"]).name.startswith("api-") and e["line"] >= 1


def test_audit_is_deterministic_with_any_number_of_workers(tmp_path: Path) -> None:
    from compliance.signals.compiled import load_signals
    from compliance.signals.report import audit_data
    from compliance.signals.runner import analyse

    loggen().generate(tmp_path, 1500, seed=3, files=2)
    signals = load_signals()
    one = audit_data(analyse([str(tmp_path)], signals, workers=1, chunk_bytes=200_000))
    two = audit_data(analyse([str(tmp_path)], signals, workers=2, chunk_bytes=200_000))
    whole = audit_data(analyse([str(tmp_path)], signals, workers=1))
    assert one == two
    assert [a["account"] for a in one["accounts"]][:3] == [a["account"] for a in whole["accounts"]][:3]
    lines = {(e["path"], e["line"]) for a in one["accounts"] for e in a["evidence"]}
    texts = {p: Path(p).read_text().splitlines() for p, _ in lines}
    for path, line in lines:  # range-local line numbers were turned into file line numbers
        assert json.loads(texts[path][line - 1])
    for a in one["accounts"]:
        for e in a["evidence"]:
            assert e["snippet"][:30] in json.loads(texts[e["path"]][e["line"] - 1])["request"]["messages"][1]["content"]


def test_progress_bar_only_on_a_terminal_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from compliance.signals import progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(progress.sys, "stderr", Tty())
    monkeypatch.delenv("CI", raising=False)
    assert progress.wanted() is True
    monkeypatch.setenv("CI", "true")
    assert progress.wanted() is False
    monkeypatch.delenv("CI")
    monkeypatch.setattr(progress.sys, "stderr", io.StringIO())  # piped or redirected
    assert progress.wanted() is False
    tty = Tty()
    monkeypatch.setattr(progress.sys, "stderr", tty)
    with progress.Progress(1000) as bar:
        bar.advance_records(5000)
        bar.advance_bytes(1000)
    assert "5,000 records" in tty.getvalue() and "rec/s" in tty.getvalue()
