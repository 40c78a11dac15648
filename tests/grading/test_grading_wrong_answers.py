"""Realistic wrong answers, written as a learner would write them, and the mistake each must be
named by: at least 90 % named right, none named wrongly, none passing.

Each answer is source code, run in a fresh namespace like a notebook cell; none is a task's
variant function. ``NOT_NAMED`` answers are the documented few that get only the expected and
actual numbers, each with the reason no name fits.
"""

import json
from collections import Counter
from dataclasses import dataclass

import pytest

from course_lib.exercises import TASKS, check_result, visible_cases
from course_lib.exercises.calling import call_learner
from course_lib.exercises.judge import Judge
from course_lib.exercises.tasks import EXERCISES, SELF_CHECKS

NOT_NAMED = None


@dataclass(frozen=True)
class Wrong:
    task_id: str
    name: str | None
    source: str
    why_not_named: str = ""

    @property
    def label(self) -> str:
        return f"{self.task_id}: {self.name or 'not named'}"


def _momentum(body: str) -> str:
    return f"def momentum_step(theta, velocity, grad, learning_rate, momentum):\n{body}"


def _keras_nesterov(body: str) -> str:
    return f"def nesterov_step_keras(theta, velocity, grad, learning_rate, momentum):\n{body}"


def _rmsprop(body: str) -> str:
    return f"def rmsprop_step(theta, s, grad, learning_rate, rho, epsilon):\n{body}"


def _adagrad(body: str) -> str:
    return f"def adagrad_step(theta, s, grad, learning_rate, epsilon):\n{body}"


def _adam(body: str) -> str:
    return f"def adam_step(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):\n{body}"


def _adamax(body: str) -> str:
    return f"def adamax_step(theta, m, u, grad, t, learning_rate, beta_1, beta_2, epsilon):\n{body}"


def _nadam(body: str) -> str:
    return f"def nadam_step(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):\n{body}"


def _plateau(condition: str, *, cut: str = "wait >= patience", before: bool = False,
             after: str = "") -> str:
    record_first = "        rates.append(learning_rate)\n" if before else ""
    record_last = "" if before else "        rates.append(learning_rate)\n"
    return (
        "def plateau_learning_rates(val_losses, learning_rate, factor, patience, min_delta):\n"
        "    best, wait, rates = float('inf'), 0, []\n"
        "    for loss in val_losses:\n"
        f"{record_first}"
        f"        if {condition}:\n"
        "            best, wait = loss, 0\n"
        "        else:\n"
        "            wait += 1\n"
        f"            if {cut}:\n"
        "                learning_rate *= factor\n"
        "                wait = 0\n"
        f"{after}"
        f"{record_last}"
        "    return rates\n")


SOFT_THRESHOLD = ("def soft_threshold(w, threshold):\n"
                  "    return np.sign(w) * np.maximum(np.abs(w) - threshold, 0)\n")

_ADAM_MS = ("    m = beta_1 * m + (1 - beta_1) * grad\n"
            "    s = beta_2 * s + (1 - beta_2) * grad**2\n")

