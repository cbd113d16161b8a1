"""Inside one Python file: training steps (Trainer, TRL, scikit-learn, OpenAI fine-tuning), their base
models, inputs and outputs, and which names are models so `model.push_to_hub` is not a dataset upload."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from compliance.sources.discover import sdk
from compliance.sources.discover.model import Training, Value

if TYPE_CHECKING:
    from compliance.sources.discover.python_code import PythonScan

NOT_MODELS = ("Tokenizer", "Config", "Processor", "FeatureExtractor", "ImageProcessor", "GenerationConfig")


class TrainScan:
    """Mixin for PythonScan: training steps."""

    def _is_model(self: "PythonScan", node: ast.AST, scope: str) -> bool:
        return isinstance(node, ast.Name) and node.id in self.training_names

    def _base_of(self: "PythonScan", node: ast.AST | None, scope: str, depth: int = 0) -> Value | None:
        if node is None or depth > 6:
            return None
        if isinstance(node, ast.Call):
            name = self.qualify(node.func)
            if name.endswith("from_pretrained") or name.startswith("sentence_transformers.SentenceTransformer"):
                return self.scopes.value(self._kw(node, "pretrained_model_name_or_path", "model_name", "model_id",
                                                  "model_name_or_path", position=0), scope)
            if name.endswith(("get_peft_model", "prepare_model_for_kbit_training", "get_peft_model_state_dict")):
                return self._base_of(node.args[0] if node.args else None, scope, depth + 1)
            return None
        if isinstance(node, ast.Name):
            for candidate in self.scopes.lookup(scope, node.id):
                found = self._base_of(candidate, scope, depth + 1)
                if found is not None:
                    return found
            return None
        return self.scopes.value(node, scope)

    def trainings(self: "PythonScan", tree: ast.Module) -> None:
        loads: list[Value] = []
        estimators: dict[str, ast.Call] = {}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name, scope = self.qualify(node.func), self.scope(node)
            if name.endswith("from_pretrained") and name.startswith(sdk.PRETRAINED_PREFIXES) and not any(t in name for t in NOT_MODELS):
                value = self._base_of(node, scope)
                if value is not None:
                    loads.append(value)
                bound = self.assigned_to.get(id(node))
                if bound:
                    self.training_names.add(bound)
            if (name.startswith(sdk.SKLEARN_PREFIX) or name.startswith(("xgboost.", "lightgbm.", "setfit."))) and self.assigned_to.get(id(node)):
                estimators[self.assigned_to[id(node)]] = node
        reads = [io.target for io in self.out.io if io.mode == "read"]
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name, scope = self.qualify(node.func), self.scope(node)
            if name in sdk.TRAINERS:
                self._trainer(node, sdk.TRAINERS[name], scope, loads, reads)
            elif isinstance(node.func, ast.Attribute) and node.func.attr in ("fit", "train") and \
                    isinstance(node.func.value, ast.Name) and node.func.value.id in estimators:
                self.training_names.add(node.func.value.id)
                taint = set().union(*[self.taint_of(a, scope) for a in node.args]) if node.args else set()
                self.out.trainings.append(Training(self.locate(node), "sklearn", None, list(reads),
                                                   self._saved(tree, node.func.value.id), function=scope,
                                                   tainted_inputs=tuple(sorted(taint)), loads=loads))
        for call in self.out.calls:
            if call.api == "fine-tuning":
                self.out.trainings.append(Training(call.loc, "openai-fine-tuning", call.model, list(reads),
                                                   function=call.function, loads=loads))

    def _trainer(self: "PythonScan", node: ast.Call, framework: str, scope: str, loads: list[Value], reads: list[Value]) -> None:
        base = self._base_of(self._kw(node, "model", "model_init", position=0), scope) or next(iter(loads), None)
        args = self._kw(node, "args")
        if isinstance(args, ast.Name):
            args = next((c for c in self.scopes.lookup(scope, args.id) if isinstance(c, ast.Call)), None)
        output = pushed = None
        private = False
        if isinstance(args, ast.Call):
            output = self.scopes.value(self._kw(args, "output_dir", position=0), scope)
            push = self._kw(args, "push_to_hub")
            hub = self.scopes.value(self._kw(args, "hub_model_id"), scope)
            if hub is not None or (isinstance(push, ast.Constant) and push.value is True):
                pushed = hub or output
            private_node = self._kw(args, "hub_private_repo")
            private = isinstance(private_node, ast.Constant) and private_node.value is True
        dataset = [self._kw(node, "train_dataset", "dataset", "train_data")]
        taint = set().union(*[self.taint_of(d, scope) for d in dataset if d is not None]) if any(dataset) else set()
        trainer_name = self.assigned_to.get(id(node), "")
        self.training_names.add(trainer_name)
        training = Training(self.locate(node), framework, base, list(reads), output, pushed, private, scope,
                            tuple(sorted(taint)), loads)
        for other in ast.walk(self.tree):
            if isinstance(other, ast.Call) and isinstance(other.func, ast.Attribute) and other.func.attr == "push_to_hub" \
                    and isinstance(other.func.value, ast.Name) and other.func.value.id in self.training_names:
                target = self.scopes.value(self._kw(other, "repo_id", position=0), self.scope(other))
                training.pushed = target or training.pushed or output
                flag = self._kw(other, "private")
                training.private = training.private or (isinstance(flag, ast.Constant) and flag.value is True)
        self.out.trainings.append(training)

    def _saved(self: "PythonScan", tree: ast.Module, name: str) -> Value | None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and self.qualify(node.func).endswith(("joblib.dump", "pickle.dump", "skops.io.dump")) \
                    and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == name and len(node.args) > 1:
                return self.scopes.value(node.args[1], self.scope(node))
        return None

    def trainings_prepass(self: "PythonScan", tree: ast.Module) -> None:
        """Names of models and trainers, so that `model.push_to_hub` is not taken for a dataset upload."""
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = self.qualify(node.func)
                if name in sdk.TRAINERS or (name.endswith("from_pretrained") and name.startswith(sdk.PRETRAINED_PREFIXES)) \
                        or name.endswith("get_peft_model"):
                    bound = self.assigned_to.get(id(node))
                    if bound:
                        self.training_names.add(bound)

