"""What string a Python expression holds, as far as a reader can tell without running it.

Literals, module constants, function-local names assigned once, default arguments, argparse and
HfArgumentParser options (their defaults, and a reference a shell script may override),
`os.environ.get/getenv` defaults, keys of YAML/JSON/TOML configs the code loads, f-strings and
path joins. Anything unresolved comes back as None or as a pattern with `*` for unknown parts.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from compliance.sources.discover.model import Loc, Value

ENV_GETTERS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault"})
JOINERS = frozenset({"os.path.join", "pathlib.Path", "pathlib.PurePath", "posixpath.join", "Path"})
CONFIG_LOADERS = frozenset({"yaml.safe_load", "yaml.load", "yaml.full_load", "json.load", "json.loads",
                            "tomllib.load", "tomli.load", "toml.load", "omegaconf.OmegaConf.load"})
MAX_DEPTH = 12


class Scopes:
    """Assignments by scope: `scope -> name -> [value nodes]`, plus defaults, imports and options."""

    def __init__(self, path: str, qualify: Callable[[ast.AST], str], locate: Callable[[ast.AST], Loc]) -> None:
        self.path = path
        self.qualify = qualify
        self.locate = locate
        self.assigned: dict[str, dict[str, list[ast.AST]]] = {}
        self.defaults: dict[str, dict[str, ast.AST]] = {}
        self.params: dict[str, set[str]] = {}
        self.imported: dict[str, tuple[str, str]] = {}  # local name -> (module, name) for `from m import n`
        self.options: dict[str, Value] = {}              # argparse dest / dataclass field -> default
        self.parsed_args: set[str] = set()               # names bound to parse_args() results
        self.config_files: dict[str, ast.AST] = {}      # handle / variable name -> path expression

    def assign(self, scope: str, name: str, value: ast.AST) -> None:
        self.assigned.setdefault(scope, {}).setdefault(name, []).append(value)

    def lookup(self, scope: str, name: str) -> list[ast.AST]:
        found = self.assigned.get(scope, {}).get(name)
        if found is None and scope:
            found = self.assigned.get("", {}).get(name)
        return found or []

    # ----------------------------------------------------------------- argparse and dataclasses

    def add_option(self, call: ast.Call, scope: str) -> None:
        """`parser.add_argument("--model", default=..., dest=...)`."""
        flags = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        longs = [f for f in flags if f.startswith("--")] or [f for f in flags if not f.startswith("-")]
        dest = next((k.value.value for k in call.keywords if k.arg == "dest" and isinstance(k.value, ast.Constant)), None)
        name = dest or (longs[0].lstrip("-").replace("-", "_") if longs else None)
        if not name:
            return
        default = next((k.value for k in call.keywords if k.arg == "default"), None)
        value = self.value(default, scope) if default is not None else None
        self.options[str(name)] = Value(value.text if value else None, "arg", self.locate(call), str(name), self.path,
                                        "command-line option")

    def add_dataclass_fields(self, node: ast.ClassDef) -> None:
        """Fields of a dataclass HfArgumentParser turns into options (`model_name_or_path: str = field(default=...)`)."""
        for stmt in node.body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None):
                continue
            default: ast.AST | None = stmt.value
            if isinstance(stmt.value, ast.Call) and self.qualify(stmt.value.func).endswith("field"):
                default = next((k.value for k in stmt.value.keywords if k.arg == "default"), None)
            value = self.value(default, "") if default is not None else None
            if value is not None and value.text is not None:
                self.options.setdefault(stmt.target.id, Value(value.text, "arg", self.locate(stmt), stmt.target.id,
                                                              self.path, "option default"))

    # ----------------------------------------------------------------- evaluation

    def value(self, node: ast.AST | None, scope: str, depth: int = 0) -> Value | None:
        """The string `node` holds, or None."""
        if node is None or depth > MAX_DEPTH:
            return None
        loc = self.locate(node)
        if isinstance(node, ast.Constant):
            return Value(node.value, "literal", loc) if isinstance(node.value, str) else None
        if isinstance(node, ast.Name):
            return self._name(node, scope, depth)
        if isinstance(node, ast.Attribute):
            return self._attribute(node, scope, depth)
        if isinstance(node, ast.JoinedStr):
            parts = []
            for part in node.values:
                inner = self.value(part.value, scope, depth + 1) if isinstance(part, ast.FormattedValue) else \
                    self.value(part, scope, depth + 1)
                parts.append(inner.text if inner is not None and inner.known and inner.text is not None else "*")
            text = "".join(parts)
            return Value(text, "pattern" if "*" in text else "literal", loc, how="f-string")
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div, ast.Mod)):
            return self._binop(node, scope, depth)
        if isinstance(node, ast.Subscript):
            return self._subscript(node, scope, depth)
        if isinstance(node, ast.Call):
            return self._call(node, scope, depth)
        if isinstance(node, ast.IfExp):
            return self.value(node.body, scope, depth + 1) or self.value(node.orelse, scope, depth + 1)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            values = [self.value(v, scope, depth + 1) for v in node.values]
            known = [v for v in values if v is not None and v.text is not None]
            return known[-1] if known else None
        return None

    def _name(self, node: ast.Name, scope: str, depth: int) -> Value | None:
        if node.id in self.defaults.get(scope, {}):
            found = self.value(self.defaults[scope][node.id], scope, depth + 1)
            return _how(found, "default argument")
        if node.id in self.params.get(scope, set()) and not self.lookup(scope, node.id):
            return None
        candidates = self.lookup(scope, node.id)
        if len(candidates) == 1 or (candidates and scope == ""):
            return self.value(candidates[-1], scope if node.id in self.assigned.get(scope, {}) else "", depth + 1)
        if node.id in self.imported:
            module, name = self.imported[node.id]
            return Value(None, "import", self.locate(node), name, module, "imported constant")
        return None

    def _attribute(self, node: ast.Attribute, scope: str, depth: int) -> Value | None:
        base = node.value
        if isinstance(base, ast.Name) and (base.id in self.parsed_args or node.attr in self.options):
            option = self.options.get(node.attr)
            loc = option.loc if option else self.locate(node)
            return Value(option.text if option else None, "arg", loc, node.attr, self.path, "command-line option")
        config = self._config_of(base, scope, depth)
        if config is not None:
            return Value(None, "config", self.locate(node), _join_key(config.ref, node.attr), config.scope, "config value")
        return None

    def _binop(self, node: ast.BinOp, scope: str, depth: int) -> Value | None:
        left = self.value(node.left, scope, depth + 1)
        right = self.value(node.right, scope, depth + 1)
        if isinstance(node.op, ast.Mod):
            return Value(left.text.replace("%s", "*").replace("%d", "*"), "pattern", left.loc, how="%-format") \
                if left is not None and left.text else None
        if left is None and right is None:
            return None
        sep = "/" if isinstance(node.op, ast.Div) else ""
        lt = left.text if left is not None and left.known and left.text is not None else "*"
        rt = right.text if right is not None and right.known and right.text is not None else "*"
        text = f"{lt}{sep}{rt}" if sep else lt + rt
        return Value(text, "pattern" if "*" in text else "literal", self.locate(node), how="joined")

    def _subscript(self, node: ast.Subscript, scope: str, depth: int) -> Value | None:
        key = node.slice.value if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str) else None
        if key is None:
            return None
        if self.qualify(node.value) == "os.environ":
            return Value(None, "env", self.locate(node), key, how="environment variable")
        config = self._config_of(node.value, scope, depth)
        if config is not None:
            return Value(None, "config", self.locate(node), _join_key(config.ref, key), config.scope, "config value")
        mapping = self._dict_of(node.value, scope)
        if mapping is not None:
            for k, v in zip(mapping.keys, mapping.values):
                if isinstance(k, ast.Constant) and k.value == key:
                    return self.value(v, scope, depth + 1)
        return None

    def _call(self, node: ast.Call, scope: str, depth: int) -> Value | None:
        name = self.qualify(node.func)
        args = node.args
        if name in ENV_GETTERS and args and isinstance(args[0], ast.Constant):
            default = self.value(args[1], scope, depth + 1) if len(args) > 1 else None
            return Value(default.text if default else None, "env", self.locate(node), str(args[0].value),
                         how="environment variable default")
        if name in JOINERS or name.endswith((".joinpath", "os.path.join")):
            parts = [self.value(a, scope, depth + 1) for a in args]
            if isinstance(node.func, ast.Attribute) and name.endswith(".joinpath"):
                parts.insert(0, self.value(node.func.value, scope, depth + 1))
            texts = [p.text if p is not None and p.known and p.text is not None else "*" for p in parts]
            if not texts or all(t == "*" for t in texts):
                return None
            text = "/".join(t.rstrip("/") for t in texts)
            return Value(text, "pattern" if "*" in text else "literal", self.locate(node), how="path join")
        if isinstance(node.func, ast.Attribute) and node.func.attr == "get" and args \
                and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
            config = self._config_of(node.func.value, scope, depth)
            default = self.value(args[1], scope, depth + 1) if len(args) > 1 else None
            if config is not None:
                return Value(default.text if default else None, "config", self.locate(node),
                             _join_key(config.ref, args[0].value), config.scope, "config value")
            if self.qualify(node.func.value) == "os.environ":
                return Value(default.text if default else None, "env", self.locate(node), args[0].value,
                             how="environment variable default")
            mapping = self._dict_of(node.func.value, scope)
            if mapping is not None:
                for k, v in zip(mapping.keys, mapping.values):
                    if isinstance(k, ast.Constant) and k.value == args[0].value:
                        return self.value(v, scope, depth + 1)
            return default
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            base = self.value(node.func.value, scope, depth + 1)
            if base is not None and base.text:
                import re
                text = re.sub(r"\{[^{}]*\}", "*", base.text)
                return Value(text, "pattern" if "*" in text else "literal", base.loc, how="str.format")
        if name.endswith(("str", "expanduser", "resolve", "strip", "lower")) and len(args) <= 1:
            inner = args[0] if args else (node.func.value if isinstance(node.func, ast.Attribute) else None)
            return self.value(inner, scope, depth + 1)
        return None

    # ----------------------------------------------------------------- configs and dict literals

    def _config_of(self, node: ast.AST, scope: str, depth: int) -> Value | None:
        """When `node` holds a loaded config file (or a sub-mapping of one): its path and key prefix."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(node, ast.Name):
            for candidate in self.lookup(scope, node.id):
                found = self._config_of(candidate, scope, depth + 1)
                if found is not None:
                    return found
            return None
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            inner = self._config_of(node.value, scope, depth + 1)
            return Value(None, "config", inner.loc, _join_key(inner.ref, str(node.slice.value)), inner.scope) if inner else None
        if isinstance(node, ast.Attribute):
            inner = self._config_of(node.value, scope, depth + 1)
            return Value(None, "config", inner.loc, _join_key(inner.ref, node.attr), inner.scope) if inner else None
        if isinstance(node, ast.Call) and self.qualify(node.func) in CONFIG_LOADERS and node.args:
            source = node.args[0]
            path = self._opened_path(source, scope, depth)
            if path is not None and path.known and path.text:
                return Value(None, "config", self.locate(node), "", path.text)
        return None

    def _opened_path(self, node: ast.AST, scope: str, depth: int) -> Value | None:
        if isinstance(node, ast.Call) and self.qualify(node.func) in ("open", "io.open") and node.args:
            return self.value(node.args[0], scope, depth + 1)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("read_text", "open"):
            return self.value(node.func.value, scope, depth + 1)
        if isinstance(node, ast.Name) and node.id in self.config_files:
            return self._opened_path(self.config_files[node.id], scope, depth + 1)
        if isinstance(node, ast.Name):
            for candidate in self.lookup(scope, node.id):
                found = self._opened_path(candidate, scope, depth + 1)
                if found is not None:
                    return found
        return self.value(node, scope, depth + 1) if isinstance(node, ast.Constant) else None

    def _dict_of(self, node: ast.AST, scope: str) -> ast.Dict | None:
        if isinstance(node, ast.Dict):
            return node
        if isinstance(node, ast.Name):
            candidates = self.lookup(scope, node.id)
            if len(candidates) == 1 and isinstance(candidates[0], ast.Dict):
                return candidates[0]
        return None


def _join_key(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _how(value: Value | None, how: str) -> Value | None:
    if value is None:
        return None
    return Value(value.text, value.kind, value.loc, value.ref, value.scope, how if value.kind == "literal" else value.how)
