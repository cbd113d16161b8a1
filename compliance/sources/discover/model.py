"""What discovery finds in one file, before files are linked to each other.

Values found in code may be symbolic until the whole tree is read: an argparse option that a
shell script sets, a name imported from another module, a key of a config file the code loads.
`Value` holds either a literal or such a reference; `resolve.py` settles them after the walk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compliance.facts import Evidence
from compliance.redact import snippet


@dataclass(frozen=True)
class Loc:
    """A place in the repository: file, line and (for notebooks) cell."""

    path: str
    line: int
    text: str = ""
    cell: int | None = None

    def evidence(self, confidence: float = 1.0, note: str = "", kind: str = "discovered") -> Evidence:
        where = f"cell {self.cell}, line {self.line}" if self.cell is not None else ""
        full = "; ".join(part for part in (where, note) if part)
        return Evidence(self.path, self.line, snippet(self.text), kind, round(confidence, 3), full)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" + (f" (cell {self.cell})" if self.cell is not None else "")


@dataclass(frozen=True)
class Value:
    """A string found in code: a literal, or a reference resolved after the walk.

    kind: literal | pattern (f-string or join with unknown parts; `text` has `*` for them) |
    arg (command-line option `ref` of script `scope`, `text` its default) | env (variable `ref`,
    `text` its default) | config (key path `ref` in config file `scope`) | import (name `ref` of
    module `scope`).
    """

    text: str | None
    kind: str = "literal"
    loc: Loc | None = None
    ref: str = ""
    scope: str = ""
    how: str = "literal"

    @property
    def known(self) -> bool:
        return self.text is not None and self.kind in ("literal", "pattern")


@dataclass
class Call:
    """A call to a provider API (or a client object that will make them)."""

    loc: Loc
    sdk: str                     # openai, anthropic, google-genai, litellm, langchain, ...
    api: str                     # chat | completion | responses | batch | batch-file | fine-tuning | embeddings | generate | client
    provider: str | None         # set when the SDK alone decides it
    model: Value | None = None
    base_url: Value | None = None
    function: str = ""           # enclosing function (dotted for methods)
    decorators: tuple[str, ...] = ()
    prompts: tuple[str, ...] = ()  # string literals near the call, for purpose cues
    result: str = ""             # name the result is assigned to
    taint: str = ""              # taint label of this call's output
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class DataIO:
    """A read or write of a data file or Hub dataset."""

    loc: Loc
    mode: str                    # read | write
    target: Value                # a path, glob pattern or Hub id
    hub: bool = False            # a Hugging Face Hub id rather than a path
    function: str = ""
    tainted_by: tuple[str, ...] = ()  # taint labels of provider output in what is written
    carries: tuple[str, ...] = ()     # taint labels a read hands on (set when linked)


@dataclass
class Training:
    """A training or fine-tuning step."""

    loc: Loc
    framework: str               # transformers | trl | peft | sklearn | axolotl | llama-factory | torchtune | openai-ft | ...
    base_model: Value | None = None
    datasets: list[Value] = field(default_factory=list)   # paths or Hub ids read for training
    output: Value | None = None  # output_dir / hub id / file the model is saved to
    pushed: Value | None = None  # Hub id it is pushed to
    private: bool = False
    function: str = ""
    tainted_inputs: tuple[str, ...] = ()  # provider output reaching it in memory (same file)
    loads: list[Value] = field(default_factory=list)  # every from_pretrained in the file


@dataclass(frozen=True)
class Claim:
    """A statement in prose or a card: `subject` was generated with / trained on / based on `object`."""

    loc: Loc
    relation: str                # generated-with | trained-on | base-model | released-as | license | distilled-from
    obj: str
    confidence: float
    source: str                  # prose | card | license-file | dependency


@dataclass(frozen=True)
class ShellRun:
    """`python script.py --opt value ...` (or torchrun / accelerate / deepspeed) in a shell script."""

    loc: Loc
    script: str
    args: tuple[tuple[str, str], ...]
    tool: str = "python"


@dataclass
class FileScan:
    """Everything one file contributed."""

    path: str
    kind: str
    calls: list[Call] = field(default_factory=list)
    io: list[DataIO] = field(default_factory=list)
    trainings: list[Training] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    runs: list[ShellRun] = field(default_factory=list)
    constants: dict[str, Value] = field(default_factory=dict)   # module-level names other files may import
    arg_defaults: dict[str, Value] = field(default_factory=dict)  # argparse / HfArgumentParser options
    names: tuple[str, ...] = ()  # function and script names, for purpose cues
    notes: list[str] = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.calls or self.io or self.trainings or self.claims or self.runs)
