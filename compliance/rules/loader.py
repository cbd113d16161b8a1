"""Loading rule packs: validate the YAML, compile conditions, and index rules by id."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from compliance.bundled import bundled_rules_dir
from compliance.errors import InputError
from compliance.facts import COLLECTIONS
from compliance.rules.conditions import Binding, Cond
from compliance.rules.parser import ConditionParser
from compliance.rules.schema import Document, Rule, RulePackModel
from compliance.signals.spec import SignalSpec
from compliance.yamlio import LineDict, load_yaml_file, validation_error

JUDGES = {"competes", "classifies"}
NOT_PACKS = {"catalog", "lexicon"}


@dataclass
class CompiledRule:
    """A rule with its conditions parsed, and where it was defined."""

    spec: Rule
    pack: "RulePack"
    bindings: list[Binding]
    require: Cond | None
    unless: Cond | None
    line: int

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass
class RulePack:
    document: Document
    path: str
    rules: list[CompiledRule] = field(default_factory=list)
    raw: Any = None
    signals: list[tuple[SignalSpec, int]] = field(default_factory=list)  # (spec, line)

    @property
    def pack_id(self) -> str:
        return f"{self.document.id}@{self.document.version}"


def _compile_rule(rule: Rule, raw: LineDict, pack: RulePack, path: str) -> CompiledRule:
    parser = ConditionParser(path, set(COLLECTIONS), JUDGES)
    when = raw.get("when")
    line = getattr(raw, "line", 0)
    if not isinstance(when, dict):
        raise InputError(path, line, f"{rule.id}: `when` must be a mapping")
    extra = set(when) - {"for", "require", "unless"}
    if extra:
        key = sorted(extra)[0]
        raise InputError(path, when.key_lines.get(key, line) if isinstance(when, LineDict) else line,
                         f"{rule.id}: unknown key {key!r} in `when` (use for, require, unless)")
    bindings, variables = parser.parse_bindings(when.get("for"))
    require = parser.parse(when["require"], variables, False) if "require" in when else None
    unless = parser.parse(when["unless"], variables, False) if "unless" in when else None
    if not bindings and require is None:
        raise InputError(path, line, f"{rule.id}: `when` needs `for` or `require`")
    return CompiledRule(rule, pack, bindings, require, unless, line)


_PACK_CACHE: dict[tuple[str, str, int, int], RulePack] = {}


def load_pack(path: Path, display: str | None = None) -> RulePack:
    """A compiled pack; unchanged files (same path, size and mtime) are parsed once per process."""
    shown = display or str(path)
    try:
        stat = path.stat()
    except OSError:
        return _load_pack(path, shown)
    key = (str(path.resolve()), shown, stat.st_size, stat.st_mtime_ns)
    if key not in _PACK_CACHE:
        _PACK_CACHE[key] = _load_pack(path, shown)
    return _PACK_CACHE[key]


def _load_pack(path: Path, shown: str) -> RulePack:
    raw = load_yaml_file(path, shown)
    if not isinstance(raw, dict):
        raise InputError(shown, getattr(raw, "line", 1), "a rule pack must be a mapping with `document` and `rules`")
    try:
        model = RulePackModel.model_validate(raw)
    except ValidationError as exc:
        raise validation_error(exc, raw, shown) from None
    pack = RulePack(model.document, shown, raw=raw)
    seen: set[str] = set()
    for index, rule in enumerate(model.rules):
        rule_raw = raw["rules"][index]
        line = raw["rules"].line_of(index)
        if not rule.id.startswith(model.document.id + "."):
            raise InputError(shown, line, f"rule id {rule.id!r} must start with the document id {model.document.id!r}")
        if rule.id in seen:
            raise InputError(shown, line, f"duplicate rule id {rule.id!r}")
        seen.add(rule.id)
        pack.rules.append(_compile_rule(rule, rule_raw, pack, shown))
    for index, signal in enumerate(model.signals):
        pack.signals.append((signal, _check_signal(signal, raw["signals"], index, shown)))
    return pack


def _check_signal(signal: SignalSpec, raw_signals: Any, index: int, shown: str) -> int:
    """Validate a signal's record condition (file:line errors); returns the signal's line."""
    from compliance.signals.conditions import check, costly_ops

    line = raw_signals.line_of(index) if hasattr(raw_signals, "line_of") else 1
    record = raw_signals[index].get("record") if isinstance(raw_signals[index], dict) else None
    if record is not None:
        check(record, shown, line)
        costly = costly_ops(record)
        if costly and not signal.prefilter:
            raise InputError(shown, line, f"signal {signal.id}: {' and '.join(sorted(costly))} tests need a `prefilter` of literal strings")
    return line


def pack_files(root: Path) -> list[Path]:
    """YAML rule packs under a folder, sorted, skipping catalogs and lexicons."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise InputError(str(root), None, "rules folder not found")
    files = [
        p for p in root.rglob("*.y*ml")
        if p.suffix in (".yaml", ".yml") and not (set(p.relative_to(root).parts[:-1]) & NOT_PACKS)
    ]
    return sorted(files)


