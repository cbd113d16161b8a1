"""Project configuration: `[tool.tos-check]` in pyproject.toml, or `.tos-check.yaml`, at the scanned root.

Keys (the command-line flags of the same name override them; list flags replace, not extend):

    manifest  = "ai-usage.yaml"          # --manifest
    rules     = ["policies/"]            # --rules (extra rule-pack folders or files)
    fail-on   = "high"                   # --fail-on
    waivers   = ".tos-check/waivers.yaml"  # --waivers
    baseline  = "tos-check-baseline.json"  # --baseline
    formats   = ["markdown"]             # --format
    outputs   = ["tos-check.sarif"]      # --output

Paths are relative to the file that sets them. An unknown key or a wrong type is an input error
with file and line. Configuring tos-check in both files is an error too: one place only.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compliance.errors import InputError
from compliance.yamlio import line_at, load_yaml_file

YAML_NAMES = (".tos-check.yaml", ".tos-check.yml")
# The values of compliance.report.formats.Format (a test keeps them equal).
FormatName = Literal["text", "markdown", "json", "html", "sarif", "junit", "codequality"]
KEYS = ("manifest", "rules", "fail-on", "waivers", "baseline", "formats", "outputs")


class ConfigModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    manifest: str | None = None
    rules: list[str] = Field(default_factory=list)
    fail_on: Literal["critical", "high", "medium", "low", "never"] | None = Field(default=None, alias="fail-on")
    waivers: str | None = None
    baseline: str | None = None
    formats: list[FormatName] = Field(default_factory=list)
    outputs: list[str] = Field(default_factory=list)


@dataclass
class Config:
    """Settings from a config file, with paths resolved against the file's folder."""

    source: str | None = None
    manifest: Path | None = None
    rules: list[Path] = field(default_factory=list)
    fail_on: str | None = None
    waivers: Path | None = None
    baseline: Path | None = None
    formats: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)


def _toml_line(text: str, key: str | None) -> int | None:
    """The line of `[tool.tos-check]`, or of `key = …` inside it (tomllib keeps no positions)."""
    lines = text.splitlines()
    start = None
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if start is None:
            if re.match(r'^\[\s*tool\s*\.\s*(tos-check|"tos-check")\s*\]', stripped):
                start = number
                if key is None:
                    return number
            continue
        if stripped.startswith("["):
            break
        if key is not None and re.match(rf'^("?){re.escape(key)}\1\s*=', stripped):
            return number
    return start


def _validate(raw: Any, shown: str, line_for: Any) -> ConfigModel:
    if not isinstance(raw, dict):
        raise InputError(shown, line_for(()), "tos-check configuration must be a table of keys")
    try:
        return ConfigModel.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = tuple(err["loc"])
        where = ".".join(str(p) for p in loc)
        if err["type"] == "extra_forbidden":
            text = f"unknown key {where!r} (known: {', '.join(KEYS)})"
        else:
            text = f"{where}: {err['msg']}"
        raise InputError(shown, line_for(loc), text) from None


def _from_pyproject(path: Path, shown: str) -> ConfigModel | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(shown, None, f"cannot read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise InputError(shown, int(match.group(1)) if match else None, f"invalid TOML: {exc}") from None
    section = data.get("tool", {}).get("tos-check")
    if section is None:
        return None
    return _validate(section, shown, lambda loc: _toml_line(text, str(loc[0]) if loc else None))


def _from_yaml(path: Path, shown: str) -> ConfigModel:
    raw = load_yaml_file(path, shown)
    if raw is None:
        return ConfigModel()
    return _validate(raw, shown, lambda loc: line_at(raw, loc) or getattr(raw, "line", 1))


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_config(root: Path) -> Config:
    """The configuration at `root` (the scanned folder); an empty Config when there is none."""
    found: list[tuple[Path, ConfigModel]] = []
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        model = _from_pyproject(pyproject, _display(pyproject))
        if model is not None:
            found.append((pyproject, model))
    for name in YAML_NAMES:
        candidate = root / name
        if candidate.is_file():
            found.append((candidate, _from_yaml(candidate, _display(candidate))))
    if not found:
        return Config()
    if len(found) > 1:
        names = " and ".join(_display(p) for p, _ in found)
        raise InputError(_display(found[1][0]), 1, f"tos-check is configured in {names}: keep one")
    path, model = found[0]
    base = path.parent

    def resolve(value: str | None) -> Path | None:
        return None if value is None else base / value

    return Config(
        source=_display(path),
        manifest=resolve(model.manifest),
        rules=[base / r for r in model.rules],
        fail_on=model.fail_on,
        waivers=resolve(model.waivers),
        baseline=resolve(model.baseline),
        formats=list(model.formats),
        outputs=[base / o for o in model.outputs],
    )
