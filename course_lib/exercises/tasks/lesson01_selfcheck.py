"""Lesson 01's self-check: the stability limit, the best fixed rate, the zig-zag, and what κ costs.

Not an exercise notebook: the questions sit at the bottom of lesson 01, answered in the lesson
and checked with the same ``check``; there is no score and nothing to grade.
"""

from __future__ import annotations

import math

from ..spec import choice_task, value_task

ID = "lesson01"

STABILITY_LIMIT = value_task(
    id="lesson01.q1",
    title="The stability limit",
    answer_name="largest_stable_rate",
    answer=2 / 50,
    mistakes={
        1 / 50: ("1/κ where 2/κ belongs",
                 "Below 1/κ the steep coordinate shrinks without changing sign; between 1/κ and "
                 "2/κ it zig-zags but still shrinks. The run diverges only past |1 − ηκ| = 1."),
        2 / 51: ("the best fixed η taken for the limit",
                 "2/(1 + κ) is the rate that balances the two directions; the run survives up "
                 "to 2/κ."),
        2.0: ("the flat direction's limit",
              "The steep direction, curvature κ, fails first: η < 2/h_max, not 2/h_min."),
    },
    hints=(
        "One step multiplies the steep coordinate by 1 − ηκ.",
        "It shrinks while |1 − ηκ| < 1: solve for η with κ = 50.",
    ),
)

BEST_FACTOR = value_task(
    id="lesson01.q2",
    title="The best fixed rate's factor",
    answer_name="factor_per_step",
    answer=(9 - 1) / (9 + 1),
    mistakes={
        1 - 2 / 9: ("the approximation 1 − 2/κ",
                    "1 − 2/κ is what (κ − 1)/(κ + 1) tends to for a large κ; at κ = 9 it is "
                    "still off. Give the exact factor."),
        1 / 9: ("1/κ",
                "The factor is 1 − η with η = 2/(1 + κ), the same for both directions."),
        2 / 10: ("the learning rate instead of the factor",
                 "2/(1 + κ) is the best η; the error is multiplied by 1 − η = (κ − 1)/(κ + 1)."),
    },
    hints=(
        "At the best fixed η the two directions shrink by the same factor: 1 − η = ηκ − 1.",
        "η = 2/(1 + κ), and the factor is 1 − η.",
    ),
)

ZIG_ZAG = choice_task(
    id="lesson01.q3",
    title="Between 1/κ and 2/κ",
    answer_name="path_between_limits",
    options={
        "a": "It slides straight down to the valley floor, then crawls along it.",
        "b": "It zig-zags from wall to wall, and still converges.",
        "c": "It diverges.",
        "d": "It reaches the minimum in one step.",
    },
    correct="b",
    mistakes={
        "a": ("below 1/κ taken for above it",
              "Only while ηκ < 1 is the steep factor 1 − ηκ positive; above, θ₂ flips sign "
              "every step."),
        "c": ("1/κ taken for the stability limit",
              "The run diverges only past 2/κ, where |1 − ηκ| > 1."),
        "d": ("the round bowl's one step taken for every bowl",
              "One step reaches the minimum only where 1 − ηλ = 0 for every curvature: a round "
              "bowl at η = 1."),
    },
    hints=(
        "What is the sign of the steep factor 1 − ηκ when 1 < ηκ < 2?",
        "A negative factor flips θ₂ every step; its size, below 1, still shrinks it.",
    ),
)

COST_OF_KAPPA = value_task(
    id="lesson01.q4",
    title="What κ costs",
    answer_name="steps_ratio",
    answer=math.log(99 / 101) / math.log(199 / 201),
    rtol=0.05,
    mistakes={
        4.0: ("steps growing like κ²",
              "The factor per step is about 1 − 2/κ, so the steps needed grow like κ."),
        math.sqrt(2): ("steps growing like √κ",
                       "√κ is what momentum reaches (lesson 2); plain gradient descent pays κ."),
        1.0: ("κ taken not to matter",
              "The flat direction's factor 1 − 2/(1 + κ) creeps towards 1 as κ grows."),
    },
    hints=(
        "At the best fixed η the factor per step is (κ − 1)/(κ + 1), about 1 − 2/κ.",
        "Reaching a given error takes about log(error) / log(factor) steps, which is ∝ κ.",
    ),
)

TASKS = (STABILITY_LIMIT, BEST_FACTOR, ZIG_ZAG, COST_OF_KAPPA)
