"""The paired-QA data generator (StepDiff §3.2, Supp. S1): clips of the same step from different
source videos are paired, each clip gets a step description, an LLM writes question-answer pairs
comparing them, and the filtered pairs are written as JSONL for instruction tuning (§3.3 format).

Input layout: ``<folder>/<step name>/<clip>.mp4``; beside a clip, an optional ``<clip>.txt``
holds its narration and an optional ``<clip>.json`` its ``source`` video id, ``narration`` and
detected ``objects``. Without a sidecar the source is the clip name before ``__``.

Deterministic for a seed (pairing, roles, temperature-0 requests with the backend seed);
resumable (pairs already in the output, or in ``<output>.rejected.jsonl``, are skipped);
cached (descriptions by clip content and models; every chat request by the backend's cache).
"""

from __future__ import annotations

import itertools
import random
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, Field, ValidationError

from actiondiff.backends import ChatModel, resolve_chat
from actiondiff.config import Config
from actiondiff.errors import DatasetError, InputError
from actiondiff.eval import metrics
from actiondiff.kinematics import find_quantity
from actiondiff.knowledge import resolve_profile
from actiondiff.models import VIDEO_SUFFIXES
from actiondiff.stepdiff import prompts
from actiondiff.stepdiff.frames import clip_frames
from actiondiff.stepdiff.measured import Gap, clip_features, compare_clips, describe_clip
from actiondiff.stepdiff.records import Clip, QaPair
from actiondiff.storage import DiskCache, append_jsonl, content_key, read_jsonl
from actiondiff.video import file_digest

QaKind = QaPair.model_fields["kind"].annotation
KINDS: tuple[str, ...] = get_args(QaKind)
INSTRUCTION_SYSTEM = (
    "You are a helpful AI assistant that answers questions about a pair of videos. Answer in a single "
    "sentence. Here is the first video: <video>. Here is the second video: <video>."
)
"""§3.3's Llama-2 instruction prompt; each <video> stands for one clip's visual tokens."""

_FIRST = re.compile(r"\b(?:video\s*1|first\s+video|video\s+one|reference)\b", re.IGNORECASE)
_SECOND = re.compile(r"\b(?:video\s*2|second\s+video|video\s+two|candidate)\b", re.IGNORECASE)
_QA_TAG = re.compile(r"(?:^|(?<=\s))(Q|A)\s*\d*\s*:", re.MULTILINE)


class _Sidecar(BaseModel):
    source: str | None = None
    narration: str = ""
    objects: list[str] = Field(default_factory=list)


