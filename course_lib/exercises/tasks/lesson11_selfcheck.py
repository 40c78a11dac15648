"""Lesson 11's self-check: decoupled weight decay, Adam with L2, PyTorch's naming, and why
warmup helps Adam.

Not an exercise notebook: the questions sit at the bottom of lesson 11, answered in the lesson
and checked with the same ``check``; there is no score and nothing to grade.
"""

from __future__ import annotations

import math

from ..spec import choice_task, value_task

ID = "lesson11"


# η = 0.1, λ = 0.05, 100 steps: ηλ = 0.005 per step.
DECAY = value_task(
    id="lesson11.q1",
    title="Decoupled weight decay",
    answer_name="weight_left",
    answer=(1 - 0.1 * 0.05) ** 100,
    mistakes={
        (1 - 0.05) ** 100: ("η left out ((1 − λ)^t)",
                            "Keras and PyTorch multiply λ by the learning rate: each step keeps "
                            "1 − ηλ."),
        1 - 0.1 * 0.05 * 100: ("subtracted ηλ once per step (1 − ηλt)",
                               "Each step shrinks what is left, not the starting value: the "
                               "factors multiply."),
        math.exp(-0.1 * 0.05 * 100): ("e^(−ηλt), the continuous-time limit",
                                      "Close when ηλ is small, but the steps are discrete: "
                                      "(1 − ηλ)^t."),
    },
    hints=(
        "One step: θ ← (1 − ηλ) θ.",
        "100 steps multiply 100 such factors.",
    ),
)

L2_UNDER_ADAM = choice_task(
    id="lesson11.q2",
    title="Adam with L2",
    answer_name="l2_answer",
    options={
        "a": "Weights with large gradients: their √ŝ is large, and the L2 pull is divided by it.",
        "b": "Weights with small gradients: the pull λθ is larger than their gradients.",
        "c": "Neither: L2 and weight decay are the same update for every optimizer.",
        "d": "All weights alike: λ is the same for all of them.",
    },
    correct="a",
    mistakes={
        "b": ("the wrong group",
              "Those are decayed *more* than λ asks for: their √ŝ is small, so the pull "
              "divided by it is large."),
        "c": ("the SGD identity carried over",
              "They coincide for plain SGD only; Adam divides the gradient, pull included, "
              "by √ŝ."),
        "d": ("λ taken as the whole story",
              "That is AdamW, where the decay skips the division by √ŝ."),
    },
    hints=(
        "With L2, the pull λθ is part of the gradient. What does Adam do to every gradient?",
        "Compare the 'busy' and 'quiet' weights of the lesson's example.",
    ),
)

PYTORCH_NAMES = choice_task(
    id="lesson11.q3",
    title="Weight decay in PyTorch",
    answer_name="pytorch_answer",
    options={
        "a": "torch.optim.Adam(weight_decay=λ) is decoupled weight decay, like AdamW.",
        "b": "torch.optim.Adam(weight_decay=λ) adds λθ to the gradient: it is L2.",
        "c": "torch.optim.Adam ignores weight_decay; only AdamW uses it.",
    },
    correct="b",
    mistakes={
        "a": ("Keras's convention in PyTorch",
              "That is Keras 3, where every optimizer's weight_decay is decoupled. PyTorch's "
              "Adam adds λθ to the gradient; use torch.optim.AdamW to decouple it."),
        "c": ("thinks it is ignored",
              "It is used, as L2: λθ goes into the gradient before Adam's division."),
    },
    hints=("The lesson lists what each framework means by weight_decay.",),
)

WHY_WARMUP = choice_task(
    id="lesson11.q4",
    title="Why warm up Adam",
    answer_name="warmup_answer",
    options={
        "a": "Adam cannot start at its full rate: the bias correction divides by 0 at step 0.",
        "b": "At step 1, m̂/√ŝ = ±1, so every weight moves by a full η on the evidence of one "
             "noisy gradient; a small rate covers the steps where m and ŝ rest on few gradients.",
        "c": "A warmup makes the rate larger at the end of training.",
        "d": "Without a warmup, Adam's first step is η times the gradient, which may be huge.",
    },
    correct="b",
    mistakes={
        "a": ("division by zero",
              "Steps count from 1, so 1 − βᵗ is never 0; the first step is perfectly defined."),
        "c": ("thinks warmup raises the final rate",
              "The warmup only changes the first steps; the cosine after it sets the end."),
        "d": ("the size of the first step",
              "Adam's first step is η·sign(g), whatever the gradient's size: the danger is "
              "that every weight moves by η, not that the step scales with g."),
    },
    hints=(
        "What are m̂ and ŝ after one step?",
        "How many gradients does m average after 1 step? After 10?",
    ),
)

TASKS = (DECAY, L2_UNDER_ADAM, PYTORCH_NAMES, WHY_WARMUP)
