"""What discovery reads and what it skips: ignore files, --exclude, vendored, binary and large files."""

from __future__ import annotations

from pathlib import Path

from compliance.engine import ScanOptions, run_scan
from compliance.sources.discover import discover
from compliance.sources.discover.walk import Walker
from tests.discover.conftest import write_tree

CALL = "import anthropic\nanthropic.Anthropic().messages.create(model='claude-3-haiku-20240307', max_tokens=1, messages=[])\n"


def read_paths(root: Path, exclude: list[str] | None = None) -> set[str]:
    return {entry.rel for entry in Walker(root, exclude)}


def test_gitignore_nested_and_negated(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".gitignore": "build/\n*.log.py\n",
        "build/gen.py": CALL, "keep.py": CALL, "x.log.py": CALL,
        "pkg/.gitignore": "secret_*.py\n!secret_ok.py\n",
        "pkg/secret_a.py": CALL, "pkg/secret_ok.py": CALL, "pkg/deep/secret_b.py": CALL,
    })
    assert read_paths(tmp_path) == {"keep.py", "pkg/secret_ok.py"}


def test_tool_ignore_exclude_vendored_binary_and_size(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".tos-check/ignore": "experiments/\n",
        "experiments/try.py": CALL, "main.py": CALL, "tests/test_x.py": CALL,
        "node_modules/openai/index.js": "import OpenAI from 'openai'", ".venv/lib/site.py": CALL,
        "third_party/lib.py": CALL,
    })
    (tmp_path / "blob.py").write_bytes(b"import openai\x00\x01")
    (tmp_path / "big.py").write_text("# openai\n" + "x = 1\n" * 400_000)
    walker = Walker(tmp_path, ["tests/"])
    entries = {entry.rel for entry in walker}
    assert "main.py" in entries and "blob.py" in entries  # binary is decided when read
    assert not entries & {"experiments/try.py", "tests/test_x.py", "node_modules/openai/index.js", ".venv/lib/site.py",
                          "third_party/lib.py", "big.py"}
    counts = walker.skips.counts
    assert counts["ignored by .tos-check/ignore"] == 1 and counts["excluded by --exclude"] == 1
    assert counts["vendored or tool folder"] == 3 and counts["larger than 2 MB"] == 1
    result = discover(tmp_path, ["tests/"])
    assert result.found.skips.counts["binary"] == 1
    assert [u.call.loc.path for u in result.linker.uses] == ["main.py"]


def test_scan_reports_skipped_inputs_with_reasons(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.py": CALL, "vendor/x.py": CALL, **{f"img{i}.png": "x" for i in range(30)}})
    result = run_scan(ScanOptions(path=tmp_path, exclude=["nothing-matches/"]))
    skipped = [i for i in result.inputs if i.status == "skipped"]
    assert any(i.path == "vendor/" and i.reason == "vendored or tool folder" for i in skipped)
    more = [i for i in skipped if "more not listed" in i.reason]
    assert more and more[0].items == 10  # 20 listed by name, the rest counted
    assert any(i.kind == "repository" and i.items == 1 for i in result.inputs if i.status == "read")


def test_discovery_can_be_turned_off(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.py": CALL, "ai-usage.yaml": "project: p\n"})
    on = run_scan(ScanOptions(path=tmp_path))
    off = run_scan(ScanOptions(path=tmp_path, discover=False))
    assert on.facts.of("disagreements") and not off.facts.of("disagreements")
    assert not any(i.kind == "repository" for i in off.inputs)
