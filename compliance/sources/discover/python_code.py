"""Python files by AST: provider calls, data reads and writes, training steps, and the taint between.

One parse per file. `index` records imports, assignments, defaults and options; `classify`
turns calls into `Call`, `DataIO` and `Training`; `pyflow.Taint` follows provider output through
names to what is written or trained on in the same file.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from compliance.sources.discover import sdk
from compliance.sources.discover.model import Call, FileScan, Loc, Value
from compliance.sources.discover.pyflow import FlowScan
from compliance.sources.discover.pytrain import TrainScan
from compliance.sources.discover.pyvalues import Scopes

Cells = Callable[[int], tuple[int | None, int]]  # file line -> (cell, line in cell)


class PythonScan(FlowScan, TrainScan):
    """Analyses one module (or one notebook's code cells joined)."""

    def __init__(self, path: str, text: str, cells: Cells | None = None, kind: str = "python") -> None:
        self.path = path
        self.lines = text.splitlines()
        self.cells = cells
        self.out = FileScan(path, kind)
        self.aliases: dict[str, str] = {}
        self.scope_of: dict[int, str] = {}
        self.decorators: dict[str, tuple[str, ...]] = {}
        self.scopes = Scopes(path, self.qualify, self.locate)
        self.clients: dict[str, tuple[str, str | None, Value | None]] = {}   # name -> (sdk, provider, base_url)
        self.model_objects: dict[str, Call] = {}
        self.provider_nodes: dict[int, Call] = {}
        self.assigned_to: dict[int, str] = {}
        self.function_nodes: dict[str, ast.AST] = {}
        super().__init__()

    # ----------------------------------------------------------------- helpers

    def locate(self, node: ast.AST) -> Loc:
        line = getattr(node, "lineno", 1) or 1
        text = self.lines[line - 1].strip()[:200] if 0 < line <= len(self.lines) else ""
        if self.cells is not None:
            cell, in_cell = self.cells(line)
            return Loc(self.path, in_cell, text, cell)
        return Loc(self.path, line, text)

    def qualify(self, node: ast.AST) -> str:
        """Dotted name of an expression with the first part resolved through the imports."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Call):
            return ""
        if not isinstance(node, ast.Name):
            return ""
        head = self.aliases.get(node.id, node.id)
        return ".".join([head, *reversed(parts)])

    def scope(self, node: ast.AST) -> str:
        return self.scope_of.get(id(node), "")

    # ----------------------------------------------------------------- pass 1: index

    def index(self, tree: ast.Module) -> None:
        self._index(tree, "", [])

    def _index(self, node: ast.AST, scope: str, stack: list[str]) -> None:
        for child in ast.iter_child_nodes(node):
            self.scope_of[id(child)] = scope
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qual = ".".join([*stack, child.name])
                self.function_nodes[qual] = child
                self.decorators[qual] = tuple(self.qualify(d.func if isinstance(d, ast.Call) else d) for d in child.decorator_list)
                args = child.args
                positional = [*args.posonlyargs, *args.args]
                self.scopes.params[qual] = {a.arg for a in [*positional, *args.kwonlyargs]}
                for arg in [*positional, *args.kwonlyargs]:
                    kind = self.qualify(arg.annotation) if arg.annotation is not None else ""
                    if kind in sdk.CLIENTS:
                        self.clients.setdefault(arg.arg, (*sdk.CLIENTS[kind], None))
                for arg, default in zip(positional[len(positional) - len(args.defaults):], args.defaults):
                    self.scopes.defaults.setdefault(qual, {})[arg.arg] = default
                for arg, kwdefault in zip(args.kwonlyargs, args.kw_defaults):
                    if kwdefault is not None:
                        self.scopes.defaults.setdefault(qual, {})[arg.arg] = kwdefault
                for deco in child.decorator_list:
                    self.scope_of[id(deco)] = scope
                    self._index(deco, scope, stack)
                self._index(child, qual, [*stack, child.name])
                continue
            if isinstance(child, ast.ClassDef):
                if any(self.qualify(d.func if isinstance(d, ast.Call) else d).endswith("dataclass") for d in child.decorator_list):
                    self.scopes.add_dataclass_fields(child)
                self._index(child, scope, [*stack, child.name])
                continue
            self._record(child, scope)
            self._index(child, scope, stack)

    def _record(self, node: ast.AST, scope: str) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.aliases[(alias.asname or alias.name).split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            module = ("." * node.level) + (node.module or "")
            for alias in node.names:
                local = alias.asname or alias.name
                self.aliases[local] = f"{module}.{alias.name}" if module else alias.name
                self.scopes.imported[local] = (module, alias.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                self._bind(target, node.value, scope)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            self._bind(node.target, node.value, scope)
        elif isinstance(node, ast.NamedExpr):
            self._bind(node.target, node.value, scope)
        elif isinstance(node, ast.With) or isinstance(node, ast.AsyncWith):
            for item in node.items:
                if item.optional_vars is not None:
                    self._bind(item.optional_vars, item.context_expr, scope)
                    if isinstance(item.optional_vars, ast.Name):
                        self.scopes.config_files[item.optional_vars.id] = item.context_expr
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
            self.scopes.add_option(node, scope)

    def _bind(self, target: ast.AST, value: ast.AST, scope: str) -> None:
        if isinstance(target, ast.Name):
            self.scopes.assign(scope, target.id, value)
            self.assigned_to[id(value)] = target.id
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in (
                    "parse_args", "parse_known_args", "parse_args_into_dataclasses", "parse_yaml_file", "parse_json_file"):
                self.scopes.parsed_args.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                if isinstance(element, ast.Name) and isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
                        and value.func.attr.startswith("parse_"):
                    self.scopes.parsed_args.add(element.id)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
            self.scopes.assign("", f"self.{target.attr}", value)
            self.assigned_to[id(value)] = f"self.{target.attr}"

    # ----------------------------------------------------------------- pass 2: provider calls

    def _receiver(self, func: ast.AST) -> tuple[str, str] | None:
        """(root name, method chain) for `root.a.b.c(...)`; root may be `self.x`."""
        parts: list[str] = []
        node = func
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
                parts.append(node.attr)
                return f"self.{parts.pop()}", ".".join(reversed(parts))
        if isinstance(node, ast.Name):
            return node.id, ".".join(reversed(parts))
        if isinstance(node, ast.Call):
            return f"<call:{id(node)}>", ".".join(reversed(parts))
        return None

    def _kw(self, call: ast.Call, *names: str, position: int | None = None) -> ast.AST | None:
        for keyword in call.keywords:
            if keyword.arg in names:
                return keyword.value
        if position is not None and len(call.args) > position:
            return call.args[position]
        return None

    def _client_of(self, root: str, scope: str, node: ast.AST) -> tuple[str, str | None, Value | None] | None:
        if root in self.clients:
            return self.clients[root]
        if root.startswith("<call:") and isinstance(node, ast.Attribute):
            inner = node
            while isinstance(inner, ast.Attribute):
                inner = inner.value
            if isinstance(inner, ast.Call) and self.qualify(inner.func) in sdk.CLIENTS:
                sdk_name, provider = sdk.CLIENTS[self.qualify(inner.func)]
                return sdk_name, provider, self._base_url(inner, scope)
        head = self.aliases.get(root, root)
        for module, sdk_name, provider in (("openai", "openai", "openai"), ("anthropic", "anthropic", "anthropic")):
            if head == module:
                return sdk_name, provider, None
        return None

    def _base_url(self, call: ast.Call, scope: str) -> Value | None:
        node = self._kw(call, "base_url", "api_base", "azure_endpoint", "endpoint", "openai_api_base", "server_url",
                        "api_endpoint")
        return self.scopes.value(node, scope) if node is not None else None

    def classify_calls(self, tree: ast.Module) -> None:
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        for node in calls:  # clients and model objects first: their names are used by later calls
            name = self.qualify(node.func)
            scope = self.scope(node)
            target = self._assigned_name(node)
            if name in sdk.CLIENTS and target:
                sdk_name, provider = sdk.CLIENTS[name]
                self.clients[target] = (sdk_name, provider, self._base_url(node, scope))
            elif name in sdk.MODEL_OBJECTS:
                sdk_name, provider, kw = sdk.MODEL_OBJECTS[name]
                model = self._arg_value(self._kw(node, kw, "model", "model_name", position=0), scope)
                call = self._add_call(node, sdk_name, "generate", provider, model, self._base_url(node, scope), scope)
                if target:
                    self.model_objects[target] = call
        for node in calls:
            name = self.qualify(node.func)
            scope = self.scope(node)
            if name in sdk.FUNCTIONS:
                sdk_name, provider, api = sdk.FUNCTIONS[name]
                model = self._arg_value(self._kw(node, "model", "engine", position=0 if sdk_name == "litellm" else None), scope)
                self._add_call(node, sdk_name, api, provider, model, self._base_url(node, scope), scope)
                continue
            receiver = self._receiver(node.func)
            if receiver is None or not receiver[1]:
                continue
            root, chain = receiver
            if root in self.model_objects and chain.split(".")[-1] in sdk.MODEL_OBJECT_METHODS:
                self.provider_nodes[id(node)] = self.model_objects[root]
                continue
            api = next((a for suffix, a in sdk.CLIENT_METHODS.items() if chain == suffix or chain.endswith("." + suffix)), None)
            if api is None:
                continue
            client = self._client_of(root, scope, node.func)
            if client is None:
                continue
            sdk_name, provider, base_url = client
            model = self._arg_value(self._kw(node, "model", "engine"), scope) or self._model_in_dicts(node, scope)
            if api == "file":
                purpose = self.scopes.value(self._kw(node, "purpose"), scope)
                if purpose is None or purpose.text not in ("batch", "fine-tune"):
                    continue
                api = "batch-file" if purpose.text == "batch" else "fine-tuning-file"
            self._add_call(node, sdk_name, api, provider, model, base_url, scope)
        for name, (sdk_name, provider, base_url) in self.clients.items():
            if not any(c.extra.get("client") == name for c in self.out.calls):
                self.out.notes.append(f"{sdk_name} client `{name}` created; no call through it found in this file")

    def _arg_value(self, node: ast.AST | None, scope: str) -> Value | None:
        """A value here, or, for a parameter without a default, what the function's callers pass."""
        found = self.scopes.value(node, scope)
        if found is None and node is not None:
            found = next(iter(self.paths(node, scope)), None)
        return found

    def _assigned_name(self, node: ast.Call) -> str:
        return self.assigned_to.get(id(node), "")

    def _model_in_dicts(self, node: ast.Call, scope: str) -> Value | None:
        """`model` keys in dict literals of the call, the function around it, or the module (batch bodies)."""
        for source in (node, *self._function_nodes(scope), self.tree):
            for inner in ast.walk(source):
                if isinstance(inner, ast.Dict):
                    for key, value in zip(inner.keys, inner.values):
                        if isinstance(key, ast.Constant) and key.value == "model":
                            found = self.scopes.value(value, scope)
                            if found is not None and found.text:
                                return found
        return None

    def _function_nodes(self, scope: str) -> list[ast.AST]:
        return [v for values in self.scopes.assigned.get(scope, {}).values() for v in values] if scope else []

    def _add_call(self, node: ast.Call, sdk_name: str, api: str, provider: str | None, model: Value | None,
                  base_url: Value | None, scope: str) -> Call:
        receiver = self._receiver(node.func)
        call = Call(self.locate(node), sdk_name, api, provider, model, base_url, scope, self.decorators.get(scope, ()),
                    self._prompts(node, scope), extra={"client": receiver[0] if receiver else ""})
        call.taint = f"{self.path}:{call.loc.line}"
        self.provider_nodes[id(node)] = call
        self.out.calls.append(call)
        return call

    def _prompts(self, node: ast.Call, scope: str) -> tuple[str, ...]:
        """Strings that may be the prompt: in the call, in its function, and at the function's call sites."""
        sources: list[tuple[ast.AST, str]] = [(node, scope)]
        if scope in self.function_nodes:
            sources.append((self.function_nodes[scope], scope))
            short = scope.rsplit(".", 1)[-1]
            sources += [(c, self.scope(c)) for c in ast.walk(self.tree)
                        if isinstance(c, ast.Call) and isinstance(c.func, (ast.Name, ast.Attribute))
                        and (getattr(c.func, "id", None) == short or getattr(c.func, "attr", None) == short)]
        texts: list[str] = []
        for source, where in sources:
            for inner in ast.walk(source):
                if not isinstance(inner, (ast.Constant, ast.Name, ast.JoinedStr)):
                    continue
                value = self.scopes.value(inner, where)
                if value is not None and value.text and len(value.text) > 15 and value.text[:600] not in texts:
                    texts.append(value.text[:600])
                if len(texts) >= 8:
                    return tuple(texts)
        return tuple(texts)

    # ----------------------------------------------------------------- entry point

    def run(self, tree: ast.Module) -> FileScan:
        self.tree = tree
        self.index(tree)
        self.classify_calls(tree)
        self.follow(tree)
        self.out.constants = {name: v for name, values in self.scopes.assigned.get("", {}).items()
                              if len(values) == 1 and (v := self.scopes.value(values[0], "")) is not None and v.text}
        self.out.arg_defaults = dict(self.scopes.options)
        self.out.names = tuple(sorted({c.function for c in self.out.calls if c.function}))
        return self.out


def scan_python(path: str, text: str, cells: Cells | None = None, kind: str = "python") -> FileScan | None:
    """The findings of one Python source (None when it does not parse)."""
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError):
        return None
    return PythonScan(path, text, cells, kind).run(tree)
