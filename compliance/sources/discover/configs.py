"""Config files and dependency manifests.

Training configs (axolotl, LLaMA-Factory, torchtune, TRL / alignment-handbook recipes) become
`Training` steps; DeepSpeed configs are noted; every small YAML/JSON/TOML file is flattened once
so that `cfg["gen"]["model"]` in code, or `--config x.yaml` in a script, can be resolved after the
walk. Dependency files (requirements, pyproject, setup.py, package.json) give supporting evidence.
"""

from __future__ import annotations

import ast
import json
import re
import tomllib
from typing import Any

import yaml

from compliance.sources.discover.model import Claim, FileScan, Loc, Training, Value

MAX_CONFIG_BYTES = 256_000
MAX_KEYS = 2000
TORCHTUNE_DATASETS = {
    "alpaca_dataset": "tatsu-lab/alpaca", "alpaca_cleaned_dataset": "yahma/alpaca-cleaned",
    "slimorca_dataset": "Open-Orca/SlimOrca-Dedup", "samsum_dataset": "Samsung/samsum",
    "grammar_dataset": "liweili/c4_200m", "stack_exchange_paired_dataset": "lvwerra/stack-exchange-paired",
}
INTERESTING_DEPS = frozenset({
    "openai", "anthropic", "google-generativeai", "google-genai", "google-cloud-aiplatform", "vertexai", "mistralai",
    "cohere", "groq", "together", "litellm", "langchain-openai", "langchain-anthropic", "langchain-google-genai",
    "llama-index", "llama-index-llms-openai", "dspy", "dspy-ai", "transformers", "trl", "peft", "axolotl",
    "llamafactory", "torchtune", "deepspeed", "unsloth", "setfit", "sentence-transformers", "vllm", "datasets",
    "@anthropic-ai/sdk", "@google/generative-ai", "@google/genai", "@mistralai/mistralai", "groq-sdk", "ai",
})
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-@/]+)")