@dataclass
class RuleSet:
    """All packs in play, with rules indexed for references and `explain`."""

    packs: list[RulePack]

    def __post_init__(self) -> None:
        self.by_id: dict[str, list[CompiledRule]] = {}
        seen_packs: dict[str, str] = {}
        for pack in self.packs:
            if pack.pack_id in seen_packs:
                raise InputError(pack.path, 1, f"pack {pack.pack_id} is also defined in {seen_packs[pack.pack_id]}")
            seen_packs[pack.pack_id] = pack.path
            for rule in pack.rules:
                self.by_id.setdefault(rule.id, []).append(rule)
        if any(pack.signals for pack in self.packs):
            from compliance.signals.compiled import SignalSource, order_signals

            order_signals([SignalSource(spec, pack.pack_id, pack.path, line) for pack in self.packs for spec, line in pack.signals])
        for pack in self.packs:
            for rule in pack.rules:
                for ref in _rule_refs(rule):
                    if ref not in self.by_id:
                        raise InputError(pack.path, rule.line, f"{rule.id}: `rule: {ref}` names no known rule")

    def rules(self) -> list[CompiledRule]:
        return [rule for pack in self.packs for rule in pack.rules]


def _rule_refs(rule: CompiledRule) -> list[str]:
    from compliance.rules.conditions import All, Any_, Not, ReviewIf, RuleRef

    found: list[str] = []

    def walk(cond: Cond | None) -> None:
        if isinstance(cond, RuleRef):
            found.append(cond.rule_id)
        elif isinstance(cond, (All, Any_)):
            for item in cond.items:
                walk(item)
        elif isinstance(cond, (Not, ReviewIf)):
            walk(cond.item)

    walk(rule.require)
    walk(rule.unless)
    return found


def load_rules(extra_dirs: list[Path] | None = None, include_bundled: bool = True, root: Path | None = None) -> RuleSet:
    """The bundled packs plus any extra folders; later duplicates of a pack are input errors."""
    dirs: list[tuple[Path, Path | None]] = []
    if include_bundled:
        bundled = bundled_rules_dir()
        dirs.append((bundled, bundled.parent))  # shown as rules/..., wherever it is installed
    dirs.extend((d, root) for d in (extra_dirs or []))
    packs: list[RulePack] = []
    for directory, base in dirs:
        for file in pack_files(directory):
            packs.append(load_pack(file, _shown(file, base)))
    return RuleSet(packs)


def _shown(file: Path, base: Path | None) -> str:
    for anchor in (base, Path.cwd()):
        if anchor is None:
            continue
        try:
            return file.resolve().relative_to(anchor.resolve()).as_posix()
        except ValueError:
            continue
    return file.as_posix()
