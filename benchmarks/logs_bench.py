"""Benchmark `tos-check audit` against ripgrep and a naive json.loads + re loop (run on demand).

    python benchmarks/logs_bench.py [--n 50000] [--scale 10] [--dir /tmp/logs-bench] [--keep] [--repeat 2]

Generates a realistic mixed log (benchmarks/loggen.py: app, evaluation, generation campaigns and
a key-rotation cluster, ~1.4 KB per record) of N and SCALE×N records (logs already in --dir are
reused; without --keep, only what the run generated is removed), then in the same run times,
on both sizes:

* `tos-check audit` (all bundled signals, every core), with the peak RSS of its whole process
  tree (sampled from /proc every 20 ms), and the same command on a 5-record log: its fixed cost
  (interpreter, imports, rule packs, spaCy), which a larger input amortises;
* `rg -c -i -F` with the prefilter literals of the bundled signals (the cheapest possible scan);
* a naive single-process loop: json.loads each line, lower-case the message texts, re.search
  each literal;
* `tos-check audit` on SCALE×N again with TOS_CHECK_PURE_PYTHON=1, twice, with one more audit
  between them: without the optional C extension (compliance/signals/_native.c), which is what a
  machine that had no C compiler at install time gets. The reports must be byte-identical.

Each of the first three runs REPEAT times per size, interleaved, and the fastest run of each
counts (other work on a shared machine only ever slows a run down; the peak RSS is the highest).
Prints a Markdown table and the ratios (the figures in docs/performance.md come from it). The
*marginal* rate, (SCALE×N − N) records over the difference of the two audit times, is the
throughput once start-up is paid.
"""

from __future__ import annotations

import argparse
import itertools
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


def run_measured(cmd: list[str], **extra_env: str) -> tuple[float, int, str]:
    """(seconds, peak tree RSS in bytes, stdout) of a command."""
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "TOS_CHECK_PURE_PYTHON")}
    env["CI"] = "1"  # no progress bar
    env.update(extra_env)
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


