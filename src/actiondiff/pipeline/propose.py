"""Difference proposer (VidDiff §5, stage 1): candidate differences, the sub-action plan, and links.

With an LLM: one prompt returns the ordered sub-actions with retrieval texts and the differences,
each linked to the sub-actions where it is visible. Without one, the built-in action library
stands in. Open mode dedupes near-duplicate candidates with the sentence embedder and caps at N;
closed mode keeps the given statements and only links them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from pydantic import BaseModel, Field

from actiondiff.backends import ChatModel, SentenceEmbedder
from actiondiff.errors import InputError
from actiondiff.kinematics.quantities import Quantity, match_rules
from actiondiff.knowledge import ActionEntry, ActionProfile
from actiondiff.models import ActionPlan, Difference, SubAction

DUPLICATE_COSINE = 0.85
"""Candidates at least this similar (sentence embeddings) to an earlier one are dropped."""

LINK_COSINE = 0.55
"""A given statement takes a library candidate's sub-actions when at least this similar."""

WHOLE = "whole performance"

SYSTEM = (
    "You are an expert coach and movement scientist. You help compare two videos, A and B, of "
    "people performing the same action, by planning what to look at."
)


class ProposedDifference(BaseModel):
    text: str = Field(description="A visually checkable, skill-relevant comparison, 'the X is more ...'.")
    sub_actions: list[str] = Field(description="Names of the sub-actions in which it is visible.")


class ProposedPlan(BaseModel):
    sub_actions: list[SubAction] = Field(min_length=1)
    differences: list[ProposedDifference]


def _prompt(action: str, description: str, statements: Sequence[str] | None, n: int) -> str:
    task = (
        "1. Split the action into its ordered sub-actions (3 to 6, in the order they happen), each "
        "with 2-3 short retrieval texts describing what a single frame of it looks like, for an "
        "image-text retrieval model.\n"
    )
    if statements is None:
        task += (
            f"2. Propose {n} differences between two performances that are skill-relevant and "
            "checkable by looking at frames, each phrased as a comparison such as 'the squat is "
            "deeper' or 'the descent is faster', so that it can hold more for A or more for B.\n"
        )
    else:
        listed = "\n".join(f"- {s}" for s in statements)
        task += f"2. Return exactly these differences, in this order and with this wording:\n{listed}\n"
    task += "3. For each difference, list the names of the sub-actions in which it is visible."
    about = f"Action: {action}" + (f"\nDescription: {description}" if description else "")
    return f"{about}\n\n{task}"


def _from_llm(
    llm: ChatModel, action: str, description: str, statements: Sequence[str] | None, n: int
) -> ProposedPlan:
    messages = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": _prompt(action, description, statements, n)},
    ]
    return llm.complete_json(messages, ProposedPlan)


def _links(names: Sequence[str], wanted: Sequence[str]) -> list[str]:
    """The wanted sub-actions that exist (case-insensitive), else every sub-action."""
    lookup = {n.lower(): n for n in names}
    found = [lookup[w.lower()] for w in wanted if w.lower() in lookup]
    return found or list(names)


def dedupe(texts: Sequence[str], embedder: SentenceEmbedder, limit: int) -> list[int]:
    """Indices of the first `limit` texts none of which is a near-duplicate of an earlier kept one."""
    if not texts:
        return []
    vectors = embedder.embed(texts)
    kept: list[int] = []
    for i in range(len(texts)):
        if all(float(vectors[i] @ vectors[j]) < DUPLICATE_COSINE for j in kept):
            kept.append(i)
        if len(kept) == limit:
            break
    return kept


def library_link(entry: ActionEntry, text: str) -> list[str] | None:
    """The sub-actions of the library candidate worded as `text`, else of the first one measuring the
    quantity a rule finds in it (every sub-action when none does: the measurement reads the quantity
    in its own window); None when only the sentence embedder can link it."""
    wanted = text.strip().lower()
    for candidate in entry.differences:
        if candidate.text.strip().lower() == wanted:
            return candidate.sub_actions
    if (ruled := match_rules(text)) is None:
        return None
    measuring = (d.sub_actions for d in entry.differences if d.quantity == ruled[0].key)
    return next(measuring, [s.name for s in entry.sub_actions])