WRONG = [
    # ex02.q1, one momentum step
    Wrong("ex02.q1", "sign flipped", _momentum(
        "    velocity = momentum * velocity + learning_rate * grad\n"
        "    return theta + velocity, velocity\n")),
    Wrong("ex02.q1", "gradient scaled by (1−β)", _momentum(
        "    velocity = momentum * velocity - (1 - momentum) * learning_rate * grad\n"
        "    return theta + velocity, velocity\n")),
    Wrong("ex02.q1", "β missing (no friction)", _momentum(
        "    new_velocity = velocity - learning_rate * grad\n"
        "    return theta + new_velocity, new_velocity\n")),
    Wrong("ex02.q1", "θ moved by the old velocity", _momentum(
        "    new_theta = theta + velocity\n"
        "    velocity = momentum * velocity - learning_rate * grad\n"
        "    return new_theta, velocity\n")),
    Wrong("ex02.q1", "inputs changed in place", _momentum(
        "    velocity *= momentum\n"
        "    velocity -= learning_rate * grad\n"
        "    theta += velocity\n"
        "    return theta, velocity\n")),
    Wrong("ex02.q1", "PyTorch's form (v ← βv + ∇, θ ← θ − ηv)", _momentum(
        "    velocity = momentum * velocity + grad  # as torch.optim.SGD\n"
        "    theta = theta - learning_rate * velocity\n"
        "    return theta, velocity\n")),
    # ex02.q2, the terminal velocity
    Wrong("ex02.q2", "1+β where 1−β belongs",
          "def terminal_velocity(grad, learning_rate, momentum):\n"
          "    return -learning_rate * grad * (1 / (1 + momentum))\n"),
    Wrong("ex02.q2", "sign flipped",
          "def terminal_velocity(grad, learning_rate, momentum):\n"
          "    return learning_rate * grad / (1 - momentum)\n"),
    Wrong("ex02.q2", "learning rate left out",
          "def terminal_velocity(grad, learning_rate, momentum):\n"
          "    return -grad / (1 - momentum)\n"),
    # ex02.q3 and q4, a number and a choice
    Wrong("ex02.q3", "1+β where 1−β belongs", "def speedup():\n    return 1 / (1 + 0.95)\n"),
    Wrong("ex02.q3", "β/(1−β) instead of 1/(1−β)",
          "def speedup():\n    return 0.95 / (1 - 0.95)\n"),
    Wrong("ex02.q3", "the answer for β = 0.9", "def speedup():\n    return 10\n"),
    Wrong("ex02.q4", "β read as friction", "def lower_beta_answer():\n    return 'a'\n"),
    # ex03.q1, the look-ahead point
    Wrong("ex03.q1", "sign flipped",
          "def lookahead_point(theta, velocity, momentum):\n"
          "    return theta - momentum * velocity\n"),
    Wrong("ex03.q1", "β missing (θ + m)",
          "def lookahead_point(theta, velocity, momentum):\n"
          "    return theta + velocity\n"),
    # ex03.q2, Nesterov's original form
    Wrong("ex03.q2", "gradient at θ, not at the look-ahead point",
          "def nesterov_step(theta, velocity, grad_fn, learning_rate, momentum):\n"
          "    g = grad_fn(theta)\n"
          "    velocity = momentum * velocity - learning_rate * g\n"
          "    return theta + velocity, velocity\n"),
    Wrong("ex03.q2", "look-ahead in the wrong direction (θ − βm)",
          "def nesterov_step(theta, velocity, grad_fn, learning_rate, momentum):\n"
          "    ahead = theta - momentum * velocity\n"
          "    velocity = momentum * velocity - learning_rate * grad_fn(ahead)\n"
          "    return theta + velocity, velocity\n"),
    Wrong("ex03.q2", "look-ahead without β (θ + m)",
          "def nesterov_step(theta, velocity, grad_fn, learning_rate, momentum):\n"
          "    velocity = momentum * velocity - learning_rate * grad_fn(theta + velocity)\n"
          "    return theta + velocity, velocity\n"),
    # ex03.q3, the form Keras and PyTorch use
    Wrong("ex03.q3", "plain momentum step (θ + m)", _keras_nesterov(
        "    velocity = momentum * velocity - learning_rate * grad\n"
        "    return theta + velocity, velocity\n")),
    Wrong("ex03.q3", "look-ahead term without β (θ + m − η∇)", _keras_nesterov(
        "    velocity = momentum * velocity - learning_rate * grad\n"
        "    return theta + velocity - learning_rate * grad, velocity\n")),
    Wrong("ex03.q3", "extra gradient step uphill (+η∇)", _keras_nesterov(
        "    velocity = momentum * velocity - learning_rate * grad\n"
        "    return theta + momentum * velocity + learning_rate * grad, velocity\n")),
    Wrong("ex03.q3", "PyTorch's form (v ← βv + ∇, θ ← θ − η(∇ + βv))", _keras_nesterov(
        "    # torch.optim.SGD(nesterov=True)\n"
        "    velocity = momentum * velocity + grad\n"
        "    theta = theta - learning_rate * (grad + momentum * velocity)\n"
        "    return theta, velocity\n")),
    Wrong("ex03.q4", "both forms taken to store θ", "def stored_point_answer():\n"
                                                    "    return 'a'\n"),
    # ex04.q1, AdaGrad
    Wrong("ex04.q1", "ε outside the square root", _adagrad(
        "    s = s + grad**2\n"
        "    return theta - learning_rate * grad / (np.sqrt(s) + epsilon), s\n")),
    Wrong("ex04.q1", "old s used for the step", _adagrad(
        "    new_theta = theta - learning_rate * grad / np.sqrt(s + epsilon)\n"
        "    return new_theta, s + grad**2\n")),
    Wrong("ex04.q1", "square root missing", _adagrad(
        "    s = s + grad * grad\n"
        "    return theta - learning_rate * grad / (s + epsilon), s\n")),
    Wrong("ex04.q1", "gradient not squared", _adagrad(
        "    s = s + grad\n"
        "    return theta - learning_rate * grad / np.sqrt(s + epsilon), s\n")),
    # ex04.q2, RMSProp
    Wrong("ex04.q2", "ε outside the square root", _rmsprop(
        "    s = rho * s + (1 - rho) * grad**2\n"
        "    return theta - learning_rate * grad / (np.sqrt(s) + epsilon), s\n")),
    Wrong("ex04.q2", "RMSProp without (1−ρ)", _rmsprop(
        "    s = rho * s + grad**2\n"
        "    return theta - learning_rate * grad / np.sqrt(s + epsilon), s\n")),
    Wrong("ex04.q2", "ρ and 1−ρ swapped", _rmsprop(
        "    s = (1 - rho) * s + rho * grad**2\n"
        "    return theta - learning_rate * grad / np.sqrt(s + epsilon), s\n")),
    Wrong("ex04.q2", "AdaGrad's running sum (no decay)", _rmsprop(
        "    s = s + grad**2\n"
        "    return theta - learning_rate * grad / np.sqrt(s + epsilon), s\n")),
    Wrong("ex04.q2", "1+ρ where 1−ρ belongs", _rmsprop(
        "    s = rho * s + (1 + rho) * grad**2\n"
        "    return theta - learning_rate * grad / np.sqrt(s + epsilon), s\n")),
    Wrong("ex04.q2", "Adam's bias correction added (s/(1−ρ))", _rmsprop(
        "    s = rho * s + (1 - rho) * grad**2\n"
        "    s_hat = s / (1 - rho)  # like Adam's ŝ\n"
        "    return theta - learning_rate * grad / np.sqrt(s_hat + epsilon), s\n")),
    # ex04.q3 and q4
    Wrong("ex04.q3", "square root missing",
          "def adagrad_step_size(grad, steps, learning_rate):\n"
          "    return learning_rate / steps\n"),
    Wrong("ex04.q3", "old s used (one step late)",
          "def adagrad_step_size(grad, steps, learning_rate):\n"
          "    return learning_rate / np.sqrt(steps - 1)\n"),
    Wrong("ex04.q4", "AdaGrad confused with RMSProp", "def adagrad_stops_answer():\n"
                                                      "    return 'b'\n"),
    # ex06.q1, one Adam step
    Wrong("ex06.q1", "bias correction missing", _adam(
        _ADAM_MS + "    return theta - learning_rate * m / (s**0.5 + epsilon), m, s\n")),
    Wrong("ex06.q1", "ε inside the square root", _adam(
        _ADAM_MS + "    m_hat, s_hat = m / (1 - beta_1**t), s / (1 - beta_2**t)\n"
        "    return theta - learning_rate * m_hat / np.sqrt(s_hat + epsilon), m, s\n")),
    Wrong("ex06.q1", "Keras's folded form (ε on the uncorrected √s)", _adam(
        _ADAM_MS + "    lr_t = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)\n"
        "    return theta - lr_t * m / (np.sqrt(s) + epsilon), m, s\n")),
    Wrong("ex06.q1", "m accumulates −∇ while the step subtracts (the source's sign mix-up)",
          _adam("    m = beta_1 * m - (1 - beta_1) * grad\n"
                "    s = beta_2 * s + (1 - beta_2) * grad**2\n"
                "    m_hat, s_hat = m / (1 - beta_1**t), s / (1 - beta_2**t)\n"
                "    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s\n")),
    Wrong("ex06.q1", "bias correction one step early (t − 1)", _adam(
        _ADAM_MS + "    m_hat = m / (1 - beta_1**(t - 1))\n"
        "    s_hat = s / (1 - beta_2**(t - 1))\n"
        "    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s\n")),
    Wrong("ex06.q1", "bias correction one step off (t + 1)", _adam(
        _ADAM_MS + "    m_hat = m / (1 - beta_1**(t + 1))\n"
        "    s_hat = s / (1 - beta_2**(t + 1))\n"
        "    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s\n")),
    Wrong("ex06.q1", "1+β where 1−β belongs", _adam(
        "    m = beta_1 * m + (1 + beta_1) * grad\n"
        "    s = beta_2 * s + (1 + beta_2) * grad**2\n"
        "    m_hat, s_hat = m / (1 - beta_1**t), s / (1 - beta_2**t)\n"
        "    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s\n")),
    Wrong("ex06.q1", "1+β₁ where 1−β₁ belongs (in m)", _adam(
        "    m = beta_1 * m + (1 + beta_1) * grad\n"
        "    s = beta_2 * s + (1 - beta_2) * grad**2\n"
        "    m_hat, s_hat = m / (1 - beta_1**t), s / (1 - beta_2**t)\n"
        "    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s\n")),
    Wrong("ex06.q1", "m̂ and ŝ returned instead of m and s", _adam(
        "    m = beta_1 * m + (1 - beta_1) * grad\n"
        "    s = beta_2 * s + (1 - beta_2) * grad**2\n"
        "    m = m / (1 - beta_1**t)\n"
        "    s = s / (1 - beta_2**t)\n"
        "    return theta - learning_rate * m / (np.sqrt(s) + epsilon), m, s\n")),
    Wrong("ex06.q1", "β·t where βᵗ belongs", _adam(
        _ADAM_MS + "    m_hat, s_hat = m / (1 - beta_1 * t), s / (1 - beta_2 * t)\n"
        "    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s\n")),
    Wrong("ex06.q1", "β₁ and β₂ swapped", _adam(
        "    m = beta_2 * m + (1 - beta_2) * grad\n"
        "    s = beta_1 * s + (1 - beta_1) * grad**2\n"
        "    m_hat, s_hat = m / (1 - beta_2**t), s / (1 - beta_1**t)\n"
        "    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s\n")),
    # ex06.q2, Adam's first step
    Wrong("ex06.q2", "ε left out (−η·sign(∇))",
          "def adam_first_step(grad, learning_rate, beta_1, beta_2, epsilon):\n"
          "    return -learning_rate * np.sign(grad)  # the lesson: about η·sign(g)\n"),
    Wrong("ex06.q2", "ε inside the square root",
          "def adam_first_step(grad, learning_rate, beta_1, beta_2, epsilon):\n"
          "    return -learning_rate * grad / np.sqrt(grad**2 + epsilon)\n"),
    Wrong("ex06.q2", "sign flipped",
          "def adam_first_step(grad, learning_rate, beta_1, beta_2, epsilon):\n"
          "    return learning_rate * grad / (np.abs(grad) + epsilon)\n"),
    Wrong("ex06.q2", "Keras's folded form (ε on the uncorrected √s)",
          "def adam_first_step(grad, learning_rate, beta_1, beta_2, epsilon):\n"
          "    m, s = (1 - beta_1) * grad, (1 - beta_2) * grad**2\n"
          "    lr_t = learning_rate * np.sqrt(1 - beta_2) / (1 - beta_1)\n"
          "    return -lr_t * m / (np.sqrt(s) + epsilon)\n"),
    # ex06.q3 and q4
    Wrong("ex06.q3", "not a whole number",
          "import math\n"
          "def steps_until_correction_below_two():\n"
          "    return math.log(0.5) / math.log(0.999)\n"),
    Wrong("ex06.q3", "not a whole number",
          "import math\n"
          "def steps_until_correction_below_two():\n"
          "    return math.log(2) / (1 - 0.999)  # ln 0.999 ≈ −0.001\n"),
    Wrong("ex06.q3", "one step early (off-by-one)",
          "import math\n"
          "def steps_until_correction_below_two():\n"
          "    return int(math.log(0.5) / math.log(0.999))\n"),
    Wrong("ex06.q3", "the averaging window 1/(1−β₂) instead",
          "def steps_until_correction_below_two():\n    return 1 / (1 - 0.999)\n"),
    Wrong("ex06.q4", "correction taken as a schedule", "def bias_correction_answer():\n"
                                                       "    return 'd'\n"),
    # ex07.q1, AdaMax
    Wrong("ex07.q1", "AdaMax without the absolute value", _adamax(
        "    m = beta_1 * m + (1 - beta_1) * grad\n"
        "    u = np.maximum(beta_2 * u, grad)\n"
        "    return theta - learning_rate / (1 - beta_1**t) * m / (u + epsilon), m, u\n")),
    Wrong("ex07.q1", "bias correction missing", _adamax(
        "    m = beta_1 * m + (1 - beta_1) * grad\n"
        "    u = np.maximum(beta_2 * u, np.abs(grad))\n"
        "    return theta - learning_rate * m / (u + epsilon), m, u\n")),
    Wrong("ex07.q1", "β₂ applied after the max", _adamax(
        "    m = beta_1 * m + (1 - beta_1) * grad\n"
        "    u = beta_2 * np.maximum(u, np.abs(grad))\n"
        "    return theta - learning_rate / (1 - beta_1**t) * m / (u + epsilon), m, u\n")),
    Wrong("ex07.q1", "PyTorch's form (ε inside the max)", _adamax(
        "    # as torch.optim.Adamax\n"
        "    m = beta_1 * m + (1 - beta_1) * grad\n"
        "    u = np.maximum(beta_2 * u, np.abs(grad) + epsilon)\n"
        "    return theta - learning_rate / (1 - beta_1**t) * m / u, m, u\n")),
    Wrong("ex07.q1", "β·t where βᵗ belongs", _adamax(
        "    m = beta_1 * m + (1 - beta_1) * grad\n"
        "    u = np.maximum(beta_2 * u, abs(grad))\n"
        "    return theta - learning_rate / (1 - beta_1 * t) * m / (u + epsilon), m, u\n")),
    # ex07.q2, Nadam
    Wrong("ex07.q2", "plain Adam (no look-ahead)", _nadam(
        _ADAM_MS + "    m_hat, s_hat = m / (1 - beta_1**t), s / (1 - beta_2**t)\n"
        "    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s\n")),
    Wrong("ex07.q2", "look-ahead built on the old m", _nadam(
        "    m_bar = beta_1 * m / (1 - beta_1 ** (t + 1)) + (1 - beta_1) * grad / (1 - beta_1**t)\n"
        + _ADAM_MS + "    s_hat = s / (1 - beta_2**t)\n"
        "    return theta - learning_rate * m_bar / (np.sqrt(s_hat) + epsilon), m, s\n")),
    Wrong("ex07.q2", "look-ahead corrected with β₁ᵗ instead of β₁ᵗ⁺¹", _nadam(
        _ADAM_MS
        + "    m_bar = beta_1 * m / (1 - beta_1**t) + (1 - beta_1) * grad / (1 - beta_1**t)\n"
        "    s_hat = s / (1 - beta_2**t)\n"
        "    return theta - learning_rate * m_bar / (np.sqrt(s_hat) + epsilon), m, s\n")),
    Wrong("ex07.q3", "AdaMax without the absolute value",
          "def u_after_three_steps():\n"
          "    u = 0\n"
          "    for g in (2, -6, 1):\n"
          "        u = max(0.9 * u, g)\n"
          "    return u\n"),
    Wrong("ex07.q3", "β₂ applied after the max",
          "def u_after_three_steps():\n"
          "    u = 0\n"
          "    for g in (2, -6, 1):\n"
          "        u = 0.9 * max(u, abs(g))\n"
          "    return u\n"),
    # ex09.q1, power scheduling
    Wrong("ex09.q1", "power on t/s only",
          "def power_schedule(step, initial_learning_rate, s, c):\n"
          "    return initial_learning_rate / (1 + (step / s) ** c)\n"),
    Wrong("ex09.q1", "power c left out",
          "def power_schedule(step, initial_learning_rate, s, c):\n"
          "    return initial_learning_rate / (1 + step / s)\n"),
    Wrong("ex09.q1", "one step late (off-by-one)",
          "def power_schedule(step, initial_learning_rate, s, c):\n"
          "    t = step - 1  # the first step is step 1\n"
          "    return initial_learning_rate / (1 + t / s) ** c\n"),
    Wrong("ex09.q1", "staircase (t // s)",
          "def power_schedule(step, initial_learning_rate, s, c):\n"
          "    return initial_learning_rate / (1 + step // s) ** c\n"),
    # ex09.q2, exponential scheduling
    Wrong("ex09.q2", "times instead of power (η₀·0.1·t/s)",
          "def exponential_schedule(step, initial_learning_rate, s):\n"
          "    return initial_learning_rate * 0.1 * step / s\n"),
    Wrong("ex09.q2", "staircase (t // s)",
          "def exponential_schedule(step, initial_learning_rate, s):\n"
          "    return initial_learning_rate * 0.1 ** (step // s)\n"),
    Wrong("ex09.q2", "e instead of 10 (exp(−t/s))",
          "def exponential_schedule(step, initial_learning_rate, s):\n"
          "    return initial_learning_rate * np.exp(-step / s)\n"),
    Wrong("ex09.q2", "one step late (off-by-one)",
          "def exponential_schedule(step, initial_learning_rate, s):\n"
          "    epoch = step - 1  # counted the first step as 1\n"
          "    return initial_learning_rate * 0.1 ** (epoch / s)\n"),
    Wrong("ex09.q2", "exponent upside down (s/t)",
          "def exponential_schedule(step, initial_learning_rate, s):\n"
          "    if step == 0:\n"
          "        return 0.0\n"
          "    return initial_learning_rate * 0.1 ** (s / step)\n"),
    Wrong("ex09.q2", "exponent upside down (s/t)",
          "def exponential_schedule(step, initial_learning_rate, s):\n"
          "    return initial_learning_rate * 0.1 ** (s / step)  # fails at step 0\n"),
    # ex09.q3, piecewise constant
    Wrong("ex09.q3", "boundary closed on the wrong side",
          "def piecewise_constant(step, boundaries, values):\n"
          "    for i, boundary in enumerate(boundaries):\n"
          "        if step < boundary:\n"
          "            return values[i]\n"
          "    return values[-1]\n"),
    Wrong("ex09.q3", "values shifted by one index",
          "def piecewise_constant(step, boundaries, values):\n"
          "    for i, boundary in enumerate(boundaries, 1):\n"
          "        if step <= boundary:\n"
          "            return values[i]\n"
          "    return values[-1]\n"),
    # ex09.q4, 1cycle
    Wrong("ex09.q4", "no final phase",
          "def one_cycle(step, total_steps, initial_learning_rate, max_learning_rate):\n"
          "    half = 0.45 * total_steps\n"
          "    if step <= half:\n"
          "        return initial_learning_rate + (max_learning_rate - initial_learning_rate)"
          " * step / half\n"
          "    if step <= 2 * half:\n"
          "        return max_learning_rate - (max_learning_rate - initial_learning_rate)"
          " * (step - half) / half\n"
          "    return initial_learning_rate\n"),
    Wrong("ex09.q4", "rate not held after the end (it goes negative)",
          "def one_cycle(step, total_steps, initial_learning_rate, max_learning_rate):\n"
          "    half = 0.45 * total_steps\n"
          "    if step <= half:\n"
          "        return initial_learning_rate + (max_learning_rate - initial_learning_rate)"
          " * step / half\n"
          "    if step <= 2 * half:\n"
          "        return max_learning_rate - (max_learning_rate - initial_learning_rate)"
          " * (step - half) / half\n"
          "    last = initial_learning_rate / 1000\n"
          "    return initial_learning_rate + (last - initial_learning_rate)"
          " * (step - 2 * half) / (total_steps - 2 * half)\n"),
    Wrong("ex09.q4", "the cycle spans all steps",
          "def one_cycle(step, total_steps, initial_learning_rate, max_learning_rate):\n"
          "    return float(np.interp(step, [0, total_steps / 2, total_steps],\n"
          "                           [initial_learning_rate, max_learning_rate,"
          " initial_learning_rate]))\n"),
    Wrong("ex09.q4", "last phase down to 0, not η₀/1000",
          "def one_cycle(step, total_steps, initial_learning_rate, max_learning_rate):\n"
          "    cycle = 0.9 * total_steps\n"
          "    return float(np.interp(step, [0, cycle / 2, cycle, total_steps],\n"
          "                           [initial_learning_rate, max_learning_rate,"
          " initial_learning_rate, 0]))\n"),
    # ex09.q5, the plateau rule
    Wrong("ex09.q5", "waits one epoch too many (> patience)",
          _plateau("loss < best - min_delta", cut="wait > patience")),
    Wrong("ex09.q5", "rate recorded before the epoch's update",
          _plateau("loss < best - min_delta", before=True)),
    Wrong("ex09.q5", "best kept as the running minimum",
          _plateau("loss < best - min_delta", after="        best = min(best, loss)\n")),
    Wrong("ex09.q5", "relative threshold (PyTorch's best·(1 − min_delta))",
          _plateau("loss < best * (1 - min_delta)")),
    Wrong("ex09.q5", "min_delta ignored", _plateau("loss < best")),
    Wrong("ex09.q6", "epoch taken as saved", "def resume_answer():\n    return 'a'\n"),
    # ex10.q1, soft-thresholding
    Wrong("ex10.q1", "shrinks but never zeroes",
          "def soft_threshold(w, threshold):\n"
          "    return w - threshold * np.sign(w)\n"),
    Wrong("ex10.q1", "hard thresholding (no shrink)",
          "def soft_threshold(w, threshold):\n"
          "    w = w.copy()\n"
          "    w[np.abs(w) <= threshold] = 0\n"
          "    return w\n"),
    Wrong("ex10.q1", "sign lost",
          "def soft_threshold(w, threshold):\n"
          "    return np.maximum(np.abs(w) - threshold, 0)\n"),
    Wrong("ex10.q1", "negative weights lost (max(w − λ, 0))",
          "def soft_threshold(w, threshold):\n"
          "    return np.maximum(w - threshold, 0.0)\n"),
    # ex10.q2, the proximal step, with a right soft_threshold unless the answer brings its own
    Wrong("ex10.q2", "threshold not scaled by the learning rate", SOFT_THRESHOLD
          + "def proximal_l1_step(w, grad, learning_rate, l1):\n"
            "    return soft_threshold(w - learning_rate * grad, l1)\n"),
    Wrong("ex10.q2", "plain subgradient step (never exactly zero)",
          "def proximal_l1_step(w, grad, learning_rate, l1):\n"
          "    return w - learning_rate * (grad + l1 * np.sign(w))\n"),
    Wrong("ex10.q2", "threshold before the gradient step", SOFT_THRESHOLD
          + "def proximal_l1_step(w, grad, learning_rate, l1):\n"
            "    return soft_threshold(w, learning_rate * l1) - learning_rate * grad\n"),
    Wrong("ex10.q2", "gradient step uphill (w + η∇)", SOFT_THRESHOLD
          + "def proximal_l1_step(w, grad, learning_rate, l1):\n"
            "    return soft_threshold(w + learning_rate * grad, learning_rate * l1)\n"),
    Wrong("ex10.q2", "gradient step uphill (w + η∇)",
          "def proximal_l1_step(w, grad, learning_rate, l1):\n"
          "    z = w + learning_rate * grad\n"
          "    return np.sign(z) * np.maximum(np.abs(z) - learning_rate * l1, 0)\n"),
    Wrong("ex10.q2", "right step, but task 1's soft_threshold: hard thresholding (no shrink)",
          "def soft_threshold(w, threshold):\n"
          "    return np.where(np.abs(w) > threshold, w, 0.0)\n"
          "def proximal_l1_step(w, grad, learning_rate, l1):\n"
          "    return soft_threshold(w - learning_rate * grad, learning_rate * l1)\n"),
    # ex10.q3, magnitude pruning
    Wrong("ex10.q3", "count rounded down (int)",
          "def magnitude_prune(w, sparsity):\n"
          "    k = int(sparsity * w.size)\n"
          "    flat = w.flatten()\n"
          "    flat[np.argsort(np.abs(flat))[:k]] = 0\n"
          "    return flat.reshape(w.shape)\n"),
    Wrong("ex10.q3", "pruned by value, not magnitude",
          "def magnitude_prune(w, sparsity):\n"
          "    k = round(sparsity * w.size)\n"
          "    flat = w.flatten()\n"
          "    flat[np.argsort(flat)[:k]] = 0\n"
          "    return flat.reshape(w.shape)\n"),
    Wrong("ex10.q3", "fraction used as a magnitude threshold",
          "def magnitude_prune(w, sparsity):\n"
          "    return np.where(np.abs(w) < sparsity, 0.0, w)\n"),
    Wrong("ex10.q3", "count rounded up (ceil)",
          "import math\n"
          "def magnitude_prune(w, sparsity):\n"
          "    k = math.ceil(sparsity * w.size)\n"
          "    flat = w.flatten()\n"
          "    flat[np.argsort(np.abs(flat))[:k]] = 0\n"
          "    return flat.reshape(w.shape)\n"),
    # ex10.q4 and q5
    Wrong("ex10.q4", "density instead of sparsity",
          "def sparsity(w):\n    return np.count_nonzero(w) / w.size\n"),
    Wrong("ex10.q4", "divided by the rows (len), not the weights (size)",
          "def sparsity(w):\n    return np.sum(w == 0) / len(w)\n"),
    Wrong("ex10.q4", "near-zero weights counted as zeros",
          "def sparsity(w):\n    return np.mean(np.isclose(w, 0))\n"),
    Wrong("ex10.q5", "step size blamed", "def exact_zeros_answer():\n    return 'a'\n"),
    # Documented few without a name: two mistakes at once fit no single variant.
    Wrong("ex02.q1", NOT_NAMED, _momentum(
        "    velocity = momentum * velocity + learning_rate * grad\n"
        "    return theta + velocity, -velocity\n"),
          why_not_named="sign flipped and the velocity returned negated: two mistakes"),
    Wrong("ex06.q1", NOT_NAMED, _adam(
        "    m = beta_1 * m + (1 - beta_1) * grad\n"
        "    s = beta_2 * s + (1 - beta_2) * grad**2\n"
        "    return theta + learning_rate * m / np.sqrt(s + epsilon), m, s\n"),
          why_not_named="bias correction missing, ε inside and the sign flipped at once"),
    Wrong("ex04.q2", NOT_NAMED, _rmsprop(
        "    s = rho * s + (1 - rho) * grad**2\n"
        "    return theta - learning_rate * grad / np.sqrt(s) + epsilon, s\n"),
          why_not_named="parentheses missing: ε is added to θ, a slip no formula variant is"),
    Wrong("ex06.q1", NOT_NAMED, _adam(
        _ADAM_MS + "    if t > 1:  # 1 - beta**0 would be 0\n"
        "        m_hat, s_hat = m / (1 - beta_1**(t - 1)), s / (1 - beta_2**(t - 1))\n"
        "    else:\n"
        "        m_hat, s_hat = m, s\n"
        "    return theta - learning_rate * m_hat / (np.sqrt(s_hat) + epsilon), m, s\n"),
          why_not_named="t − 1, guarded at t = 1 by no correction: two mistakes on two cases"),
]


