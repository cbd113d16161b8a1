"""JavaScript and TypeScript SDK calls, by pattern (no JS parser is shipped).

Finds imports of `openai` and `@anthropic-ai/sdk`, client construction (with `baseURL`), and
`.chat.completions.create({ model: ... })` / `.responses.create` / `.messages.create` calls, with
the model taken from the object literal that follows, or from a `const X = "..."` in the file.
"""

from __future__ import annotations

import re

from compliance.sources.discover.model import Call, FileScan, Loc, Value

IMPORTS = {
    "openai": re.compile(r"""(?:from\s+|require\(\s*)["']openai["']"""),
    "anthropic": re.compile(r"""(?:from\s+|require\(\s*)["']@anthropic-ai/sdk["']"""),
}
CLIENT = re.compile(r"new\s+(OpenAI|AzureOpenAI|Anthropic)\s*\(")
BASE_URL = re.compile(r"""baseURL\s*:\s*(?:["'`]([^"'`]+)["'`]|process\.env\.(\w+)(?:\s*(?:\|\||\?\?)\s*["'`]([^"'`]+)["'`])?)""")
CALLS = re.compile(r"\.(chat\.completions\.create|responses\.create|messages\.create|batches\.create|"
                   r"fine_tuning\.jobs\.create|embeddings\.create|messages\.batches\.create)\s*\(")
MODEL = re.compile(r"""\bmodel\s*:\s*(?:["'`]([^"'`]+)["'`]|([A-Za-z_$][\w$]*))""")
CONST = re.compile(r"""\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:process\.env\.\w+\s*(?:\|\||\?\?)\s*)?["'`]([^"'`]+)["'`]""")
API = {"chat.completions.create": "chat", "responses.create": "responses", "messages.create": "chat",
       "batches.create": "batch", "messages.batches.create": "batch", "fine_tuning.jobs.create": "fine-tuning",
       "embeddings.create": "embeddings"}
WINDOW = 600


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def scan_js(path: str, text: str) -> FileScan | None:
    sdks = [name for name, pattern in IMPORTS.items() if pattern.search(text)]
    if not sdks:
        return None
    lines = text.splitlines()
    scan = FileScan(path, "javascript")
    constants = {m.group(1): (m.group(2), _line_of(text, m.start())) for m in CONST.finditer(text)}

    def loc(offset: int) -> Loc:
        line = _line_of(text, offset)
        return Loc(path, line, lines[line - 1].strip() if line <= len(lines) else "")

    base_url = None
    for match in CLIENT.finditer(text):
        found = BASE_URL.search(text, match.end(), match.end() + WINDOW)
        if found:
            literal = found.group(1) or found.group(3)
            base_url = Value(literal, "literal" if found.group(1) else "env", loc(found.start()), found.group(2) or "",
                             how="baseURL")
    for match in CALLS.finditer(text):
        chain = match.group(1)
        provider = "anthropic" if chain.startswith("messages") else ("openai" if "openai" in sdks else "anthropic")
        model = None
        found = MODEL.search(text, match.end(), match.end() + WINDOW)
        if found and found.group(1):
            model = Value(found.group(1), "literal", loc(found.start()))
        elif found and found.group(2) in constants:
            literal, line = constants[found.group(2)]
            model = Value(literal, "literal", Loc(path, line, lines[line - 1].strip()), how="constant")
        function = _enclosing(text, match.start())
        call = Call(loc(match.start()), f"{provider}-js", API[chain], provider, model, base_url, function)
        call.taint = f"{path}:{call.loc.line}"
        scan.calls.append(call)
    scan.names = tuple(sorted({c.function for c in scan.calls if c.function}))
    return scan


FUNCTION = re.compile(r"(?:function\s+([A-Za-z_$][\w$]*)|(?:const|let)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?\(|"
                      r"\b(GET|POST|PUT|handler)\s*\()")


def _enclosing(text: str, offset: int) -> str:
    """Name of the nearest function declared before the call (good enough for purpose cues)."""
    last = ""
    for match in FUNCTION.finditer(text, 0, offset):
        last = next(g for g in match.groups() if g)
    return last
