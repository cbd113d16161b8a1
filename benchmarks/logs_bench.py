"""Benchmark `tos-check audit` against ripgrep and a naive json.loads + re loop (run on demand).

    python benchmarks/logs_bench.py [--n 50000] [--scale 10] [--dir /tmp/logs-bench]

Generates a realistic mixed log (benchmarks/loggen.py: app, evaluation, generation campaigns and
a key-rotation cluster, ~1 KB per record) of N and SCALE×N records, then in the same run times:

* `tos-check audit` (all bundled signals, every core) on N and SCALE×N records, with the peak RSS
  of its whole process tree (sampled from /proc every 20 ms);
* `rg -c -i -F` with the prefilter literals of the bundled signals (the cheapest possible scan);
* a naive single-process loop: json.loads each line, lower-case the message texts, re.search
  each literal.

Prints a Markdown table (the figures in docs/performance.md come from it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loggen  # noqa: E402


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            with open(f"/proc/{current}/task/{current}/children") as handle:
                pids.extend(int(c) for c in handle.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def run_measured(cmd: list[str]) -> tuple[float, int, str]:
    """(seconds, peak tree RSS in bytes, stdout) of a command."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["CI"] = "1"  # no progress bar
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:  # a pipe would fill up and block the child
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, env=env, text=True)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        out.seek(0)
        return seconds, peak, out.read()


def naive(folder: Path, patterns: list[str]) -> tuple[float, int]:
    compiled = [re.compile(re.escape(p)) for p in patterns]
    hits = 0
    started = time.perf_counter()
    for path in sorted(folder.glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                obj = json.loads(line)
                text = " ".join(m.get("content", "") for m in obj["request"]["messages"]).lower()
                text += " " + " ".join(c["message"]["content"] for c in obj["response"]["choices"]).lower()
                if any(p.search(text) for p in compiled):
                    hits += 1
    return time.perf_counter() - started, hits


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.jsonl"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/logs-bench"))
    parser.add_argument("--keep", action="store_true", help="Keep the generated logs.")
    args = parser.parse_args()
    small, large = args.dir / f"n{args.n}", args.dir / f"n{args.n * args.scale}"
    for folder, n in ((small, args.n), (large, args.n * args.scale)):
        if not folder.exists():
            loggen.generate(folder, n)
    patterns = loggen.literal_patterns()
    pattern_file = args.dir / "patterns.txt"
    pattern_file.write_text("\n".join(patterns) + "\n")
    tos = [sys.executable, "-m", "compliance", "audit", "--format", "json", "--top", "0"]
    rows = []
    results = {}
    for label, folder, n in (("N", small, args.n), (f"{args.scale}×N", large, args.n * args.scale)):
        seconds, peak, out = run_measured([*tos, str(folder)])
        records = json.loads(out)["inputs"]["records"]
        assert records == n, (records, n)
        results[label] = (seconds, peak)
        rows.append((f"tos-check audit ({label})", n, size(folder), seconds, peak))
    rg = shutil.which("rg")
    rg_seconds = None
    if rg:
        files = sorted(str(p) for p in small.glob("*.jsonl"))
        rg_seconds, rg_peak, _ = run_measured([rg, "-c", "-i", "-F", "-f", str(pattern_file), *files])
        rows.append(("rg -c -i -F (same literals)", args.n, size(small), rg_seconds, rg_peak))
    naive_seconds, _ = naive(small, patterns)
    rows.append(("naive json.loads + re", args.n, size(small), naive_seconds, 0))
    print(f"{len(patterns)} literal patterns; {os.cpu_count()} cores\n")
    print("| run | records | MB | seconds | records/s | MB/s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for name, n, nbytes, seconds, peak in rows:
        print(f"| {name} | {n:,} | {nbytes / 1e6:,.0f} | {seconds:.2f} | {n / seconds:,.0f} | {nbytes / 1e6 / seconds:,.1f} | "
              f"{peak / 1e6:,.0f} |" if peak else
              f"| {name} | {n:,} | {nbytes / 1e6:,.0f} | {seconds:.2f} | {n / seconds:,.0f} | {nbytes / 1e6 / seconds:,.1f} | - |")
    tos_seconds = results["N"][0]
    print()
    if rg_seconds:
        print(f"audit / rg throughput: {rg_seconds / tos_seconds:.3f} (target ≥ 0.1)")
    print(f"audit / naive throughput: {naive_seconds / tos_seconds:.2f} (target ≥ 4)")
    print(f"peak RSS {args.scale}×N / N: {results[f'{args.scale}×N'][1] / results['N'][1]:.2f} (target ≤ 1.2)")
    if not args.keep:
        shutil.rmtree(args.dir)


if __name__ == "__main__":
    main()
