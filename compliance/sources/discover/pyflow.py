"""Inside one Python file: where provider output goes, what is read and written, what is trained.

Taint is name-based and flow-insensitive: a name holds provider output when it is assigned from a
provider call, from something holding it, from a function returning it, or when something holding
it is appended, stored or passed into it. That is enough to say "the outputs of the call at
gen.py:42 are what json.dump writes at gen.py:57" without running the code.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from compliance.sources.discover import sdk
from compliance.sources.discover.model import Call, DataIO, Value

if TYPE_CHECKING:
    from compliance.sources.discover.python_code import PythonScan

MUTATORS = frozenset({"append", "extend", "update", "add", "insert", "setdefault", "appendleft", "put", "write",
                      "writerow", "writerows", "concat", "assign"})
DUMP_WORDS = ("dump", "save", "write", "export", "store", "upload")
LOAD_WORDS = ("load", "read")
FORMAT_LOADERS = frozenset({"json", "csv", "parquet", "text", "arrow", "pandas", "jsonl"})
CONFIG_HINTS = ("config", "settings", "ds_", "deepspeed", "zero", "accelerate")


def is_data_path(text: str | None) -> bool:
    return bool(text) and str(text).lower().endswith(sdk.DATA_EXTENSIONS)


def is_hub_id(text: str | None) -> bool:
    if not text or text.startswith((".", "/", "~")) or text.count("/") != 1 or " " in text:
        return False
    return not is_data_path(text) and "*" not in text


class FlowScan:
    """Mixin for PythonScan: taint, data I/O and training steps."""

    def __init__(self) -> None:
        self.tainted: dict[tuple[str, str], set[str]] = {}
        self.returns: dict[str, set[str]] = {}
        self.training_names: set[str] = set()
        self.read_nodes: dict[int, str] = {}
        self.pending: list[tuple[DataIO, list[ast.AST], str]] = []

    # ----------------------------------------------------------------- taint

    def taint_of(self: "PythonScan", node: ast.AST | None, scope: str) -> set[str]:
        labels: set[str] = set()
        if node is None:
            return labels
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call):
                call = self.provider_nodes.get(id(inner))
                if call is not None:
                    labels.add(call.taint)
                read = self.read_nodes.get(id(inner))
                if read is not None:
                    labels.add(read)
                fname = inner.func.attr if isinstance(inner.func, ast.Attribute) else \
                    inner.func.id if isinstance(inner.func, ast.Name) else ""
                labels |= self.returns.get(fname, set())
            elif isinstance(inner, ast.Name):
                labels |= self.tainted.get((scope, inner.id), set()) | self.tainted.get(("", inner.id), set())
                labels |= self.returns.get(inner.id, set())  # a function passed as a callback (`df.apply(label)`)
        return labels

    def _edges(self: "PythonScan", tree: ast.Module) -> list[tuple[str, str, ast.AST]]:
        edges: list[tuple[str, str, ast.AST]] = []
        functions: dict[str, list[str]] = {}
        for node in ast.walk(tree):
            scope = self.scope(node)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions[node.name] = [a.arg for a in [*node.args.posonlyargs, *node.args.args]]
            targets: list[ast.AST] = []
            value: ast.AST | None = None
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
                targets, value = [node.target], node.value
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                targets, value = [node.target], node.iter
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                targets, value = [node.optional_vars], node.context_expr
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
                targets, value = [node.func.value], ast.Tuple(elts=[*node.args, *[k.value for k in node.keywords]])
            for target in targets:
                for name in _names(target):
                    edges.append((scope, name, value))  # type: ignore[arg-type]
        for node in ast.walk(tree):  # arguments flow into the parameters of functions of this file
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions:
                params = functions[node.func.id]
                for position, arg in enumerate(node.args[:len(params)]):
                    edges.append((self._qual(node.func.id), params[position], arg))
                for keyword in node.keywords:
                    if keyword.arg in params:
                        edges.append((self._qual(node.func.id), keyword.arg, keyword.value))
        return edges

    def _qual(self: "PythonScan", name: str) -> str:
        return next((q for q in self.scopes.params if q == name or q.endswith("." + name)), name)

    def propagate(self: "PythonScan", tree: ast.Module) -> None:
        edges = self._edges(tree)
        returns = [(self.scope(n), n.value) for n in ast.walk(tree) if isinstance(n, ast.Return) and n.value is not None]
        yields = [(self.scope(n), n.value) for n in ast.walk(tree) if isinstance(n, (ast.Yield, ast.YieldFrom)) and n.value]
        for _ in range(8):
            changed = False
            for scope, name, value in edges:
                value_scope = self.scope(value) if id(value) in self.scope_of else scope
                labels = self.taint_of(value, value_scope)
                key = (scope, name)
                if labels - self.tainted.get(key, set()):
                    self.tainted.setdefault(key, set()).update(labels)
                    changed = True
            for scope, value in [*returns, *yields]:
                short = scope.rsplit(".", 1)[-1]
                labels = self.taint_of(value, scope)
                if short and labels - self.returns.get(short, set()):
                    self.returns.setdefault(short, set()).update(labels)
                    changed = True
            if not changed:
                break

    # ----------------------------------------------------------------- data reads and writes

    def paths(self: "PythonScan", node: ast.AST | None, scope: str) -> list[Value]:
        """Values a path argument can take: resolved here, or at each call site of its function."""
        if node is None:
            return []
        if isinstance(node, (ast.List, ast.Tuple)):
            return [v for element in node.elts for v in self.paths(element, scope)]
        if isinstance(node, ast.Dict):
            return [v for element in node.values for v in self.paths(element, scope)]
        value = self.scopes.value(node, scope)
        if value is not None and (value.text is not None or value.kind not in ("literal", "pattern")):
            return [value]
        if isinstance(node, ast.Name) and node.id in self.scopes.params.get(scope, set()):
            short = scope.rsplit(".", 1)[-1]
            found: list[Value] = []
            for call in ast.walk(self.tree):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == short:
                    for keyword in call.keywords:
                        if keyword.arg == node.id:
                            found += [v for v in [self.scopes.value(keyword.value, self.scope(call))] if v]
                    index = self._param_index(scope, node.id)
                    if index is not None and index < len(call.args):
                        found += [v for v in [self.scopes.value(call.args[index], self.scope(call))] if v]
            return found
        return []

    def _param_index(self: "PythonScan", scope: str, name: str) -> int | None:
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (scope == node.name or scope.endswith("." + node.name)):
                names = [a.arg for a in [*node.args.posonlyargs, *node.args.args]]
                return names.index(name) if name in names else None
        return None

    def _io(self: "PythonScan", node: ast.Call, mode: str, target: ast.AST | None, scope: str,
            data: list[ast.AST] | None = None, hub: bool = False) -> None:
        """Record a read or write; a write's taint is filled in once taint has propagated."""
        loc = self.locate(node)
        if mode == "read":
            self.read_nodes[id(node)] = f"read:{loc}"
        for value in self.paths(target, scope):
            io = DataIO(loc, mode, value, hub, scope)
            self.out.io.append(io)
            if mode == "write":
                self.pending.append((io, list(data or []), scope))

    def data_io(self: "PythonScan", tree: ast.Module) -> None:
        handles: dict[tuple[str, str], tuple[ast.Call, ast.AST]] = {}
        outer: dict[int, ast.Call] = {}  # `json.dump(rows, open(path, "w"))`: the call an open() is passed to
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for arg in [*node.args, *[k.value for k in node.keywords]]:
                    if isinstance(arg, ast.Call):
                        outer[id(arg)] = node
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            scope, name = self.scope(node), self.qualify(node.func)
            method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            opener = self._opened(node, name, method, scope)
            if opener is not None:
                target, mode = opener
                if any(c in mode for c in "wax"):
                    bound = self.assigned_to.get(id(node))
                    if bound:
                        handles[(scope, bound)] = (node, target)
                    else:
                        parent = outer.get(id(node))
                        data = [a for a in [*parent.args, *[k.value for k in parent.keywords]] if a is not node] if parent else []
                        self._io(node, "write", target, scope, data)
                elif not self._is_config(target, scope):
                    self._io(node, "read", target, scope)
            elif name in sdk.READERS:
                self._io(node, "read", self._kw(node, "path", "filepath_or_buffer", "path_or_paths", position=0), scope)
            elif name.endswith("load_dataset"):
                self._load_dataset(node, scope)
            elif method in sdk.WRITER_METHODS:
                self._io(node, "write", self._kw(node, "path_or_buf", "path", "dataset_path", position=0), scope,
                         [node.func.value])
            elif method in ("write_text", "write_bytes"):
                self._io(node, "write", node.func.value, scope, list(node.args))  # type: ignore[attr-defined]
            elif method == "read_text":
                self._io(node, "read", node.func.value, scope)  # type: ignore[attr-defined]
            elif method == "push_to_hub" and not self._is_model(node.func.value, scope):  # type: ignore[attr-defined]
                self._io(node, "write", self._kw(node, "repo_id", position=0), scope, [node.func.value], hub=True)  # type: ignore[attr-defined]
            else:
                self._helper_io(node, name, scope)
        for (scope, handle), (opened, target) in handles.items():
            aliases = {handle}
            for n, values in self.scopes.assigned.get(scope, {}).items():
                if any(isinstance(v, ast.Call) and any(isinstance(a, ast.Name) and a.id == handle for a in v.args) for v in values):
                    aliases.add(n)
            data: list[ast.AST] = []
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and self.scope(node) == scope:
                    receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
                    if isinstance(receiver, ast.Name) and receiver.id in aliases:
                        data += list(node.args)
                    elif any(isinstance(a, ast.Name) and a.id in aliases for a in node.args):
                        data += [a for a in node.args if not (isinstance(a, ast.Name) and a.id in aliases)]
            self._io(opened, "write", target, scope, data)

    def _opened(self: "PythonScan", node: ast.Call, name: str, method: str, scope: str) -> tuple[ast.AST | None, str] | None:
        """(path expression, mode) of `open(path, mode)` and `Path(path).open(mode)`; None for other calls."""
        if name in ("open", "io.open", "gzip.open", "bz2.open", "lzma.open", "jsonlines.open", "codecs.open"):
            target, mode_node = self._kw(node, "file", "filename", position=0), self._kw(node, "mode", position=1)
        elif method == "open" and isinstance(node.func, ast.Attribute) and self.scopes.value(node.func.value, scope):
            target, mode_node = node.func.value, self._kw(node, "mode", position=0)
        else:
            return None
        mode = mode_node.value if isinstance(mode_node, ast.Constant) and isinstance(mode_node.value, str) else "r"
        return target, mode

    def _is_config(self: "PythonScan", target: ast.AST | None, scope: str) -> bool:
        value = self.scopes.value(target, scope)
        text = (value.text or "").lower() if value else ""
        return text.endswith((".yaml", ".yml", ".toml", ".cfg", ".ini")) or (
            text.endswith(".json") and any(h in text.rsplit("/", 1)[-1] for h in CONFIG_HINTS))

    def _load_dataset(self: "PythonScan", node: ast.Call, scope: str) -> None:
        first = self.scopes.value(node.args[0], scope) if node.args else self.scopes.value(self._kw(node, "path"), scope)
        files = self._kw(node, "data_files", "data_dir")
        if first is not None and first.text in FORMAT_LOADERS:
            self._io(node, "read", files, scope)
        elif first is not None and is_hub_id(first.text):
            self.out.io.append(DataIO(self.locate(node), "read", first, True, scope))
        elif node.args:
            self._io(node, "read", node.args[0], scope)

    def _helper_io(self: "PythonScan", node: ast.Call, name: str, scope: str) -> None:
        """`utils.jdump(data, "out.json")`, `save_jsonl(rows, path)`: a helper named for what it does."""
        short = name.rsplit(".", 1)[-1].lower() if name else ""
        if not short or not any(w in short for w in (*DUMP_WORDS, *LOAD_WORDS)):
            return
        args = [*node.args, *[k.value for k in node.keywords]]
        for arg in args:
            values = [v for v in self.paths(arg, scope) if is_data_path(v.text)]
            if not values:
                continue
            if any(w in short for w in DUMP_WORDS):
                self._io(node, "write", arg, scope, [a for a in args if a is not arg])
            elif not self._is_config(arg, scope):
                self._io(node, "read", arg, scope)
            return

    def follow(self: "PythonScan", tree: ast.Module) -> None:
        self.trainings_prepass(tree)
        self.data_io(tree)
        self.propagate(tree)
        for io, data, scope in self.pending:
            io.tainted_by = tuple(sorted(set().union(*[self.taint_of(d, scope) for d in data]))) if data else ()
        self.trainings(tree)


def _names(target: ast.AST) -> list[str]:
    """Names a target writes to: `x`, `a, b`, and the base name of `x[i]`, `x.attr`."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for element in target.elts for n in _names(element)]
    if isinstance(target, (ast.Subscript, ast.Attribute, ast.Starred)):
        return _names(target.value)
    return []


__all__ = ["FlowScan", "is_data_path", "is_hub_id", "Call"]