def _native_built() -> bool:
    code = "from compliance.signals import features; print(features.NATIVE is not None)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip() == "True"


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.jsonl"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/logs-bench"))
    parser.add_argument("--keep", action="store_true", help="Keep the generated logs.")
    parser.add_argument("--repeat", type=int, default=2, help="Runs of each competitor per size (the fastest counts).")
    args = parser.parse_args()
    small, large = args.dir / f"n{args.n}", args.dir / f"n{args.n * args.scale}"
    made_dir = not args.dir.exists()
    made: list[Path] = []  # what this run generated, and so may remove
    for folder, n in ((small, args.n), (large, args.n * args.scale)):
        if not folder.exists():
            loggen.generate(folder, n)
            made.append(folder)
    patterns = loggen.literal_patterns()
    pattern_file = args.dir / "patterns.txt"
    pattern_file.write_text("\n".join(patterns) + "\n")
    tiny = args.dir / "tiny"
    tiny.mkdir(exist_ok=True)
    with (small / "api-01.jsonl").open(encoding="utf-8") as head:
        (tiny / "api.jsonl").write_text("".join(itertools.islice(head, 5)), encoding="utf-8")
    tos = [sys.executable, "-m", "compliance", "audit", "--format", "json", "--top", "0"]
    rg = shutil.which("rg")
    sizes = (("N", small, args.n), (f"{args.scale}×N", large, args.n * args.scale))
    rows = []
    audit: dict[str, float] = {}
    peaks: dict[str, int] = {}
    rg_time: dict[str, float] = {}
    naive_time: dict[str, float] = {}
    reports: dict[str, str] = {}
    start_up, start_peak, _ = run_measured([*tos, str(tiny)])
    rows.append(("tos-check audit, 5 records (start-up)", 5, size(tiny), start_up, start_peak))
    repeat = max(1, args.repeat)
    best = f"best of {repeat}" if repeat > 1 else "1 run"
    for label, folder, n in sizes:
        # each competitor `repeat` times, interleaved; the fastest run of each counts (interference from
        # other work on the machine only ever slows a run down), and the highest peak RSS
        files = sorted(str(p) for p in folder.glob("*.jsonl"))
        audit_runs, rg_runs, naive_runs = [], [], []
        for _ in range(repeat):
            seconds, peak, out = run_measured([*tos, str(folder)])
            records = json.loads(out)["inputs"]["records"]
            assert records == n, (records, n)
            audit_runs.append(seconds)
            peaks[label] = max(peaks.get(label, 0), peak)
            reports[label] = out
            if rg:
                rg_seconds, rg_peak, _ = run_measured([rg, "-c", "-i", "-F", "-f", str(pattern_file), *files])
                rg_runs.append((rg_seconds, rg_peak))
            naive_runs.append(naive(folder, patterns)[0])
        audit[label] = min(audit_runs)
        rows.append((f"tos-check audit ({label}, {best})", n, size(folder), audit[label], peaks[label]))
        if rg:
            rg_time[label] = min(t for t, _ in rg_runs)
            rows.append((f"rg -c -i -F, same literals ({label}, {best})", n, size(folder), rg_time[label],
                         max(p for _, p in rg_runs)))
        naive_time[label] = min(naive_runs)
        rows.append((f"naive json.loads + re, 1 process ({label}, {best})", n, size(folder), naive_time[label], 0))
    big_label, big_folder, big_n = sizes[1]
    native = _native_built()
    # with and without the C extension, interleaved (the machine's speed drifts): Python only, audit, Python only
    pure_runs, native_runs, outs = [], [audit[big_label]], {reports[big_label]}
    for turn in range(3 if native else 1):
        seconds, peak, out = run_measured([*tos, str(big_folder)], **({} if turn % 2 else {"TOS_CHECK_PURE_PYTHON": "1"}))
        (native_runs if turn % 2 else pure_runs).append(seconds)
        outs.add(out)
    pure = min(pure_runs)
    rows.append((f"tos-check audit, Python only ({big_label}, best of {len(pure_runs)})", big_n, size(big_folder), pure, peak))
    print(f"{len(patterns)} literal patterns; {os.cpu_count()} cores; C extension "
          f"{'built' if native else 'NOT built: every audit row is Python only'}\n")
    print("| run | records | MB | seconds | records/s | MB/s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for name, n, nbytes, seconds, peak in rows:
        rss = f"{peak / 1e6:,.0f}" if peak else "-"
        print(f"| {name} | {n:,} | {nbytes / 1e6:,.1f} | {seconds:.2f} | {n / seconds:,.0f} | {nbytes / 1e6 / seconds:,.1f} | {rss} |")
    print()
    for label, _, _ in sizes:
        line = f"{label}: audit/naive throughput {naive_time[label] / audit[label]:.2f} (target ≥ 4)"
        if rg:
            line += f", audit/rg {rg_time[label] / audit[label]:.3f} (target ≥ 0.1)"
        print(line)
    big = sizes[1][0]
    extra = args.n * (args.scale - 1)
    marginal = extra / (audit[big] - audit["N"])
    naive_rate = args.n * args.scale / naive_time[big]
    line = f"marginal audit rate (N to {big}): {marginal:,.0f} records/s; / naive rate {marginal / naive_rate:.2f}"
    if rg:
        line += f"; / rg rate {marginal / (args.n * args.scale / rg_time[big]):.3f}"
    print(line)
    print(f"peak RSS {big} / N: {peaks[big] / peaks['N']:.2f} (target ≤ 1.2)")
    if native:
        print(f"{big}: C extension speed-up {pure / min(native_runs):.2f}x (best Python-only run / best of "
              f"{len(native_runs)} audit runs, interleaved); reports {'byte-identical' if len(outs) == 1 else 'DIFFER'}")
    if not args.keep:  # only what this run made: logs generated earlier (and anything else in --dir) stay
        for folder in [*made, tiny]:
            shutil.rmtree(folder, ignore_errors=True)
        pattern_file.unlink(missing_ok=True)
        if made_dir:
            shutil.rmtree(args.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
