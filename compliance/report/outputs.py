"""Which reports a scan writes, and where: `--format`, `--output` and `--template` resolved.

The rules, in order:
1. Nothing asked: the text report goes to stdout.
2. Exactly one report asked (one `--format` or one `--template`) and one `--output`: that report
   goes to that file, whatever its name.
3. Otherwise each `--output` takes its format from its name (see `formats.format_for_path`:
   .json .sarif .html .xml .md .txt, `gl-code-quality-report.json` or `*.codequality.json`);
   a name that says nothing is an error.
4. Each `--format` no output already produces, and each `--template`, goes to stdout: at most one
   may, since two reports on one stream could not be told apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compliance.errors import InputError
from compliance.report.formats import (
    EXTENSIONS,
    FILE_NAMES,
    Format,
    RenderOptions,
    format_for_path,
    render,
)
from compliance.report.templates import render_user_template


@dataclass(frozen=True)
class Target:
    """One report to write: a built-in format or a user template, to a file or stdout (dest None)."""

    fmt: Format | None
    template: Path | None
    dest: Path | None

    @property
    def label(self) -> str:
        return self.fmt.value if self.fmt is not None else f"template {self.template}"

    def render(self, data: dict[str, Any], options: RenderOptions) -> str:
        if self.template is not None:
            return render_user_template(self.template, data)
        assert self.fmt is not None
        return render(data, self.fmt, options)


def known_names() -> str:
    return ", ".join(list(EXTENSIONS) + list(FILE_NAMES))


def plan_outputs(formats: list[Format], templates: list[Path], outputs: list[Path]) -> list[Target]:
    requested: list[tuple[Format | None, Path | None]] = [(f, None) for f in formats] + [(None, t) for t in templates]
    if not requested and not outputs:
        return [Target(Format.text, None, None)]
    if len(requested) == 1 and len(outputs) == 1:
        fmt, template = requested[0]
        targets = [Target(fmt, template, outputs[0])]
    else:
        targets = []
        for out in outputs:
            fmt = format_for_path(out)
            if fmt is None:
                raise InputError(str(out), None, f"cannot tell the report format from the name; use one of {known_names()}"
                                 " or give exactly one --format with one --output")
            targets.append(Target(fmt, None, out))
        produced = {t.fmt for t in targets}
        to_stdout = [(f, t) for f, t in requested if t is not None or f not in produced]
        if len(to_stdout) > 1:
            names = ", ".join(f.value if f is not None else str(t) for f, t in to_stdout)
            raise InputError(None, None, f"more than one report would go to stdout ({names}): give each an --output")
        targets += [Target(f, t, None) for f, t in to_stdout]
    seen: set[Path] = set()
    for target in targets:
        if target.dest is None:
            continue
        key = target.dest.resolve()
        if key in seen:
            raise InputError(str(target.dest), None, "given twice as --output")
        seen.add(key)
        if not target.dest.parent.is_dir():
            raise InputError(str(target.dest), None, "cannot write report: folder does not exist")
        if target.dest.is_dir():
            raise InputError(str(target.dest), None, "cannot write report: is a folder")
    return targets