def discover_clips(folder: str | Path) -> list[Clip]:
    """Every clip under ``folder/<step>/``, in a stable order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, "not a folder of step sub-folders with clips")
    clips = []
    for path in sorted(p for p in folder.glob("*/*") if p.suffix.lower() in VIDEO_SUFFIXES):
        sidecar = _Sidecar()
        if (meta := path.with_suffix(".json")).exists():
            try:
                sidecar = _Sidecar.model_validate_json(meta.read_text(encoding="utf-8"))
            except ValidationError as exc:
                raise DatasetError(meta, f"bad clip sidecar: {exc.errors()[0]['msg']}") from exc
        if not sidecar.narration and (text := path.with_suffix(".txt")).exists():
            sidecar.narration = text.read_text(encoding="utf-8").strip()
        clips.append(
            Clip(
                path=path,
                step=path.parent.name.replace("_", " "),
                source=sidecar.source or path.stem.split("__")[0],
                narration=sidecar.narration,
                objects=sidecar.objects,
            )
        )
    if not clips:
        raise InputError(
            folder, f"no clips found in step sub-folders (looked for {', '.join(VIDEO_SUFFIXES)})"
        )
    return clips


def pair_clips(clips: Sequence[Clip], *, seed: int, max_pairs_per_step: int) -> list[tuple[Clip, Clip]]:
    """(reference, candidate) pairs of the same step from different source videos; which pairs are
    kept and which clip is the reference are drawn from `seed`, per step."""
    by_step: dict[str, list[Clip]] = defaultdict(list)
    for clip in clips:
        by_step[clip.step].append(clip)
    pairs = []
    for step in sorted(by_step):
        rng = random.Random(f"{seed}:{step}")
        candidates = [(a, b) for a, b in itertools.combinations(by_step[step], 2) if a.source != b.source]
        rng.shuffle(candidates)
        for a, b in candidates[:max_pairs_per_step]:
            pairs.append((b, a) if rng.random() < 0.5 else (a, b))
    return pairs


def pair_id(reference: Clip, candidate: Clip) -> str:
    return f"{reference.step}|{reference.path.name}|{candidate.path.name}"


class StepDescriber:
    """Writes a clip's step description (Supp. S1): VLM action and object captions, objects kept
    only when a detector saw them (when detections are given), narration, consolidated by the LLM.
    Offline: narration, detected objects and the pose measurements, joined."""

    def __init__(self, config: Config, vlm: ChatModel | None, llm: ChatModel | None) -> None:
        self.config, self.vlm, self.llm = config, vlm, llm
        self.cache = DiskCache(config.cache_dir, "stepdiff-descriptions") if config.use_cache else None

    def __call__(self, clip: Clip) -> str:
        names = "offline:kinematics"  # without both models, the pose measurements describe the clip
        if self.vlm is not None and self.llm is not None:
            names = f"{self.vlm.name}|{self.llm.name}"
        prompt_text = prompts.ACTION_PROMPT + prompts.OBJECT_PROMPT + prompts.DESCRIPTION_SYSTEM
        key = content_key(file_digest(clip.path), clip.narration, "\n".join(clip.objects), names, prompt_text)
        if self.cache is not None and (stored := self.cache.get(key)) is not None:
            return stored.decode("utf-8")
        description = self._describe(clip)
        if self.cache is not None:
            self.cache.put(key, description.encode("utf-8"))
        return description

    def _describe(self, clip: Clip) -> str:
        if self.vlm is None or self.llm is None:
            parts = [clip.narration, "objects: " + ", ".join(clip.objects) if clip.objects else ""]
            parts.append(
                "pose: "
                + describe_clip(
                    clip_features(clip.path, self.config), resolve_profile(clip.step, self.config.actions)
                )
            )
            return f"{clip.step}. " + ". ".join(p for p in parts if p)
        system = {"role": "system", "content": prompts.CAPTION_SYSTEM}
        frames = clip_frames(clip.path, self.config.stepdiff.frames_per_video)
        action = self.vlm.complete(
            [system, {"role": "user", "content": prompts.ACTION_PROMPT}], images=[f.image for f in frames]
        ).text.strip()
        centre = frames[len(frames) // 2].image
        lines = self.vlm.complete(
            [system, {"role": "user", "content": prompts.OBJECT_PROMPT}], images=[centre]
        ).text.splitlines()
        objects = [line.strip(" -*\t") for line in lines if line.strip(" -*\t")]
        if clip.objects:
            detected = [o.lower() for o in clip.objects]
            objects = [o for o in objects if any(d in o.lower() for d in detected)] or clip.objects
        reply = self.llm.complete(
            [
                {"role": "system", "content": prompts.DESCRIPTION_SYSTEM},
                {
                    "role": "user",
                    "content": prompts.description_prompt(clip.narration, action, "; ".join(objects)),
                },
            ]
        )
        return reply.text.strip()


def parse_qa(text: str, kind: str) -> list[QaPair]:
    """ "Q:" / "A:" segments of an LLM answer as pairs, on one line or several (an unanswered
    question is dropped)."""
    pieces = _QA_TAG.split(text)
    pairs: list[QaPair] = []
    question: str | None = None
    for tag, body in zip(pieces[1::2], pieces[2::2], strict=True):
        body = " ".join(body.split())
        if tag == "Q":
            question = body
        elif question is not None and body:
            pairs.append(QaPair(question=question, answer=body, kind=kind))  # type: ignore[arg-type]
            question = None
    return pairs


def question_key(question: str) -> str:
    """A question's words, lower-case and without punctuation: equal keys are duplicate questions."""
    return " ".join(metrics.tokenize(question))


