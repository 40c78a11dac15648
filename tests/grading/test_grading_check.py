"""The in-notebook side: check() lines and wording, hints one at a time, the score cell."""

import numpy as np
import pytest

from course_lib.exercises import check, check_result, hint, hint_button, hints, score
from course_lib.exercises import display as grading_display
from course_lib.exercises.feedback import task_html, task_text
from course_lib.exercises.grader_flag import GRADER_ENV
from course_lib.exercises.tasks import get_task


def momentum_step(theta, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    return theta + velocity, velocity


def shown(capsys, task_id, answer):
    check(task_id, answer)
    return capsys.readouterr().out


def test_a_right_answer_gets_a_tick_per_case_and_no_all_passed(capsys):
    out = shown(capsys, "ex02.q1", momentum_step)
    cases = get_task("ex02.q1").visible_cases()
    headline, *lines = out.strip().splitlines()
    n = len(cases)
    assert f"{n} of {n} visible cases passed; more cases are checked when graded" in headline
    assert "all" not in headline.lower()
    assert [line.strip() for line in lines] == [f"✓ {case.label}" for case in cases]


def test_questions_without_hidden_cases_just_say_correct(capsys):
    assert shown(capsys, "ex02.q3", lambda: 20).strip() == "ex02.q3 · speedup: ✓ correct."
    assert "✓ correct." in shown(capsys, "ex02.q4", lambda: " B) ")


def test_an_untouched_stub_is_not_attempted_not_a_traceback(capsys):
    def momentum_step(theta, velocity, grad, learning_rate, momentum):
        raise NotImplementedError()

    out = shown(capsys, "ex02.q1", momentum_step)
    assert "not attempted yet" in out
    assert "Traceback" not in out and "✗" not in out
    assert len(out.strip().splitlines()) == 1


def test_an_error_is_one_readable_line(capsys):
    def terminal_velocity(grad, learning_rate, momentum):
        return {}["missing"]

    out = shown(capsys, "ex02.q2", terminal_velocity)
    assert out.strip().splitlines() == [
        "ex02.q2 · terminal_velocity: ✗ raised KeyError: 'missing' (on every case)."]


def test_sys_exit_inside_a_function_is_reported_not_obeyed(capsys):
    def speedup():
        raise SystemExit(3)

    assert "called sys.exit()" in shown(capsys, "ex02.q3", speedup)


def test_passing_the_result_instead_of_the_function(capsys):
    out = shown(capsys, "ex02.q1", (np.zeros(2), np.zeros(2)))
    assert "needs the function itself" in out and "without parentheses" in out


def test_a_value_question_accepts_the_value_itself(capsys):
    assert "✓ correct." in shown(capsys, "ex02.q3", 20.0)


@pytest.mark.parametrize(("answer", "says"), [
    (lambda **k: (np.zeros(1), np.zeros(1)), "theta: returned an array of shape (1,); expected"),
    (lambda **k: "hello", "returned a str; expected 2 values (theta, velocity)"),
    (lambda **k: (np.zeros(2), np.zeros(2), np.zeros(2)), "returned a tuple of 3 items"),
    (lambda **k: (np.array([True, False]), np.zeros(2)), "True/False"),
    (lambda **k: None, "returned None"),
])
def test_wrong_forms_are_described(capsys, answer, says):
    out = shown(capsys, "ex02.q1", answer)
    assert says in out
    assert "0 of" in out


def test_nan_is_pointed_out(capsys):
    out = shown(capsys, "ex02.q2", lambda grad, learning_rate, momentum: grad * np.nan)
    assert "NaN or inf" in out and "✗" in out


def test_an_object_that_equals_everything_does_not_pass(capsys):
    class AlwaysEqual:
        def __eq__(self, other):
            return True

        def __float__(self):
            return 20.0

    result = check_result("ex02.q3", AlwaysEqual)
    assert not result.passed
    assert "AlwaysEqual" in shown(capsys, "ex02.q3", lambda: AlwaysEqual())


def test_lists_and_plain_numbers_count_like_arrays():
    def terminal_velocity(grad, learning_rate, momentum):
        return [-learning_rate * g / (1 - momentum) for g in grad]

    assert check_result("ex02.q2", terminal_velocity).passed


def test_a_call_that_changes_its_inputs_cannot_spoil_later_checks():
    def spoiler(theta, velocity, grad, learning_rate, momentum):
        theta[:] = 1e9
        return momentum_step(theta, velocity, grad, learning_rate, momentum)

    assert not check_result("ex02.q1", spoiler).passed
    assert check_result("ex02.q1", momentum_step).passed


def test_html_has_coloured_marks_and_escapes_text():
    def raises(**kwargs):
        raise ValueError("<b>not bold</b>")

    failed = check_result("ex02.q1", raises)
    html = task_html(failed)
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html and "<b>not bold</b>" not in html
    assert '<span style="color:#cf222e;font-weight:bold">✗</span>' in html
    passed = task_html(check_result("ex02.q1", momentum_step))
    assert passed.count('<span style="color:#1a7f37;font-weight:bold">✓</span>') == len(
        get_task("ex02.q1").visible_cases()) + 1


def test_in_a_kernel_check_displays_html_with_a_text_fallback(monkeypatch):
    shown_bundles = []
    monkeypatch.setattr(grading_display, "in_kernel", lambda: True)
    import IPython.display

    monkeypatch.setattr(IPython.display, "display",
                        lambda bundle, raw: shown_bundles.append(bundle))
    check("ex02.q1", momentum_step)
    (bundle,) = shown_bundles
    result = check_result("ex02.q1", momentum_step)
    assert bundle == {"text/plain": task_text(result), "text/html": task_html(result)}


def test_inside_the_grader_checks_hints_and_score_stay_silent(capsys, monkeypatch):
    monkeypatch.setenv(GRADER_ENV, "1")
    check("ex02.q1", momentum_step)
    hint("ex02.q1")
    hint_button("ex02.q1")
    score("ex02", {})
    assert capsys.readouterr().out == ""


def test_unknown_task_names_the_known_ones():
    with pytest.raises(ValueError, match=r"ex02\.q9.*ex02\.q1, ex02\.q2, ex02\.q3, ex02\.q4"):
        check("ex02.q9", momentum_step)


@pytest.fixture
def fresh_hints(monkeypatch):
    monkeypatch.setattr(hints, "_opened", {})


def test_hint_opens_the_next_hint_each_call(capsys, fresh_hints):
    task = get_task("ex02.q1")
    count = len(task.hints)
    for number in range(1, count + 1):
        hint("ex02.q1")
        assert capsys.readouterr().out.strip() == (
            f"Hint {number}/{count} for ex02.q1: {task.hints[number - 1]}")
    hint("ex02.q1")
    again = capsys.readouterr().out
    assert again.startswith("No more hints for ex02.q1")
    assert all(text in again for text in task.hints)


def test_the_hint_button_opens_one_hint_per_click_and_shares_the_counter(fresh_hints, capsys):
    task = get_task("ex02.q2")
    box = hints.hint_box("ex02.q2")
    button, opened = box.children
    assert button.description == "Show a hint (1/3)" and opened.children == ()
    button.click()
    assert button.description == "Show a hint (2/3)"
    assert len(opened.children) == 1 and task.hints[0] in opened.children[0].value
    hint("ex02.q2")  # the text fallback takes the second hint
    assert "Hint 2/3" in capsys.readouterr().out
    rebuilt_button, rebuilt_opened = hints.hint_box("ex02.q2").children
    assert rebuilt_button.description == "Show a hint (3/3)"
    assert len(rebuilt_opened.children) == 2
    rebuilt_button.click()
    assert rebuilt_button.disabled and rebuilt_button.description == "No more hints"


def test_hint_button_outside_jupyter_explains_the_text_fallback(capsys):
    hint_button("ex02.q1")
    assert 'run hint("ex02.q1")' in capsys.readouterr().out


def test_score_rechecks_every_task_from_the_notebook_namespace(capsys):
    def terminal_velocity(grad, learning_rate, momentum):
        return -learning_rate * grad / (1 + momentum)

    def lower_beta_answer():
        raise NotImplementedError

    namespace = {"momentum_step": momentum_step, "terminal_velocity": terminal_velocity,
                 "lower_beta_answer": lower_beta_answer, "score": score}
    exec('score("ex02")', namespace)
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "ex02 · Momentum: score so far 2/6"
    assert lines[1].split() == ["✓", "ex02.q1", "momentum_step", "2/2"]
    assert lines[2].split()[:4] == ["✗", "ex02.q2", "terminal_velocity", "0/2"]
    assert "likely mistake: 1+β where 1−β belongs" in lines[2]
    assert "not defined yet" in lines[3] and "speedup" in lines[3]
    assert "not attempted yet" in lines[4] and "0/1" in lines[4]
    assert "checks more cases" in lines[5]


def test_score_says_when_a_function_was_checked_under_another_name(capsys):
    namespace = {"check": check, "score": score}
    exec("def my_step(theta, velocity, grad, learning_rate, momentum):\n"
         "    velocity = momentum * velocity - learning_rate * grad\n"
         "    return theta + velocity, velocity\n"
         'check("ex02.q1", my_step)\n', namespace)
    capsys.readouterr()
    exec('score("ex02")', namespace)
    row = next(line for line in capsys.readouterr().out.splitlines() if "ex02.q1" in line)
    assert row.split()[:4] == ["…", "ex02.q1", "momentum_step", "0/2"]
    assert ("checked under the name my_step; score looks for momentum_step: "
            "rename my_step to momentum_step") in row


def test_a_function_checked_under_its_own_name_and_then_deleted_is_not_defined_yet(capsys):
    namespace = {"check": check, "score": score}
    exec("def speedup():\n    return 20\n"
         'check("ex02.q3", speedup)\n'
         "del speedup\n", namespace)
    capsys.readouterr()
    exec('score("ex02")', namespace)
    row = next(line for line in capsys.readouterr().out.splitlines() if "ex02.q3" in line)
    assert "not defined yet" in row and "checked under" not in row
