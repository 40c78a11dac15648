"""Lesson 8's generated sentences: the ranking and the network facts read the numbers right."""

import numpy as np

from course_lib.experiments import network_race, surface_race
from course_lib.problems import Trajectory


def _run(final_loss, diverged=False):
    losses = np.array([10.0, final_loss])
    return Trajectory(path=np.zeros((2, 2)), losses=losses, diverged=diverged,
                      diverged_at=1 if diverged else None)


def test_ranking_sorts_finishers_and_sets_the_diverged_apart():
    runs = {"a": _run(3.0), "b": _run(0.5), "c": _run(np.inf, diverged=True), "d": _run(1.0)}
    finishers, diverged = surface_race.ranking(runs)
    assert [name for name, _ in finishers] == ["b", "d", "a"] and diverged == ["c"]
    assert surface_race.ranking_sentence(runs) == "lowest first: b 0.5, d 1, a 3; diverged: c"


def test_network_facts_agree_with_the_cached_table():
    results, facts = network_race.network_results(), network_race.network_facts()
    val = results["final"][:, :, 3]
    assert facts.lowest[2] == val.min() and facts.highest[2] == val.max()
    spreads = val.max(axis=1) - val.min(axis=1)
    assert facts.seed_spread == spreads.max()
    assert facts.train_accuracy["SGD"] == results["final"][0, 0, 1]
    assert f"{facts.lowest[2]:.1%}" in str(facts)