def rejection(pair: QaPair, asked: set[str], min_words: int, max_words: int) -> str | None:
    """Why a generated pair is dropped (§4.5 "QA filtering"), or None to keep it."""
    words = len(pair.answer.split())
    if question_key(pair.question) in asked:
        return "duplicate question"
    if pair.kind == "same":
        return None if pair.answer.strip(" .").upper() in ("YES", "NO") else "answer is not YES or NO"
    if not min_words <= words <= max_words:
        return f"answer has {words} words (bounds {min_words}-{max_words})"
    mentions = (bool(_FIRST.search(pair.answer)), bool(_SECOND.search(pair.answer)))
    if pair.kind == "compare" and not all(mentions):
        return "answer does not refer to both videos"
    if pair.kind == "which" and sum(mentions) != 1:
        return "answer does not name exactly one video"
    return None


def ask_for_qa(llm: ChatModel, first: str, second: str, kind: str) -> list[QaPair]:
    """Supp. S1's paired-video QA prompt of one type; type 3's question is the prompt itself."""
    messages = [
        {"role": "system", "content": prompts.QA_SYSTEM.format(first=first, second=second)},
        {"role": "user", "content": prompts.QA_PROMPTS[kind]},
    ]
    text = llm.complete(messages).text
    if kind == "same":
        return [QaPair(question=prompts.QA_PROMPTS["same"], answer=text.strip(), kind="same")]
    return parse_qa(text, kind)


PHASE_WORDS = {
    "rep": "over a repetition",
    "extreme": "at the turning point",
    "whole": "over the whole movement",
    "top": "at the top",
    "back": "on the way back",
    "down": "on the way down",
    "up": "on the way up",
}
"""How the phase a quantity is read in is said in a templated answer."""
MEASURED_MODEL = "offline:kinematics"


def measured_qa(gaps: Sequence[Gap], kind: str, threshold: float, per_kind: int = 3) -> list[QaPair]:
    """Question-answer pairs of one type written from measured gaps (largest first) by templates over
    the quantity, the phase it is read in and both values (Video 1 = reference, Video 2 = candidate):

    * compare: how a quantity differs, for the `per_kind` largest gaps of at least `threshold` margins;
    * which: which video has more of it, for the same gaps;
    * same: whether it is the same in both (YES within `threshold` margins, else NO), for the largest
      and the smallest gap.
    """
    clear = [g for g in gaps if g.size >= threshold][:per_kind]
    pairs = []
    if kind == "same":
        for gap in {id(g): g for g in (*gaps[:1], *gaps[-1:])}.values():
            quantity = find_quantity(gap.evidence.quantity or "")
            question = f"Is the {quantity.description} the same in both videos? Answer YES or NO."
            answer = "NO" if gap.size >= threshold else "YES"
            pairs.append(QaPair(question=question, answer=answer, kind="same"))
        return pairs
    for gap in clear:
        e = gap.evidence
        quantity = find_quantity(e.quantity or "")
        values = f"{e.value_b:.3g} vs {e.value_a:.3g} {e.unit} {PHASE_WORDS.get(quantity.phase, '')}".rstrip()
        if kind == "compare":
            question = f"How does the {quantity.description} differ between the two videos?"
            answer = (
                f"The person {gap.candidate_phrase} in the second video than in the first video ({values})."
            )
        else:
            holder = "second" if (e.value_b or 0.0) > (e.value_a or 0.0) else "first"
            larger, smaller = sorted((e.value_a or 0.0, e.value_b or 0.0), reverse=True)
            question = f"Which video shows the person who {quantity.phrases[0]}?"
            answer = (f"The {holder} video: {larger:.3g} against {smaller:.3g} {e.unit} "
                      f"{PHASE_WORDS.get(quantity.phase, '')}.").replace(" .", ".")  # fmt: skip
        pairs.append(QaPair(question=question, answer=answer, kind=kind))  # type: ignore[arg-type]
    return pairs


class GenerationSummary(BaseModel):
    pairs: int
    skipped: int = Field(description="Pairs already done by an earlier run.")
    written: int = Field(description="Records written now.")
    kept_qa: int
    rejected_qa: int
    rejected_reasons: dict[str, int] = Field(default_factory=dict)


