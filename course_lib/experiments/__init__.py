"""Measured runs: the trainings and sweeps the lessons' pictures and explorers replay.

One module per experiment (the race on the surfaces and on the digits network, the schedule
sweep, the sparsity sweep, the noise floor, the implicit bias) and :mod:`cache`, which writes
and reads the ``.npz`` files in ``course_lib/data/`` that hold the slow ones. This layer sits
on the course's content (optimizers, schedules, callbacks, nn, problems) and below ``plots``
and ``widgets``, which draw what it measured.
"""
