"""Run configuration: one explicit object, loadable from TOML or YAML, overridable by CLI flags."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from actiondiff.errors import InputError, describe_validation_error


def default_cache_dir() -> Path:
    """`$ACTIONDIFF_CACHE_DIR`, else `$XDG_CACHE_HOME/actiondiff`, else `~/.cache/actiondiff`."""
    if explicit := os.environ.get("ACTIONDIFF_CACHE_DIR"):
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "actiondiff"


def real_clips_dir() -> Path:
    """Where the dev set-up caches the real test clips (scripts/fetch_real_clips.py):
    `$ACTIONDIFF_REAL_CLIPS`, else `$XDG_CACHE_HOME/actiondiff/real-clips`, else under `~/.cache`."""
    if explicit := os.environ.get("ACTIONDIFF_REAL_CLIPS"):
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "actiondiff" / "real-clips"


class PoseConfig(BaseModel):
    fps: float | None = Field(
        default=None,
        gt=0,
        description="Frames per second sampled for pose; unset: chosen per video from `frame_budget`.",
    )
    frame_budget: int = Field(
        default=160,
        ge=10,
        description="With fps unset: frames sampled per video, at most the video's own rate and 30 fps, "
        "at least 10 fps (a clip of a few seconds is sampled at every frame, a long one more sparsely).",
    )
    adaptive: bool = Field(
        default=True,
        description="With fps unset, for a video over `frame_budget`: pose the movement found in the "
        "budgeted samples again at the dense rate, and hold the sparse poses over the still parts.",
    )
    movement_budget: int = Field(
        default=600,
        ge=10,
        description="Most frames posed again over an adaptive video's movement (a longer movement is "
        "sampled more sparsely, never below the first pass's rate).",
    )
    max_side: int = Field(default=640, ge=64, description="Longer image side given to the model.")
    model_complexity: int = Field(default=1, ge=0, le=2)
    flip_test: bool = Field(
        default=True,
        description="Also pose each frame mirrored and average, so a mirrored video reads as the same "
        "performance (doubles pose time); the hands are read in the clip's canonical orientation instead "
        "(one pass, flip-tested only when the clip has none).",
    )
    people: int = Field(
        default=2,
        ge=1,
        le=4,
        description="Most people looked for; with more than one in the first second, the main performer "
        "(largest x most often found x most central) is followed. 1: follow whoever the model finds.",
    )
    performer: tuple[float, float] | None = Field(
        default=None,
        description="The main performer, picked by a point (x, y: fractions of the first frame's width and "
        "height, 0 to 1): the person nearest it in the first second is followed. Unset: the largest x most "
        "often found x most central. A comparison takes one per video (`compare(performers=...)`).",
    )

    @field_validator("performer")
    @classmethod
    def _in_frame(cls, point: tuple[float, float] | None) -> tuple[float, float] | None:
        if point is not None and not all(0.0 <= v <= 1.0 for v in point):
            raise ValueError(f"a point in the frame has x and y from 0 to 1, got {point[0]}, {point[1]}")
        return point


class BackendConfig(BaseModel):
    """Which model serves each VidDiff stage, and how remote ones are called.

    Specs: ``offline`` (models shipped in installed packages, or none), ``openai:<model>``
    (any OpenAI-compatible chat endpoint at `base_url`), ``local:/path/to/model``.
    """

    llm: str = Field(default="offline", description="Text LLM for the proposer.")
    vlm: str = Field(default="offline", description="Vision LLM for the differencer.")
    sentence: str = Field(default="offline", description="Sentence embedder (dedupe, matching).")
    frame: str = Field(default="offline", description="Frame/text embedder (CLIP-like) for the localizer.")
    base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint, e.g. .../v1.")
    api_key_env: str = Field(default="OPENAI_API_KEY", description="Environment variable with the key.")
    timeout_s: float = Field(default=120.0, gt=0)
    max_retries: int = Field(default=5, ge=0, description="Retries on 429, 5xx and timeouts.")
    backoff_s: float = Field(default=1.0, ge=0, description="First back-off; doubles per retry.")
    max_backoff_s: float = Field(default=60.0, ge=0)
    json_retries: int = Field(default=1, ge=0, description="Re-asks after an answer that fails its schema.")
    json_mode: Literal["object", "schema", "none"] = "object"
    temperature: float = Field(default=0.0, ge=0)
    seed: int = 0
    max_images: int = Field(default=16, ge=1, description="Most images sent in one request.")
    image_max_side: int = Field(default=512, ge=32, description="Longer side of a sent image (pixels).")
    jpeg_quality: int = Field(default=85, ge=10, le=100)
    prices: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description="Model -> (USD per 1M prompt tokens, USD per 1M completion tokens); adds to built-ins.",
    )


class CompareConfig(BaseModel):
    """The VidDiff method: frame sampling and localizer variant."""

    fps_short: float = Field(default=5.0, gt=0, description="Localizer sampling for short actions (4-6).")
    fps_long: float = Field(default=2.0, gt=0, description="Localizer sampling for long actions.")
    localizer: Literal["viterbi", "argmax", "random"] = "viterbi"
    frames_per_difference: int = Field(
        default=4, ge=1, description="Frames of each video shown per question."
    )
    n_open: int = Field(default=5, ge=1, description="Default cap on proposed differences in open mode.")
    seed: int = 0


def default_data_dir() -> Path:
    """`$ACTIONDIFF_DATA_DIR`, else `$XDG_DATA_HOME/actiondiff`, else `~/.local/share/actiondiff`."""
    if explicit := os.environ.get("ACTIONDIFF_DATA_DIR"):
        return Path(explicit)
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "actiondiff"


class WebConfig(BaseModel):
    """The local web app (`actiondiff serve`): where it listens, where it keeps uploads and results."""

    host: str = Field(default="127.0.0.1", description="Interface to listen on; loopback keeps it private.")
    port: int = Field(default=8765, ge=0, le=65535)
    data_dir: Path = Field(
        default_factory=lambda: default_data_dir() / "web", description="Jobs and results."
    )
    max_upload_mb: float = Field(default=200.0, gt=0, description="Largest accepted video upload.")
    samples_dir: Path | None = Field(
        default=None,
        description="Folder of sample pairs the page offers (<name>/a.*, b.*, pair.yaml); none if unset.",
    )


class KeptConfig(BaseModel):
    """KEPT (ActDR paper): model sizes, loss weights (Eq. 9) and training schedule for `train-scorer`."""

    joints: Literal["sports", "surgery"] = Field(default="sports", description="Tree node joint set.")
    depth: int = Field(default=4, ge=2, le=6, description="Tree depth K (distinct joints per path: K-1).")
    keyframes: int = Field(default=16, ge=2, description="Keyframes N per video.")
    segments: int = Field(default=4, ge=1, description="Segments whose scores are averaged.")
    dim: int = Field(default=32, ge=4, description="Feature size d.")
    token_dim: int = Field(default=32, ge=4, description="Graph token size d'.")
    heads: int = Field(default=4, ge=1, description="Attention heads.")
    tau: float | None = Field(default=None, description="Implicit-graph threshold [default: 1/pairs].")
    alpha_semantic: float = Field(default=0.5, ge=0, description="a1: commentary alignment weight.")
    alpha_comment: float = Field(default=0.5, ge=0, description="a2: description embedding weight.")
    alpha_kl: float = Field(default=0.1, ge=0, description="a3: path-distribution KL weight.")
    learning_rate: float = Field(default=3e-3, gt=0)
    weight_decay: float = Field(default=1e-4, ge=0)
    epochs: int = Field(default=60, ge=1)
    batch_size: int = Field(default=8, ge=2, description="Performances per step (all pairs among them).")
    patience: int = Field(
        default=12, ge=1, description="Epochs without validation improvement before stopping."
    )
    val_fraction: float = Field(
        default=0.25, gt=0, lt=1, description="Performances held out per sub-activity."
    )
    seed: int = 0
    threads: int = Field(default=2, ge=1, description="Torch CPU threads.")
    top_paths: int = Field(default=5, ge=1, description="Reasoning paths reported per performer.")
    facts: int = Field(default=3, ge=1, description="Kinematic facts put into a description.")


class StepDiffConfig(BaseModel):
    """StepDiff tasks (pair QA, DiffCap / DiffMCQ / DiffRank) and the paired-QA data generator."""

    frames_per_video: int = Field(default=8, ge=1, description="Frames sampled per clip (the paper uses 8).")
    min_difference: float = Field(
        default=1.0, gt=0, description="Offline: a gap counts from this many decision margins."
    )
    qa_min_words: int = Field(default=3, ge=1, description="Generator filter: shortest kept answer (words).")
    qa_max_words: int = Field(default=60, ge=1, description="Generator filter: longest kept answer (words).")
    max_pairs_per_step: int = Field(default=20, ge=1, description="Generator: most clip pairs per step.")
    seed: int = 0


class Config(BaseModel):
    """Everything a run can be told; stages receive the part they need."""

    cache_dir: Path = Field(default_factory=default_cache_dir)
    use_cache: bool = True
    actions: list[Path] = Field(
        default_factory=list,
        description="YAML files of actions added to the library (the format `actiondiff actions --show` "
        "prints: one entry or a list); in a config file, relative to it.",
    )
    pose: PoseConfig = Field(default_factory=PoseConfig)
    backends: BackendConfig = Field(default_factory=BackendConfig)
    compare: CompareConfig = Field(default_factory=CompareConfig)
    web: WebConfig = Field(default_factory=WebConfig)
    kept: KeptConfig = Field(default_factory=KeptConfig)
    stepdiff: StepDiffConfig = Field(default_factory=StepDiffConfig)

    def with_performer(self, point: tuple[float, float] | None) -> Config:
        """These settings with the main performer picked at `point` (`pose.performer`; None: as they are)."""
        if point is None:
            return self
        return self.model_copy(update={"pose": self.pose.model_copy(update={"performer": point})})

    @classmethod
    def load(cls, path: str | Path | None, overrides: Mapping[str, Any] | None = None) -> Config:
        """Read a TOML/YAML file (if given), set the non-None `overrides` (dotted keys such as
        "pose.fps", e.g. from command-line options) and validate the whole."""
        data: dict[str, Any] = {}
        if path is not None:
            data = _read_mapping(Path(path))
            _move_legacy_sections(data, path)
            if isinstance(data.get("actions"), list):
                data["actions"] = [Path(path).parent / str(file) for file in data["actions"]]
        for key, value in (overrides or {}).items():
            if value is not None:
                *parents, name = key.split(".")
                section = data
                for parent in parents:
                    section = section.setdefault(parent, {})
                    if not isinstance(section, dict):
                        raise InputError(path or "configuration", f"'{parent}' must be a mapping of settings")
                section[name] = value
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise InputError(
                path or "configuration", f"invalid configuration: {describe_validation_error(exc)}"
            ) from exc


LEGACY_SECTIONS = {("compare", "backends"): "backends", ("scoring",): "kept"}
"""Where settings used to be -> where they are now (backends serve every stage; `scoring` was KEPT)."""


def _move_legacy_sections(data: dict[str, Any], source: str | Path | None) -> None:
    """Move settings written at a former place to their current one; both at once is refused."""
    for (*parents, name), current in LEGACY_SECTIONS.items():
        section: Any = data
        for parent in parents:
            section = section.get(parent) if isinstance(section, dict) else None
        if not isinstance(section, dict) or name not in section:
            continue
        if data.get(current):
            former = ": ".join((*parents, name))
            raise InputError(
                source or "configuration",
                f"settings are given both under '{current}' and under its former place '{former}'; "
                f"keep only '{current}'",
            )
        data[current] = section.pop(name)


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(path, f"cannot read configuration: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise InputError(path, f"cannot parse configuration: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(path, "configuration must be a mapping of settings")
    return data
