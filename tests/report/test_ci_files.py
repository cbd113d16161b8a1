"""action.yml, .pre-commit-hooks.yaml and the GitLab template: valid, complete, and their scan step works."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES, REPO

BIN = Path(sys.executable).parent


def load(path: str) -> object:
    return yaml.safe_load((REPO / path).read_text())


def test_action_metadata_has_what_github_requires() -> None:
    action = load("action.yml")
    assert isinstance(action, dict)
    assert action["name"] and action["description"]
    assert set(action["branding"]) == {"icon", "color"}
    for name, spec in action["inputs"].items():
        assert re.fullmatch(r"[a-z][a-z0-9-]*", name) and spec["description"], name
        assert isinstance(spec.get("default", ""), str), name
    runs = action["runs"]
    assert runs["using"] == "composite"
    ids = {s["id"] for s in runs["steps"] if "id" in s}
    for step in runs["steps"]:
        assert ("run" in step) != ("uses" in step), step
        if "run" in step:
            assert step["shell"] == "bash", step  # composite run steps must name a shell
    for name, spec in action["outputs"].items():
        assert spec["description"] and spec["value"], name
    text = (REPO / "action.yml").read_text()
    for ref in re.findall(r"inputs\.([a-z0-9-]+)", text):
        assert ref in action["inputs"], ref
    for ref in re.findall(r"steps\.([a-z0-9-]+)\.outputs", text):
        assert ref in ids, ref
    upload = next(s for s in runs["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}" and "always()" in upload["if"]


def run_action_scan(tmp_path: Path, scan_path: str, fail_on: str = "high", args: str = "") -> tuple[dict[str, str], Path]:
    """Run the action's Scan step as GitHub would (env from inputs, GITHUB_OUTPUT, a workspace)."""
    action = load("action.yml")
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "scan")
    workspace = tmp_path / "workspace"
    shutil.copytree(EXAMPLES / "distilled-chat", workspace / "project")
    (workspace / ".git").mkdir()  # the checkout's root: paths in the SARIF are relative to it
    outputs, summary = tmp_path / "github_output", tmp_path / "step_summary"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "GITHUB_OUTPUT": str(outputs),
           "GITHUB_STEP_SUMMARY": str(summary), "SCAN_PATH": scan_path, "FAIL_ON": fail_on,
           "SARIF_FILE": "tos-check.sarif", "EXTRA_ARGS": args}
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=workspace, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr  # the step itself succeeds; the Gate step fails the job
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    return values, workspace


def test_action_scan_step_writes_sarif_summary_and_outputs(tmp_path: Path) -> None:
    values, workspace = run_action_scan(tmp_path, "project", args="--as-of 2026-11-01")
    assert values == {"exit-code": "1", "verdict": "fail"}
    sarif = json.loads((workspace / "tos-check.sarif").read_text())
    uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("project/") and (workspace / uri).is_file()  # relative to the checkout root
    assert (tmp_path / "step_summary").read_text().startswith("### tos-check: ❌ FAIL")
    values, _ = run_action_scan(tmp_path / "again", "project", fail_on="never")
    assert values == {"exit-code": "0", "verdict": "pass"}
    values, _ = run_action_scan(tmp_path / "broken", "no-such-folder")
    assert values == {"exit-code": "2", "verdict": "error"}


def test_pre_commit_hooks_validate_with_pre_commit_itself() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = load_manifest(str(REPO / ".pre-commit-hooks.yaml"))
    assert [h["id"] for h in hooks] == ["tos-check"]
    hook = hooks[0]
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    assert hook["entry"].split()[:2] == ["tos-check", "scan"]
    files = re.compile(hook["files"])
    for name in ("ai-usage.yaml", "sub/ai-usage.yml", ".tos-check/waivers.yaml", ".tos-check.yaml", "pyproject.toml"):
        assert files.search(name), name
    assert not files.search("src/app.py")


def test_gitlab_template_wires_junit_and_code_quality(tmp_path: Path) -> None:
    config = load("ci/gitlab/tos-check.gitlab-ci.yml")
    job = config[".tos-check"]
    assert config["tos-check"] == {"extends": ".tos-check"}
    assert job["image"].startswith("python:3.") and job["stage"] == "test"
    reports = job["artifacts"]["reports"]
    assert job["artifacts"]["when"] == "always"
    assert all(isinstance(line, str) for line in job["script"]), job["script"]  # a stray ": " makes a mapping
    scan = next(line for line in job["script"] if line.startswith("tos-check scan"))
    assert f"--output {reports['junit']}" in scan and f"--output {reports['codequality']}" in scan
    # run the job's scan line the way the runner's shell would, with the job's variables
    work = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "distilled-chat", work)
    env = {**os.environ, **{k: str(v) for k, v in job["variables"].items()}, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "TOS_CHECK_ARGS": "--as-of 2026-11-01"}
    done = subprocess.run(["sh", "-c", scan], cwd=work, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1, done.stderr
    report = json.loads((work / "tos-check.json").read_text())
    failing_rules = {f["rule_id"] for f in report["findings"] if f["status"] in ("violation", "review")}
    assert ET.parse(work / reports["junit"]).getroot().get("failures") == str(len(failing_rules))
    issues = json.loads((work / reports["codequality"]).read_text())
    # no .git above the copied project: paths are relative to the folder the job runs in
    assert issues and [i["location"]["path"] for i in issues] == [
        f["evidence"][0]["path"] for f in report["findings"] if f["status"] != "pass"]
    for path in job["artifacts"]["paths"]:
        assert (work / path).exists(), path
    # without TOS_CHECK_PIP_SPEC the job stops with a message, not a pip error
    guard = job["script"][0]
    stopped = subprocess.run(["sh", "-c", guard], env={**env, "TOS_CHECK_PIP_SPEC": ""}, capture_output=True, text=True, check=False)
    assert stopped.returncode == 2 and "TOS_CHECK_PIP_SPEC" in stopped.stderr


@pytest.mark.parametrize("doc", ["docs/ci.md"])
def test_ci_docs_show_each_integration(doc: str) -> None:
    text = (REPO / doc).read_text()
    for needle in ("uses: ", "upload-sarif", "security-events: write", ".pre-commit-config.yaml", "ci/gitlab/tos-check.gitlab-ci.yml",
                   "codequality", "junit", "--baseline", "waivers.yaml", "[tool.tos-check]", "--exit-zero"):
        assert needle in text, needle
    # every YAML example in the doc parses
    for block in re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL):
        yaml.safe_load(block)
