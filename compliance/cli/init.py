"""`tos-check init`: write a commented starter manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from compliance.cli import app, reports_errors
from compliance.errors import EXIT_INPUT

STARTER = """\
# ai-usage.yaml: how this project uses AI models, provider APIs and datasets.
# tos-check reads it to decide which terms of service and model licenses apply.
# Reference: docs/manifest.md. Validate and check with: tos-check scan .
project: my-project

# What you release. The name is checked against naming clauses (Llama wants "Llama" first),
# the description is read to judge whether the model competes with a provider's products.
artifacts:
  - id: my-model
    kind: model-weights          # model-weights | hosted-model | application | dataset | other
    name: My-Model-8B
    description: What the model is for, in one or two sentences.
    commercial: false            # sold, or used to earn revenue
    distribution: internal       # public | customers | internal | none
    # monthly_active_users: 0
    # base_model: meta-llama/Llama-3.1-8B-Instruct
    trained_on: [my-data]        # ids from `datasets` below
    # notices: ["Built with Llama"]

# Provider APIs you call, what for, and when.
providers:
  - provider: openai             # openai | anthropic | google | mistral | xai | deepseek | meta | ...
    models: [gpt-4o]
    purposes: [evaluation]       # data-generation | distillation | labelling | evaluation | serving | fine-tuning | embedding | other
    period: {from: 2025-01-01, to: 2025-03-31}

# Data you train on or ship. `generated_by` says which model wrote it; a Hugging Face id is
# looked up in the dataset catalog (origin, license, terms it carries).
datasets:
  - id: my-data
    path: data/train.jsonl
    origin: human                # human | scraped | generated | mixed | chat-logs | unknown
    license: CC-BY-4.0
    # generated_by: {provider: openai, model: gpt-4o, period: {from: 2025-01-01, to: 2025-01-31}}
"""


@app.command()
@reports_errors
def init(
    path: Annotated[Path, typer.Argument(help="Folder to write ai-usage.yaml into.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing manifest.")] = False,
) -> None:
    """Write a commented starter ai-usage.yaml."""
    target = path / "ai-usage.yaml" if path.is_dir() or not path.suffix else path
    if target.exists() and not force:
        typer.echo(f"tos-check: error: {target}: already exists (use --force to overwrite)", err=True)
        raise typer.Exit(EXIT_INPUT)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(STARTER, encoding="utf-8")
    typer.echo(f"wrote {target}")