def _answer(wrong: Wrong):
    namespace: dict = {}
    exec("import numpy as np\n" + wrong.source, namespace)
    return namespace[TASKS[wrong.task_id].answer_name]


def _outcome(wrong: Wrong) -> tuple[str, str | None]:
    result = check_result(wrong.task_id, _answer(wrong))
    if result.passed:
        return "passed", None
    mistake = result.likely_mistake
    if mistake is None:
        return "not named", None
    return ("named right" if mistake.name == wrong.name else "named wrongly"), mistake.name


@pytest.mark.parametrize("wrong", WRONG, ids=[w.label for w in WRONG])
def test_each_wrong_answer_gets_its_name(wrong):
    outcome, name = _outcome(wrong)
    if wrong.name is NOT_NAMED:
        assert wrong.why_not_named and outcome == "not named", name
    else:
        assert outcome == "named right", f"{outcome}: {name}"


def test_nine_in_ten_named_right_none_wrongly_none_passing(capsys):
    counts = Counter(_outcome(wrong)[0] for wrong in WRONG)
    total = len(WRONG)
    with capsys.disabled():
        print(f"\n{total} realistic wrong answers: "
              + ", ".join(f"{counts[k]} {k}" for k in
                          ("named right", "not named", "named wrongly", "passed")))
    assert total >= 60
    assert counts["named right"] >= 0.9 * total
    assert counts["named wrongly"] == 0 and counts["passed"] == 0
    assert sum(w.name is NOT_NAMED for w in WRONG) <= 0.1 * total


def test_every_task_with_a_formula_has_wrong_answers_in_the_table():
    formula_tasks = {task_id for task_id, task in TASKS.items()
                     if task.kind == "function" and task.exercise_id.startswith("ex")}
    assert formula_tasks <= {wrong.task_id for wrong in WRONG}


def test_the_learner_edition_names_every_wrong_answer_from_its_data_alone(tmp_path):
    """The edition's tasks, rebuilt from the data release writes, judge each answer as the
    task modules do."""
    path = tmp_path / "visible_cases.json"
    path.write_text(json.dumps(visible_cases.to_data(EXERCISES, SELF_CHECKS)), encoding="utf-8")
    exercises, _ = visible_cases.read(path)
    from_data = {task.id: task for exercise in exercises.values() for task in exercise.tasks}
    for wrong in WRONG:
        task = from_data[wrong.task_id]
        assert task.reference is None
        judge = Judge(task, task.visible_cases())
        answer = _answer(wrong)
        result = judge.judge([call_learner(answer, case.arguments()) for case in judge.cases])
        mistake = result.likely_mistake
        assert not result.passed
        assert (mistake.name if mistake else NOT_NAMED) == wrong.name, wrong.label