def _library_links(
    entry: ActionEntry, statements: Sequence[str], embedder: SentenceEmbedder
) -> list[list[str]]:
    """For each statement, its `library_link`, else the sub-actions of the most similar library
    candidate by sentence embedding (all sub-actions if none is close); embeds only when needed."""
    names = [s.name for s in entry.sub_actions]
    links = {text: link for text in statements if (link := library_link(entry, text)) is not None}
    others = [text for text in statements if text not in links]
    if others:
        similarity = embedder.embed(others) @ embedder.embed([d.text for d in entry.differences]).T
        for text, row in zip(others, similarity, strict=True):
            best = int(np.argmax(row))
            links[text] = entry.differences[best].sub_actions if row[best] >= LINK_COSINE else names
    return [links[text] for text in statements]


def propose(
    profile: ActionProfile,
    *,
    differences: Sequence[str] | None,
    n_open: int | None,
    llm: ChatModel | None,
    embedder: SentenceEmbedder,
    description: str = "",
    named: Mapping[str, tuple[str, str]] | None = None,
) -> tuple[ActionPlan, str]:
    """The plan for a comparison and the name of what proposed it (LLM, library, or given).

    Closed mode (`differences` given) keeps the statements verbatim; those in `named` (text ->
    quantity key, direction, as a statements file names them) are measured as that quantity. Open
    mode (`n_open`) proposes every candidate: the LLM's or the library's statements, then a measured
    one per quantity of the profile's catalogue (near-duplicates of an LLM's dropped); `discovered`
    keeps the differences.
    """
    if (differences is None) == (n_open is None):
        raise InputError("compare", "give either difference statements (closed mode) or n_open (open mode)")
    action, entry = profile.asked, profile.entry
    measured: dict[str, tuple[str, str]] = {}
    worded: set[str] = set()
    if llm is not None:
        answer = _from_llm(
            llm, action, description or (entry.description if entry else ""), differences, n_open or 0
        )
        sub_actions = answer.sub_actions
        names = [s.name for s in sub_actions]
        proposed = {d.text.strip().lower(): d.sub_actions for d in answer.differences}
        if differences is not None:
            texts = list(differences)
            links = [_links(names, proposed.get(t.strip().lower(), [])) for t in texts]
        else:
            texts = [d.text for d in answer.differences]
            links = [_links(names, d.sub_actions) for d in answer.differences]
            worded = {matched[0].key for text in texts if (matched := match_rules(text)) is not None}
        source = llm.name
    elif entry is not None:
        sub_actions = entry.plan().sub_actions
        if differences is not None:
            texts = list(differences)
            links = _library_links(entry, texts, embedder) if texts else []
        else:
            texts = [d.text for d in entry.differences]
            links = [d.sub_actions for d in entry.differences]
        source = f"library:{entry.name}"
        measured = {d.text.lower(): (d.quantity, d.direction) for d in entry.differences if d.quantity}
    else:
        sub_actions = [SubAction(name=WHOLE, retrieval_texts=[f"a person performing {action}"])]
        texts = list(differences or [])
        links = [[WHOLE]] * len(texts)
        source = "given statements" if differences is not None else "measured"
    if differences is not None:
        measured |= {text.strip().lower(): link for text, link in (named or {}).items()}
    else:
        catalogue = _catalogue(profile, worded | {key for key, _ in measured.values()})
        measured |= {text.lower(): (key, "more") for text, key in catalogue}
        texts += [text for text, _ in catalogue]
        links += [[s.name for s in sub_actions]] * len(catalogue)
    keep = list(range(len(texts)))
    if llm is not None and differences is None:
        keep = dedupe(texts, embedder, len(texts))
    plan = ActionPlan(
        action=entry.name if entry and llm is None else action,
        description=description or (entry.description if entry else ""),
        sub_actions=sub_actions,
        differences=[
            Difference(key=str(n), text=texts[i], sub_actions=links[i]).model_copy(
                update=_linked(measured, texts[i])
            )
            for n, i in enumerate(keep)
        ],
    )
    return plan, source


def proposal_text(quantity: Quantity, more: bool = True) -> str:
    """Open mode's statement of a measured quantity: "the person bends the knees more" (or less)."""
    return f"the person {quantity.phrases[0 if more else 1]}"


def _catalogue(profile: ActionProfile, worded: set[str]) -> list[tuple[str, str]]:
    """Open mode's measured candidates: a statement per catalogue quantity that no proposed statement
    already words (`proposal_text`), with the quantity's key."""
    return [(proposal_text(q), q.key) for q in profile.catalogue() if q.key not in worded]


def _linked(measured: dict[str, tuple[str, str]], text: str) -> dict[str, str]:
    """The quantity and direction linked to a statement: the library's for one worded as its own,
    or the one its statements file names."""
    if (link := measured.get(text.strip().lower())) is None:
        return {}
    return {"quantity": link[0], "direction": link[1]}
