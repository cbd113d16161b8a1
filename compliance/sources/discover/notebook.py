"""Jupyter notebooks: code cells joined into one module (cells share a namespace), evidence by cell.

IPython magics and `!shell` lines are blanked in the Python text (keeping line numbers) and
handed to the shell scanner, so `!python train.py --data x.jsonl` still links steps.
"""

from __future__ import annotations

import bisect
import json

from compliance.sources.discover.model import FileScan
from compliance.sources.discover.python_code import scan_python
from compliance.sources.discover.shell import scan_shell_lines


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def scan_notebook(path: str, text: str) -> FileScan | None:
    """Findings of a notebook's code cells, with `cell` set on every location (1-based cells)."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        return None
    lines: list[str] = []
    starts: list[int] = []     # first joined line (1-based) of each code cell
    numbers: list[int] = []    # its cell number
    shell: list[tuple[int, int, str]] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        starts.append(len(lines) + 1)
        numbers.append(number)
        for offset, line in enumerate(_source(cell).splitlines(), start=1):
            stripped = line.lstrip()
            if stripped.startswith(("!", "%")):
                if stripped.startswith("!"):
                    shell.append((number, offset, stripped[1:]))
                lines.append("")
            else:
                lines.append(line)
        lines.append("")

    def cell_of(line: int) -> tuple[int | None, int]:
        index = bisect.bisect_right(starts, line) - 1
        if index < 0:
            return None, line
        return numbers[index], line - starts[index] + 1

    scan = scan_python(path, "\n".join(lines), cell_of, kind="notebook") or FileScan(path, "notebook")
    for number, offset, command in shell:
        scan.runs += scan_shell_lines(path, [(offset, command)], cell=number)
    return scan
