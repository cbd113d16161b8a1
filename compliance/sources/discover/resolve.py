"""Settle symbolic values once the whole tree is read.

A command-line option takes the value a shell script or notebook passes (each run is one
possibility) or its default; an environment variable its default; a config key the value in the
config file the code loads; an imported name the constant in the module that defines it.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict

from compliance.sources.discover.model import FileScan, Loc, ShellRun, Value
from compliance.sources.discover.scan import Discovery

MAX_DEPTH = 4


def normalize(path: str, base: str = "") -> str:
    """A repository-relative POSIX path (`./data/../data/x.json` -> `data/x.json`)."""
    text = path.strip().replace("\\", "/")
    if base and not text.startswith("/"):
        text = posixpath.join(base, text)
    text = posixpath.normpath(text)
    return text[2:] if text.startswith("./") else ("" if text == "." else text)


class Resolver:
    """Turns any `Value` into the literal values it can take."""

    def __init__(self, found: Discovery) -> None:
        self.found = found
        self.modules: dict[str, FileScan] = {}
        self.runs: dict[str, list[ShellRun]] = defaultdict(list)
        for scan in found.scans:
            if scan.path.endswith(".py"):
                dotted = scan.path[:-3].replace("/", ".")
                parts = dotted.split(".")
                for start in range(len(parts)):
                    self.modules.setdefault(".".join(parts[start:]), scan)
            for run in scan.runs:
                self.runs[posixpath.basename(run.script)].append(run)

    def runs_of(self, script: str) -> list[ShellRun]:
        """Shell runs that launch this script (matched by path suffix)."""
        candidates = self.runs.get(posixpath.basename(script), [])
        out = []
        for run in candidates:
            target = normalize(run.script, posixpath.dirname(run.loc.path))
            if target == script or script.endswith(normalize(run.script)) or target.endswith(script):
                out.append(run)
        return out

    def values(self, value: Value | None, origin: str = "", depth: int = 0) -> list[Value]:
        if value is None or depth > MAX_DEPTH:
            return []
        if value.kind in ("literal", "pattern"):
            return [value] if value.text else []
        if value.kind == "arg":
            return self._arg(value)
        if value.kind == "env":
            return [Value(value.text, "literal", value.loc, value.ref, how=f"default of ${value.ref}")] if value.text else []
        if value.kind == "config":
            return self._config(value, origin)
        if value.kind == "import":
            return self._import(value, origin, depth)
        return []

    def _arg(self, value: Value) -> list[Value]:
        out: list[Value] = []
        runs = self.runs_of(value.scope)
        default_used = not runs
        for run in runs:
            given = dict(run.args)
            if value.ref in given:
                out.append(Value(given[value.ref], "literal", run.loc, value.ref, how=f"--{value.ref} given by {run.loc}"))
            else:
                default_used = True
        if default_used and value.text:
            out.append(Value(value.text, "literal", value.loc, value.ref, how=f"default of --{value.ref}"))
        return out

    def _config(self, value: Value, origin: str) -> list[Value]:
        for candidate in (normalize(value.scope), normalize(value.scope, posixpath.dirname(origin))):
            entry = self.found.configs.get(candidate)
            if entry is None:
                continue
            flat, lines = entry
            text = flat.get(value.ref)
            if text is None:
                return [Value(value.text, "literal", value.loc, how="default of a config key")] if value.text else []
            leaf = value.ref.rsplit(".", 1)[-1]
            number = next((i for i, line in enumerate(lines, start=1) if leaf in line and text in line), 1)
            loc = Loc(candidate, number, lines[number - 1].strip() if lines else "")
            return [Value(text, "literal", loc, value.ref, how=f"{candidate} key {value.ref}")]
        return [Value(value.text, "literal", value.loc, how="default of a config key")] if value.text else []

    def _import(self, value: Value, origin: str, depth: int) -> list[Value]:
        module = value.scope
        if module.startswith("."):
            level = len(module) - len(module.lstrip("."))
            base = posixpath.dirname(origin)
            for _ in range(level - 1):
                base = posixpath.dirname(base)
            module = ".".join(p for p in [base.replace("/", "."), module.lstrip(".")] if p)
        scan = self.modules.get(module)
        if scan is None:
            return []
        constant = scan.constants.get(value.ref)
        return self.values(constant, scan.path, depth + 1) if constant is not None else []

    def first(self, value: Value | None, origin: str = "") -> Value | None:
        found = self.values(value, origin)
        return found[0] if found else None

    def script_options(self, script: str) -> dict[str, list[Value]]:
        """Options a script is launched with, by name (for training scripts driven by flags)."""
        options: dict[str, list[Value]] = defaultdict(list)
        for run in self.runs_of(script):
            for name, text in run.args:
                options[name].append(Value(text, "literal", run.loc, name, how=f"--{name} given by {run.loc}"))
        return options
