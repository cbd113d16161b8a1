"""Discovery benchmark: files/s and peak RSS on a generated repository, against semgrep in the same run.

    python benchmarks/discover_bench.py [--files 20000] [--small 2000] [--semgrep PATH] [--write-docs]

Generates a repository of Python files (utility modules, pandas data scripts, torch model code,
Flask handlers, provider SDK callers of eight kinds, training scripts), runs tos-check discovery on
the first `--small` files and on all of them, each in its own process so that peak RSS is that
run's alone, then runs semgrep (`--config` with rules for the same SDK calls) on the full tree.
semgrep runs with the version check and metrics off: it would otherwise hang trying to reach the
network. `--write-docs` replaces the "Discovery" section of docs/performance.md with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "performance.md"

UTIL = '''
"""String and number helpers for module {i}."""
import math
import re
from collections import Counter


def slugify_{i}(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def entropy_{i}(items: list[str]) -> float:
    counts = Counter(items)
    total = sum(counts.values())
    return -sum(c / total * math.log2(c / total) for c in counts.values())


class Window{i}:
    def __init__(self, size: int = {n}) -> None:
        self.size = size
        self.items: list[float] = []

    def push(self, value: float) -> float:
        self.items.append(value)
        self.items = self.items[-self.size:]
        return sum(self.items) / len(self.items)
'''
DATA = '''
"""Data cleaning step {i}."""
import pandas as pd

INPUT = "data/raw_{i}.csv"
OUTPUT = "data/clean_{i}.parquet"


def clean(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.dropna(subset=["text"])
    frame["length"] = frame["text"].str.len()
    return frame[frame["length"] > {n}]


if __name__ == "__main__":
    clean(pd.read_csv(INPUT)).to_parquet(OUTPUT)
'''
MODEL = '''
"""Model components {i}."""
import torch
import torch.nn as nn


class Block{i}(nn.Module):
    def __init__(self, dim: int = {n}) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.ff = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.ff(self.norm(x))
'''
WEB = '''
"""HTTP handlers {i}."""
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/items/{i}", methods=["GET"])
def list_items_{i}():
    limit = int(request.args.get("limit", {n}))
    return jsonify(items=list(range(limit)))
'''
SDK = {
    "openai-v1": ('from openai import OpenAI\nclient = OpenAI()\nMODEL = "gpt-4o-mini"\n\n\ndef ask_{i}(q):\n'
                  '    return client.chat.completions.create(model=MODEL, messages=[{{"role": "user", "content": q}}])\n'),
    "openai-v0": ('import openai\n\n\ndef ask_{i}(q):\n    return openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[])\n'),
    "anthropic": ('import anthropic\nclient = anthropic.Anthropic()\n\n\ndef ask_{i}(q):\n'
                  '    return client.messages.create(model="claude-3-5-sonnet-20241022", max_tokens=64, messages=[])\n'),
    "gemini": ('import google.generativeai as genai\nmodel = genai.GenerativeModel("gemini-1.5-pro")\n\n\ndef ask_{i}(q):\n'
               '    return model.generate_content(q)\n'),
    "litellm": ('import litellm\n\n\ndef ask_{i}(q):\n    return litellm.completion(model="groq/llama-3.1-8b-instant", messages=[])\n'),
    "mistral": ('from mistralai import Mistral\nclient = Mistral(api_key="x")\n\n\ndef ask_{i}(q):\n'
                '    return client.chat.complete(model="mistral-large-latest", messages=[])\n'),
    "openai-batch": ('from openai import OpenAI\nclient = OpenAI()\n\n\ndef submit_{i}(file_id):\n'
                     '    return client.batches.create(input_file_id=file_id, endpoint="/v1/chat/completions", completion_window="24h")\n'),
    "deepseek-local": ('from openai import OpenAI\nclient = OpenAI(base_url="http://localhost:8000/v1", api_key="x")\n\n\n'
                       'def ask_{i}(q):\n    return client.chat.completions.create(model="deepseek-ai/DeepSeek-R1", messages=[])\n'),
}
TRAIN = '''
"""Fine-tuning run {i}."""
from datasets import load_dataset
from transformers import AutoModelForCausalLM, Trainer, TrainingArguments

model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")
data = load_dataset("json", data_files="data/sft_{i}.jsonl")
Trainer(model=model, args=TrainingArguments(output_dir="out/run-{i}"), train_dataset=data["train"]).train()
'''

SEMGREP_RULES = {
    "openai-v1": ["$C.chat.completions.create(...)", "$C.responses.create(...)", "$C.batches.create(...)"],
    "openai-v0": ["openai.ChatCompletion.create(...)", "openai.Completion.create(...)"],
    "anthropic": ["$C.messages.create(...)"],
    "gemini": ["genai.GenerativeModel(...)"],
    "litellm": ["litellm.completion(...)"],
    "mistral": ["$C.chat.complete(...)"],
}


def generate(root: Path, count: int, seed: int = 7) -> dict[str, int]:
    """Write `count` Python files; returns how many SDK callers of each kind were written."""
    rng = random.Random(seed)
    kinds: dict[str, int] = {}
    for i in range(count):
        roll = rng.random()
        folder = root / f"pkg{i % 97}" / f"sub{i % 13}"
        folder.mkdir(parents=True, exist_ok=True)
        n = rng.randint(3, 500)
        if roll < 0.40:
            text, name = UTIL, "util"
        elif roll < 0.62:
            text, name = DATA, "data"
        elif roll < 0.77:
            text, name = MODEL, "model"
        elif roll < 0.89:
            text, name = WEB, "web"
        elif roll < 0.97:
            name = rng.choice(sorted(SDK))
            text = SDK[name]
        else:
            text, name = TRAIN, "train"
        kinds[name] = kinds.get(name, 0) + 1
        (folder / f"{name}_{i}.py").write_text(textwrap.dedent(text).format(i=i, n=n))
    return kinds


def _child(root: str, limit_files: int) -> None:
    """Run discovery in this process and print files, seconds and peak RSS (MiB) as JSON."""
    sys.path.insert(0, str(REPO))
    from compliance.sources.discover.link import link_discovery
    from compliance.sources.discover.scan import discover_tree

    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    found = discover_tree(Path(root))
    linker = link_discovery(found)
    seconds = time.perf_counter() - start
    print(json.dumps({
        "files": found.files_read, "seconds": seconds, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_after_imports_mib": base_rss, "calls": len(linker.uses),
        "files_with_calls": len({u.call.loc.path for u in linker.uses}), "training_steps": len(linker.steps),
        "files_with_io": sum(1 for scan in found.scans if scan.io),
        "parsed": dict(found.parsed),
    }))


def run_discovery(root: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(root)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_semgrep(semgrep: str, root: Path) -> dict:
    rules = {"rules": [
        {"id": f"sdk-{name}", "languages": ["python"], "severity": "INFO", "message": name,
         "pattern-either": [{"pattern": p} for p in patterns]}
        for name, patterns in SEMGREP_RULES.items()]}
    config = root.parent / "semgrep-rules.json"
    config.write_text(json.dumps(rules))
    env = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
    wrapper = ("import resource, subprocess, sys, time, json; s=time.perf_counter(); "
               "p=subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "print(json.dumps({'seconds': time.perf_counter()-s, 'rss': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024, "
               "'code': p.returncode, 'out': p.stdout, 'err': p.stderr[-2000:]}))")
    command = [semgrep, "scan", "--config", str(config), "--json", "--metrics=off", "--disable-version-check",
               "--jobs", str(os.cpu_count() or 1), "--max-target-bytes", "2000000", "--no-git-ignore", str(root)]
    out = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True, text=True, env=env, check=True)
    data = json.loads(out.stdout)
    if data["code"] not in (0, 1):
        raise RuntimeError(f"semgrep failed ({data['code']}): {data['err']}")
    results = json.loads(data["out"])["results"]
    return {"seconds": data["seconds"], "peak_rss_mib": data["rss"], "matches": len(results),
            "files_with_matches": len({r["path"] for r in results}),
            "by_rule": {k: sum(1 for r in results if r["check_id"].endswith(k)) for k in SEMGREP_RULES}}


def section(small: dict, full: dict, semgrep: dict | None, kinds: dict[str, int], version: str) -> str:
    sdk_files = sum(v for k, v in kinds.items() if k in SDK)
    rows = [
        "## Discovery",
        "",
        f"`python benchmarks/discover_bench.py --files {full['files']} --small {small['files']}` on this machine "
        f"(2 cores, Python {sys.version.split()[0]}); numbers from one run, each discovery run in its own process.",
        "",
        f"Generated repository: {full['files']:,} Python files (utility modules, pandas scripts, torch modules, "
        f"Flask handlers, {sdk_files:,} provider SDK callers of {len(SDK)} kinds, {kinds.get('train', 0):,} training scripts).",
        "",
        "| run | files | seconds | files/s | peak RSS (MiB) | RSS after imports (MiB) | found |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, r in (("tos-check discovery", small), ("tos-check discovery", full)):
        rows.append(f"| {label} | {r['files']:,} | {r['seconds']:.1f} | {r['files'] / r['seconds']:,.0f} | {r['peak_rss_mib']:.0f} | "
                    f"{r['rss_after_imports_mib']:.0f} | {r['calls']:,} calls in {r['files_with_calls']:,} files, "
                    f"{r['training_steps']:,} training steps |")
    if semgrep is not None:
        rows.append(f"| semgrep {version} (`--config`, {len(SEMGREP_RULES)} rules, {os.cpu_count()} jobs) | {full['files']:,} | "
                    f"{semgrep['seconds']:.1f} | {full['files'] / semgrep['seconds']:,.0f} | {semgrep['peak_rss_mib']:.0f} | – | "
                    f"{semgrep['matches']:,} matches in {semgrep['files_with_matches']:,} files |")
        ratio = semgrep["seconds"] / full["seconds"]
        rows += ["", f"Time ratio semgrep / tos-check on the same tree in the same run: {ratio:.2f} "
                     f"(tos-check {'faster' if ratio >= 1 else 'slower'}; tos-check's time includes loading spaCy for prompt cues)."]
    rows += [
        "",
        f"Memory: peak RSS {small['peak_rss_mib']:.0f} MiB at {small['files']:,} files and "
        f"{full['peak_rss_mib']:.0f} MiB at {full['files']:,} files ({full['peak_rss_mib'] - small['peak_rss_mib']:+.0f} MiB for "
        f"{full['files'] / small['files']:.0f}× the files). The walk streams: a file's text and syntax tree are dropped as "
        "soon as its findings are taken, and a file without findings keeps nothing; the growth is the findings themselves "
        f"(provider calls, training steps and the reads and writes of the {full.get('files_with_io', 0):,} files that move data), "
        "which grow with what the repository does, not with its size.",
        "",
        "What each found: semgrep matches call shapes (one match per call site, no model, no provider behind a base URL, "
        "nothing about what the output is used for). tos-check reports the same call sites with the provider (the "
        "DeepSeek-R1 callers through a local OpenAI-compatible server are `deepseek`, not `openai`; litellm's "
        "`groq/...` is `groq`), the model resolved from constants, the API kind (batch jobs included), purposes, "
        "training steps and the flows between them."
        + (f" semgrep by rule: {', '.join(f'{k} {v}' for k, v in semgrep['by_rule'].items())}." if semgrep else ""),
        "",
    ]
    return "\n".join(rows)


def write_docs(text: str) -> None:
    current = DOC.read_text() if DOC.exists() else "# Performance\n"
    pattern = re.compile(r"^## Discovery\n.*?(?=^## |\Z)", re.S | re.M)
    updated = pattern.sub(lambda _: text + "\n", current) if pattern.search(current) else current.rstrip() + "\n\n" + text + "\n"
    DOC.write_text(updated)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=2_000)
    parser.add_argument("--semgrep", default=shutil.which("semgrep") or "/tmp/semgrep-venv/bin/semgrep")
    parser.add_argument("--no-semgrep", action="store_true")
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        _child(args.child, 0)
        return
    with tempfile.TemporaryDirectory(prefix="discover-bench-") as tmp:
        small_root, full_root = Path(tmp) / "small", Path(tmp) / "full"
        generate(small_root, args.small)
        kinds = generate(full_root, args.files)
        small = run_discovery(small_root)
        full = run_discovery(full_root)
        semgrep = version = None
        if not args.no_semgrep and Path(args.semgrep).exists():
            env = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0"}
            version = subprocess.run([args.semgrep, "--version", "--disable-version-check"], capture_output=True,
                                     text=True, env=env).stdout.strip()
            semgrep = run_semgrep(args.semgrep, full_root)
        text = section(small, full, semgrep, kinds, version or "")
    print(text)
    print(json.dumps({"small": small, "full": full, "semgrep": semgrep, "kinds": kinds}, indent=2), file=sys.stderr)
    if args.write_docs:
        write_docs(text)


if __name__ == "__main__":
    main()