def flatten(data: Any, prefix: str = "", out: dict[str, str] | None = None) -> dict[str, str]:
    """Scalar leaves by dotted key (`gen.model` -> "gpt-4o"); list items by index."""
    out = {} if out is None else out
    if len(out) >= MAX_KEYS:
        return out
    if isinstance(data, dict):
        for key, value in data.items():
            flatten(value, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            flatten(value, f"{prefix}.{index}" if prefix else str(index), out)
    elif isinstance(data, (str, int, float)) and not isinstance(data, bool):
        out[prefix] = str(data)
    return out


def parse_config(path: str, text: str) -> Any:
    lowered = path.lower()
    try:
        if lowered.endswith((".yaml", ".yml")):
            return yaml.safe_load(text)
        if lowered.endswith(".json"):
            return json.loads(text)
        if lowered.endswith(".toml"):
            return tomllib.loads(text)
    except (yaml.YAMLError, ValueError, tomllib.TOMLDecodeError):
        return None
    return None


def locate(path: str, lines: list[str], *needles: str) -> Loc:
    """First line that mentions every needle (key, value); line 1 when none does."""
    for number, line in enumerate(lines, start=1):
        if all(n in line for n in needles if n):
            return Loc(path, number, line.strip())
    return Loc(path, 1, lines[0].strip() if lines else "")


def _value(path: str, lines: list[str], key: str, value: Any) -> Value | None:
    if not isinstance(value, str) or not value:
        return None
    return Value(value, "literal", locate(path, lines, key.rsplit(".", 1)[-1], value), how=f"config key {key}")


def training_config(path: str, data: Any, lines: list[str]) -> Training | None:
    """An axolotl / LLaMA-Factory / torchtune / recipe config as a training step."""
    if not isinstance(data, dict):
        return None
    flat = flatten(data)
    components = {k: v for k, v in flat.items() if k.endswith("_component_") and v.startswith("torchtune.")}
    if components:
        return _torchtune(path, flat, components, lines)
    base_key = next((k for k in ("base_model", "model_name_or_path", "base_model_name_or_path") if isinstance(data.get(k), str)), None)
    if base_key is None:
        return None
    if base_key == "base_model" and "datasets" in data:
        framework = "axolotl"
        datasets = [_value(path, lines, f"datasets.{i}.path", d.get("path")) for i, d in enumerate(data["datasets"])
                    if isinstance(d, dict)]
    elif "stage" in data or "finetuning_type" in data:
        framework = "llama-factory"
        names = [n.strip() for n in str(data.get("dataset", "")).split(",") if n.strip()]
        datasets = [Value(n, "literal", locate(path, lines, "dataset", n), ref=str(data.get("dataset_dir", "data")),
                          how="llama-factory dataset") for n in names]
    elif any(k in data for k in ("dataset_name", "dataset_mixer", "datasets", "train_file", "data_path")):
        framework = "recipe"
        mixer = data.get("dataset_mixer") if isinstance(data.get("dataset_mixer"), dict) else {}
        names = [data.get(k) for k in ("dataset_name", "train_file", "data_path")] + list(mixer)
        datasets = [_value(path, lines, "dataset", n) for n in names]
    else:
        return None
    base = _value(path, lines, base_key, data[base_key])
    output = _value(path, lines, "output_dir", data.get("output_dir"))
    hub = _value(path, lines, "hub_model_id", data.get("hub_model_id"))
    pushed = hub or (output if data.get("push_to_hub") is True else None)
    loc = base.loc if base and base.loc else Loc(path, 1, lines[0].strip() if lines else "")
    return Training(loc, framework, base, [d for d in datasets if d is not None], output, pushed,
                    bool(data.get("hub_private_repo")))


def _torchtune(path: str, flat: dict[str, str], components: dict[str, str], lines: list[str]) -> Training:
    model_component = next((v for k, v in components.items() if k.startswith("model.")), "")
    checkpoint = flat.get("checkpointer.checkpoint_dir") or flat.get("tokenizer.path") or ""
    base_text = checkpoint.rstrip("/").rsplit("/", 1)[-1] if checkpoint else ""
    if not base_text and model_component:
        match = re.search(r"(llama\d(?:_\d)?|mistral|gemma\d?|qwen\d(?:_\d)?|phi\d(?:_\d)?)_(\d+(?:_\d+)?b)", model_component)
        base_text = f"{match.group(1).replace('_', '.')}-{match.group(2).replace('_', '.')}" if match else ""
        base_text = re.sub(r"^llama(\d)", r"llama-\1", base_text)
    base = Value(base_text, "literal", locate(path, lines, checkpoint or model_component), how="torchtune model") if base_text else None
    datasets: list[Value] = []
    for key, value in components.items():
        if key.startswith("dataset"):
            name = value.rsplit(".", 1)[-1]
            prefix = key.rsplit("._component_", 1)[0]
            files = flat.get(f"{prefix}.data_files")
            hub = flat.get(f"{prefix}.source")
            text = files or (hub if hub and hub not in ("json", "csv", "parquet", "text") else TORCHTUNE_DATASETS.get(name))
            if text:
                datasets.append(Value(text, "literal", locate(path, lines, text if files or hub else name),
                                      how="torchtune dataset"))
    output = flat.get("output_dir") or flat.get("checkpointer.output_dir")
    out_value = Value(output, "literal", locate(path, lines, "output_dir", output)) if output else None
    loc = base.loc if base and base.loc else locate(path, lines, "_component_")
    return Training(loc, "torchtune", base, datasets, out_value)


def scan_config(path: str, text: str, configs: dict[str, tuple[dict[str, str], list[str]]]) -> FileScan | None:
    """Parse once: remember the flattened values and lines; return a training step if it is a training config."""
    if len(text) > MAX_CONFIG_BYTES:
        return None
    data = parse_config(path, text)
    if data is None:
        return None
    lines = text.splitlines()
    if isinstance(data, (dict, list)):
        configs[path] = (flatten(data), lines)
    scan = FileScan(path, "config")
    if path.lower().endswith("pyproject.toml") and isinstance(data, dict):
        _pyproject_deps(path, data, lines, scan)
    elif path.lower().endswith("package.json") and isinstance(data, dict):
        for section in ("dependencies", "devDependencies", "peerDependencies"):
            for name in data.get(section) or {}:
                if name in INTERESTING_DEPS:
                    scan.claims.append(Claim(locate(path, lines, f'"{name}"'), "dependency", name, 1.0, "dependency"))
    training = training_config(path, data, lines)
    if training is not None:
        scan.trainings.append(training)
    if isinstance(data, dict) and "zero_optimization" in data:
        scan.notes.append("DeepSpeed configuration (training infrastructure)")
    return scan if not scan.empty() or scan.notes else None


def _pyproject_deps(path: str, data: dict[str, Any], lines: list[str], scan: FileScan) -> None:
    project = data.get("project") or {}
    specs = list(project.get("dependencies") or [])
    for extra in (project.get("optional-dependencies") or {}).values():
        specs += list(extra)
    poetry = ((data.get("tool") or {}).get("poetry") or {})
    specs += list(poetry.get("dependencies") or {})
    for spec in specs:
        _dependency(path, lines, str(spec), scan)


def _dependency(path: str, lines: list[str], spec: str, scan: FileScan) -> None:
    match = REQUIREMENT.match(spec)
    name = match.group(1).lower().replace("_", "-") if match else ""
    name = name.split("[", 1)[0]
    if name in INTERESTING_DEPS:
        scan.claims.append(Claim(locate(path, lines, match.group(1) if match else name), "dependency", name, 1.0, "dependency"))


def scan_requirements(path: str, text: str) -> FileScan | None:
    scan = FileScan(path, "dependencies")
    lines = text.splitlines()
    for line in lines:
        if line.strip() and not line.lstrip().startswith(("#", "-")):
            _dependency(path, lines, line.strip(), scan)
    return scan if scan.claims else None


def scan_setup_py(path: str, text: str) -> FileScan | None:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    scan = FileScan(path, "dependencies")
    lines = text.splitlines()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("install_requires", "extras_require"):
            for inner in ast.walk(node.value):
                if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                    _dependency(path, lines, inner.value, scan)
    return scan if scan.claims else None
