"""Shell scripts and command lines: which script runs with which options, and training launchers.

`python gen.py --out data/x.jsonl && torchrun --nproc_per_node 8 train.py --data_path data/x.jsonl`
binds `out` of gen.py and `data_path` of train.py; the linker then joins the two steps.
Launchers: python, torchrun, accelerate launch, deepspeed, `python -m axolotl.cli.train CFG`,
`axolotl train CFG`, `llamafactory-cli train CFG`, `tune run RECIPE --config CFG`.
"""

from __future__ import annotations

import re
import shlex

from compliance.sources.discover.model import FileScan, Loc, ShellRun

LAUNCHERS = {"python", "python3", "torchrun", "deepspeed", "accelerate", "uv", "poetry"}
CONFIG_TOOLS = {
    ("axolotl", "train"): "axolotl", ("axolotl.cli.train", ""): "axolotl", ("llamafactory-cli", "train"): "llama-factory",
    ("tune", "run"): "torchtune",
}
SPLIT = re.compile(r"\s*(?:&&|\|\||;|\|)\s*")


def _logical_lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    buffer, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not buffer:
            start = number
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        buffer += line
        if buffer.strip() and not buffer.lstrip().startswith("#"):
            out.append((start, buffer.strip()))
        buffer = ""
    return out


def _options(tokens: list[str]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.startswith("--"):
            name, eq, value = token[2:].partition("=")
            if not eq and index + 1 < len(tokens) and not tokens[index + 1].startswith("--"):
                value = tokens[index + 1]
                index += 1
            pairs.append((name.replace("-", "_"), value if (eq or value) else "true"))
        elif token in (">", ">>", "1>") and index + 1 < len(tokens):
            pairs.append(("__stdout__", tokens[index + 1]))
            index += 1
        elif token.startswith(">") and len(token) > 1:
            pairs.append(("__stdout__", token.lstrip(">")))
        index += 1
    return pairs


def _command(tokens: list[str], loc: Loc) -> ShellRun | None:
    while tokens and "=" in tokens[0] and not tokens[0].startswith("-"):
        tokens = tokens[1:]  # VAR=value prefixes
    if not tokens:
        return None
    head = tokens[0].rsplit("/", 1)[-1]
    for (tool, sub), name in CONFIG_TOOLS.items():
        if head == tool and (not sub or (len(tokens) > 1 and tokens[1] == sub)):
            rest = tokens[2:] if sub else tokens[1:]
            config = next((t for t in rest if t.endswith((".yaml", ".yml"))), None)
            config = dict(_options(rest)).get("config", config)
            return ShellRun(loc, config or "", tuple(_options(rest)), name) if config else None
    if head not in LAUNCHERS and not head.startswith("python"):
        return None
    if "-m" in tokens:
        module = tokens[tokens.index("-m") + 1] if tokens.index("-m") + 1 < len(tokens) else ""
        rest = tokens[tokens.index("-m") + 2:]
        if module.startswith("axolotl.cli.train") and rest:
            return ShellRun(loc, rest[0], tuple(_options(rest[1:])), "axolotl")
        return None
    script_index = next((i for i, t in enumerate(tokens) if t.endswith(".py")), None)
    if script_index is None:
        return None
    return ShellRun(loc, tokens[script_index], tuple(_options(tokens[script_index + 1:])), head)


def scan_shell_lines(path: str, lines: list[tuple[int, str]], cell: int | None = None) -> list[ShellRun]:
    runs: list[ShellRun] = []
    for number, line in lines:
        for part in SPLIT.split(line):
            try:
                tokens = shlex.split(part, comments=True)
            except ValueError:
                continue
            run = _command(tokens, Loc(path, number, line, cell))
            if run is not None:
                runs.append(run)
    return runs


def scan_shell(path: str, text: str) -> FileScan:
    scan = FileScan(path, "shell")
    scan.runs = scan_shell_lines(path, _logical_lines(text))
    return scan