def generate_pair_qa(
    folder: str | Path,
    output: str | Path,
    *,
    config: Config | None = None,
    kinds: Sequence[str] = KINDS,
    vlm: ChatModel | None = None,
    llm: ChatModel | None = None,
    on_pair: Callable[[], None] | None = None,
) -> GenerationSummary:
    """Generate the paired-QA JSONL: one record per clip pair, its kept QA as a multi-turn conversation.

    With an LLM (`config.backends.llm`) it writes the QA from the step descriptions; the captioning
    VLM is optional (without one the descriptions are narration + objects + pose measurements).
    Without an LLM the QA are templated from the pair's measured differences (`measured_qa`).
    """
    config = config or Config()
    output = Path(output)
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise InputError("--kinds", f"unknown QA types {unknown}; choose from {', '.join(KINDS)}")
    vlm = vlm or resolve_chat(config.backends.vlm, config)
    llm = llm or resolve_chat(config.backends.llm, config)
    settings = config.stepdiff
    pairs = pair_clips(
        discover_clips(folder), seed=settings.seed, max_pairs_per_step=settings.max_pairs_per_step
    )
    rejected_path = output.with_name(output.name + ".rejected.jsonl")
    done = {r.get("id") for r in read_jsonl(output)} | {r.get("id") for r in read_jsonl(rejected_path)}
    describe = StepDescriber(config, vlm, llm if vlm is not None else None)
    summary = GenerationSummary(pairs=len(pairs), skipped=0, written=0, kept_qa=0, rejected_qa=0)
    for reference, candidate in pairs:
        ident = pair_id(reference, candidate)
        if ident in done:
            summary.skipped += 1
        else:
            first, second = describe(reference), describe(candidate)
            if llm is not None:
                generated = [q for kind in kinds for q in ask_for_qa(llm, first, second, kind)]
            else:
                gaps = _pair_gaps(reference, candidate, config)
                generated = [q for kind in kinds for q in measured_qa(gaps, kind, settings.min_difference)]
            kept, dropped = _filtered(generated, config)
            model = llm.name if llm is not None else MEASURED_MODEL
            record = _record(
                ident, reference, candidate, (first, second), kept, dropped, model, settings.seed
            )
            append_jsonl(output if kept else rejected_path, record)
            summary.written += 1
            summary.kept_qa += len(kept)
            summary.rejected_qa += len(dropped)
            for _, reason in dropped:
                summary.rejected_reasons[reason] = summary.rejected_reasons.get(reason, 0) + 1
        if on_pair:
            on_pair()
    return summary


def _pair_gaps(reference: Clip, candidate: Clip, config: Config) -> list[Gap]:
    """The measured gaps of a pair over the quantities of the step's library action (else the general set)."""
    profile = resolve_profile(reference.step, config.actions)
    return compare_clips(clip_features(reference.path, config), clip_features(candidate.path, config),
                         profile.quantities(), profile)  # fmt: skip


def _filtered(generated: list[QaPair], config: Config) -> tuple[list[QaPair], list[tuple[QaPair, str]]]:
    asked: set[str] = set()
    kept, dropped = [], []
    for pair in generated:
        reason = rejection(pair, asked, config.stepdiff.qa_min_words, config.stepdiff.qa_max_words)
        if reason is None:
            kept.append(pair)
            asked.add(question_key(pair.question))
        else:
            dropped.append((pair, reason))
    return kept, dropped


def _record(
    ident: str,
    reference: Clip,
    candidate: Clip,
    descriptions: tuple[str, str],
    kept: list[QaPair],
    dropped: list[tuple[QaPair, str]],
    model: str,
    seed: int,
) -> dict[str, Any]:
    """One instruction-tuning record: both videos, the §3.3 system prompt, the QA turns (LLaVA-style)."""
    turns: list[dict[str, str]] = []
    for i, pair in enumerate(kept):
        turns.append({"from": "human", "value": ("<video>\n<video>\n" if i == 0 else "") + pair.question})
        turns.append({"from": "gpt", "value": pair.answer})
    return {
        "id": ident,
        "step": reference.step,
        "videos": [str(reference.path), str(candidate.path)],
        "sources": [reference.source, candidate.source],
        "descriptions": list(descriptions),
        "system": INSTRUCTION_SYSTEM,
        "conversations": turns,
        "kinds": [p.kind for p in kept],
        "rejected": [{"question": p.question, "answer": p.answer, "reason": r} for p, r in dropped],
        "generator": {"model": model, "seed": seed},
    }
