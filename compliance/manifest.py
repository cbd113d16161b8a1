"""The usage manifest (`ai-usage.yaml`): what a project declares it releases and uses.

The pydantic models here are the single definition of the format: the loader validates with them
and `docs/manifest.schema.json` is generated from them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from compliance.errors import InputError
from compliance.yamlio import LineDict, line_at, load_yaml_text, read_text_file, validation_error

MANIFEST_NAMES = ("ai-usage.yaml", "ai-usage.yml")

Purpose = Literal[
    "data-generation", "distillation", "labelling", "evaluation", "serving", "fine-tuning", "embedding", "other"
]
ArtifactKind = Literal["model-weights", "hosted-model", "application", "dataset", "other"]
Distribution = Literal["public", "customers", "internal", "none"]
Origin = Literal["human", "scraped", "generated", "mixed", "chat-logs", "unknown"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class PeriodSpec(_Strict):
    """An inclusive span of days; `to` defaults to `from` (a single day)."""

    start: date = Field(alias="from", description="First day of use (YYYY-MM-DD).")
    end: date | None = Field(default=None, alias="to", description="Last day of use; omitted means the same day.")

    @model_validator(mode="after")
    def _ordered(self) -> "PeriodSpec":
        if self.end is not None and self.end < self.start:
            raise ValueError("`to` is before `from`")
        return self


class Generator(_Strict):
    """Which provider model produced a dataset's content."""

    provider: str = Field(description="Provider id, e.g. openai, anthropic, google, meta, deepseek.")
    model: str | None = Field(default=None, description="Model name or id as used, e.g. gpt-4o-2024-08-06.")
    channel: Literal["api", "consumer"] | None = Field(
        default=None, description="How the output was obtained; defaults to the matching provider use's, else api.")
    period: PeriodSpec | None = Field(default=None, description="When the data was generated.")


class Artifact(_Strict):
    """Something the project releases: model weights, a hosted model, an application or a dataset."""

    id: str
    kind: ArtifactKind
    name: str = Field(description="The public name, checked against naming clauses (e.g. Llama's prefix).")
    description: str = Field(default="", description="What it is for; read by the competes-with judgement.")
    commercial: bool = Field(default=False, description="Sold, or used to earn revenue.")
    distribution: Distribution = Field(default="internal", description="Who gets it.")
    monthly_active_users: int | None = Field(default=None, ge=0)
    base_model: str | None = Field(default=None, description="Model it was fine-tuned or derived from.")
    trained_on: list[str] = Field(default_factory=list, description="Ids of datasets it was trained on.")
    license: str | None = Field(default=None, description="The license it is released under.")
    notices: list[str] = Field(
        default_factory=list, description='Attribution shown with it, e.g. "Built with Llama".'
    )
    release_date: date | None = None


class ProviderUse(_Strict):
    """Use of a provider's hosted models through its API or consumer product."""

    id: str | None = Field(default=None, description="Optional id; defaults to provider and position.")
    provider: str
    models: list[str] = Field(default_factory=list)
    purposes: list[Purpose] = Field(default_factory=list)
    channel: Literal["api", "consumer"] = "api"
    accounts: list[str] = Field(default_factory=list)
    period: PeriodSpec | None = None
    requests: int | None = Field(default=None, ge=0, description="Approximate number of requests.")


class Dataset(_Strict):
    """Data the project trains on or ships."""

    id: str
    path: str | None = None
    hf_id: str | None = Field(default=None, description="Hugging Face dataset id, resolved against the catalog.")
    origin: Origin | None = Field(default=None, description="Defaults to what the dataset catalog knows.")
    generated_by: list[Generator] | Generator = Field(
        default_factory=list, description="One generator, or a list when several models wrote parts of it.")
    license: str | None = Field(default=None, description="SPDX id, e.g. CC-BY-NC-4.0.")

    @property
    def generators(self) -> list[Generator]:
        return self.generated_by if isinstance(self.generated_by, list) else [self.generated_by]

    @field_validator("generated_by", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value


class Manifest(_Strict):
    """`ai-usage.yaml`: what a project releases, which provider APIs it uses and on what data."""

    project: str
    as_of: date | None = Field(default=None, description="Date to judge by when no period is given.")
    artifacts: list[Artifact] = Field(default_factory=list)
    providers: list[ProviderUse] = Field(default_factory=list)
    datasets: list[Dataset] = Field(default_factory=list)
    logs: list[str] = Field(
        default_factory=list,
        description="API or data-generation logs to check against this manifest: files, folders or globs relative to the manifest.")


class LoadedManifest:
    """A validated manifest with the raw line-annotated data kept for evidence."""

    def __init__(self, manifest: Manifest, raw: LineDict, path: str, text_lines: list[str] | None = None) -> None:
        self.manifest = manifest
        self.raw = raw
        self.path = path
        self.text_lines = text_lines or []

    def source_line(self, line: int) -> str:
        """The text of a 1-based line of the manifest file (for evidence snippets)."""
        if 1 <= line <= len(self.text_lines):
            return self.text_lines[line - 1].strip()
        return ""

    def line(self, *loc: Any) -> int:
        return line_at(self.raw, tuple(loc)) or 1


def _check_references(loaded: LoadedManifest) -> None:
    m = loaded.manifest
    seen: dict[str, tuple[str, int]] = {}
    for section, items in (("artifacts", m.artifacts), ("datasets", m.datasets)):
        for index, item in enumerate(items):
            line = loaded.line(section, index, "id")
            if item.id in seen:
                raise InputError(loaded.path, line, f"duplicate id {item.id!r} (first at line {seen[item.id][1]})")
            seen[item.id] = (section, line)
    dataset_ids = {d.id for d in m.datasets}
    for index, artifact in enumerate(m.artifacts):
        for pos, ref in enumerate(artifact.trained_on):
            if ref not in dataset_ids:
                line = loaded.line("artifacts", index, "trained_on", pos)
                raise InputError(
                    loaded.path, line, f"artifact {artifact.id!r} is trained on unknown dataset {ref!r}"
                )


def parse_manifest(data: Any, path: str, text: str | None = None) -> LoadedManifest:
    """Validate already-parsed manifest data (used by rule examples as well as files)."""
    if not isinstance(data, dict):
        raise InputError(path, getattr(data, "line", 1), "a manifest must be a mapping with a `project` key")
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, data, path) from None
    raw = data if isinstance(data, LineDict) else LineDict(data)
    if not isinstance(data, LineDict):
        raw.line, raw.key_lines = 1, {}
    loaded = LoadedManifest(manifest, raw, path, text.splitlines() if text is not None else None)
    _check_references(loaded)
    return loaded


def load_manifest(path: Path, display: str | None = None) -> LoadedManifest:
    """Load and validate `ai-usage.yaml`; every problem is an InputError naming file and line."""
    shown = display or str(path)
    return load_manifest_text(read_text_file(path, shown), shown)


def load_manifest_text(text: str, display: str) -> LoadedManifest:
    return parse_manifest(load_yaml_text(text, display), display, text)


def find_manifest(root: Path) -> Path | None:
    for name in MANIFEST_NAMES:
        candidate = root / name
        if candidate.is_file():
            return candidate
    return None


def manifest_json_schema() -> dict[str, Any]:
    schema = Manifest.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://tos-check.dev/schemas/manifest.schema.json"
    return schema
