"""Every prompt of the StepDiff tasks, worded after the paper (§3.3, §3.4, Supp. S1 and S4).

Kept in one place so the wording that the cache keys and the results depend on is easy to audit.
"""

from __future__ import annotations

from actiondiff.stepdiff.records import CATEGORY_NAMES, Category

PAIR_SYSTEM = (
    "You are a helpful AI assistant that answers questions about a pair of videos. "
    "Video 1 is the REFERENCE (how the step is meant to be done); Video 2 is the CANDIDATE "
    "(the performance being judged). Describe differences as what happens in the candidate "
    "compared to the reference. Answer in a single sentence unless asked for more, and say "
    "which frames you relied on."
)
"""§3.3's instruction prompt, with the reference/candidate roles made explicit."""


def pair_question(question: str, *, action: str | None, step: str | None, evidence: str = "") -> str:
    """The user turn of a pair question; measured evidence (if any) is offered as context."""
    lines = []
    if action:
        lines.append(f"Action: {action}.")
    if step:
        lines.append(f"The frames show the step '{step}' in both videos.")
    if evidence:
        lines.append(f"Pose measurements (reference vs candidate): {evidence}")
    lines.append(question)
    return "\n".join(lines)


def diffcap_seed(category: Category) -> str:
    """Supp. S4: generation is seeded with partial text the model completes."""
    return f"The main difference in {CATEGORY_NAMES[category]} is that in Video 2,"


def diffcap_question(category: Category) -> str:
    """§3.4 DiffCap question, with the Supp. S4 seed to complete."""
    return (
        f"What is the main difference between these videos in the category {CATEGORY_NAMES[category]}? "
        f'Complete this sentence: "{diffcap_seed(category)} ..."'
    )


def same_question(category: Category) -> str:
    """§3.4 DiffRank question."""
    return f"Do these two videos show the same {CATEGORY_NAMES[category]}? Answer YES or NO."


def mcq_question(category: Category, caption: str) -> str:
    """DiffMCQ as a verification question about the Supp. S4 seeded caption "In Video 2, <caption>"."""
    return (
        f'Is this the main difference in {CATEGORY_NAMES[category]} between the videos: "In Video 2, '
        f'{caption.rstrip(".")}"? Answer YES or NO.'
    )


SCORING_INSTRUCTION = (
    "Give your answer and how sure you are: confidence is the probability (0 to 1) that YES is right."
)
"""Appended when the server returns no logprobs: the answer's likelihood is asked for instead."""

# --------------------------------------------------------------------------- data generator (Supp. S1)

CAPTION_SYSTEM = (
    "You are a multimodal assistant. Designed to provide direct answers to users' video related questions."
)
ACTION_PROMPT = "In one short sentence, describe what the person is doing?"
OBJECT_PROMPT = (
    "Give a very short list of all objects that are visible and their attributes, one per line. "
    "Only list objects being used, NOT in the background."
)
DESCRIPTION_SYSTEM = (
    "You are an AI assistant that synthesizes the output of narration, action and object captioning "
    "models into a single description of the content."
)


def description_prompt(narration: str, action_caption: str, objects: str) -> str:
    return (
        f"Video narration: {narration or 'none'}.\nPossible activity: {action_caption or 'unknown'}.\n"
        f"Possible objects: {objects or 'unknown'}.\nSummarize the captions into a single, descriptive "
        "sentence about what the person is doing, and using what objects."
    )


QA_SYSTEM = (
    "You are an AI assistant that asks questions comparing two videos based on their descriptions, "
    'and then answers them. Each question must be on a new line starting with "Q:" for question and '
    '"A:" for the answer. Use diverse language.\nVideo 1: {first}\nVideo 2: {second}'
)
QA_PROMPTS = {
    "compare": "Summarize the differences and generate 3 question-answer pairs comparing the two videos. "
    "Answers should be short and concise.",
    "which": 'Generate 3 question-answer pairs of the form "Which video ... ?". '
    "The answer must only refer to one of the two videos.",
    "same": "Do the two videos share a similar main action? Answer with a single word: YES or NO.",
}
"""Supp. S1's three prompt types; the third one's question is the prompt itself."""
