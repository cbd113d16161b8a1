"""Beyond one Python file: links between steps, configs, notebooks, JS, cards, prose, dependencies, purposes."""

from __future__ import annotations

from pathlib import Path

from compliance.engine import ScanOptions, run_scan
from compliance.sources.discover import discover
from compliance.sources.discover.prose import prose_claims
from tests.discover.conftest import REPOS, write_tree

GEN = (
    "import json\nfrom openai import OpenAI\nclient = OpenAI()\n\n\ndef answer(q):\n"
    "    return client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': q}]).choices[0].message.content\n\n\n"
)


def links(result) -> list[tuple[str, str, bool]]:  # type: ignore[no-untyped-def]
    return sorted((l.use.provider, l.dataset_key, l.proven) for l in result.linker.links)


def test_multi_hop_through_a_preparation_script(tmp_path: Path) -> None:
    result = discover(write_tree(tmp_path, {
        "gen.py": GEN + "rows = [{'q': q, 'a': answer(q)} for q in ['x']]\njson.dump(rows, open('raw/gen.json', 'w'))\n",
        "prep.py": "import json\nrows = json.load(open('raw/gen.json'))\nclean = [r for r in rows if r['a']]\n"
                   "with open('data/sft.jsonl', 'w') as f:\n    for r in clean:\n        f.write(json.dumps(r))\n",
        "train.py": "from datasets import load_dataset\nfrom trl import SFTTrainer\n"
                    "ds = load_dataset('json', data_files='data/sft.jsonl')\nSFTTrainer(model='Qwen/Qwen2.5-0.5B', train_dataset=ds).train()\n",
    }))
    assert links(result) == [("openai", "data/sft.jsonl", True)]
    notes = [h.note for h in result.linker.links[0].hops]
    assert any("derived from raw/gen.json" in n for n in notes)


def test_hub_dataset_pushed_then_loaded(tmp_path: Path) -> None:
    result = discover(write_tree(tmp_path, {
        "gen.py": GEN + "from datasets import Dataset\nDataset.from_list([{'a': answer('x')}]).push_to_hub('acme/synthetic-sft')\n",
        "train.py": "from datasets import load_dataset\nfrom trl import SFTTrainer\n"
                    "SFTTrainer(model='Qwen/Qwen2.5-0.5B', train_dataset=load_dataset('acme/synthetic-sft')).train()\n",
    }))
    assert links(result) == [("openai", "hub:acme/synthetic-sft", True)]


def test_a_glob_is_only_a_possible_link_and_is_reviewed(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "gen.py": GEN + "import sys\nshard = sys.argv[1]\njson.dump([answer('x')], open(f'data/train_{shard}.json', 'w'))\n",
        "train.py": "import glob, json\nfrom transformers import Trainer, AutoModelForCausalLM\n"
                    "rows = json.load(open('data/train_0.json'))\n"
                    "Trainer(model=AutoModelForCausalLM.from_pretrained('gpt2'), train_dataset=rows).train()\n",
    })
    result = discover(tmp_path)
    assert links(result) == [("openai", "data/train_0.json", False)]
    scan = run_scan(ScanOptions(path=tmp_path))
    unproven = [f for f in scan.findings if f.rule_id == "tos-check.discovery.unsettled"]
    assert unproven and unproven[0].status == "review"
    assert not [f for f in scan.findings if f.clause_type == "no-competing-model" and f.status == "violation"]


def test_training_configs(tmp_path: Path) -> None:
    result = discover(write_tree(tmp_path, {
        "axolotl.yml": "base_model: mistralai/Mistral-7B-v0.1\ndatasets:\n  - path: teknium/OpenHermes-2.5\n    type: sharegpt\noutput_dir: ./out\n",
        "llama_factory.yaml": "model_name_or_path: meta-llama/Meta-Llama-3-8B-Instruct\nstage: sft\nfinetuning_type: lora\ndataset: my_data\ndataset_dir: data\n",
        "data/dataset_info.json": '{"my_data": {"file_name": "my_data.json"}}',
        "torchtune.yaml": "model:\n  _component_: torchtune.models.llama3_1.lora_llama3_1_8b\ncheckpointer:\n  checkpoint_dir: /tmp/Meta-Llama-3.1-8B-Instruct\n"
                          "dataset:\n  _component_: torchtune.datasets.alpaca_dataset\n",
    }))
    steps = {(s.training.framework, s.base.text if s.base else None, tuple(sorted(k for k, _ in s.inputs))) for s in result.linker.steps}
    assert steps == {
        ("axolotl", "mistralai/Mistral-7B-v0.1", ("hub:teknium/OpenHermes-2.5",)),
        ("llama-factory", "meta-llama/Meta-Llama-3-8B-Instruct", ("data/my_data.json",)),
        ("torchtune", "Meta-Llama-3.1-8B-Instruct", ("hub:tatsu-lab/alpaca",)),
    }


def test_notebook_shell_cells_launch_scripts(tmp_path: Path) -> None:
    import json

    nb = {"cells": [{"cell_type": "code", "source": ["!python train.py --data_path data/x.jsonl\n"]}], "nbformat": 4}
    write_tree(tmp_path, {"run.ipynb": json.dumps(nb), "train.py": "import argparse\np = argparse.ArgumentParser()\n"
                          "p.add_argument('--data_path')\na = p.parse_args()\nopen(a.data_path).read()\n"})
    result = discover(tmp_path)
    (run,) = [r for s in result.found.scans for r in s.runs]
    assert run.loc.cell == 1 and dict(run.args)["data_path"] == "data/x.jsonl"


def test_purposes(tmp_path: Path) -> None:
    result = discover(REPOS / "eval-harness")
    assert [u.purposes.chosen() for u in result.linker.uses] == [["evaluation"]]
    result = discover(REPOS / "chat-app")
    assert {tuple(u.purposes.chosen()) for u in result.linker.uses} == {("serving",)}
    result = discover(REPOS / "claude-labels")
    assert [u.purposes.chosen() for u in result.linker.uses] == [["labelling"]]


def test_cards_prose_and_dependencies(tmp_path: Path) -> None:
    result = discover(REPOS / "llama31-rename")
    claims = {(c.relation, c.obj, c.source) for c in result.draft.claims}
    assert {("base-model", "meta-llama/Llama-3.1-8B-Instruct", "card"), ("trained-on", "databricks/databricks-dolly-15k", "card"),
            ("license", "llama3.1", "card")} <= claims
    lines = ["We used text-davinci-003 to generate the instructions.", "The answers were not generated with GPT-4.",
             "Responses were distilled from ChatGPT.", "It is fine-tuned on ShareGPT conversations."]
    found = {(c.relation, c.obj) for c in prose_claims("README.md", lines)}
    assert found == {("generated-with", "text-davinci-003"), ("distilled-from", "ChatGPT"), ("trained-on", "ShareGPT")}
    deps = {c.obj for c in discover(REPOS / "chat-app").draft.claims if c.relation == "dependency"}
    assert deps == {"openai", "fastapi"} - {"fastapi"}
