"""The 2-D test functions: gradients against finite differences, minima, curvature."""

import math

import numpy as np
import pytest

from course_lib.problems import PROBLEMS, Beale, Bowl, Rosenbrock, RotatedBowl, Saddle

INSTANCES = [
    Bowl(),
    Bowl(condition_number=1),
    Bowl(condition_number=100),
    Bowl(condition_number=25, angle=30),
    RotatedBowl(),
    RotatedBowl(condition_number=100),
    Rosenbrock(),
    Rosenbrock(a=-0.5, b=7),
    Beale(),
    Saddle(),
]


def random_points(problem, count, seed):
    rng = np.random.default_rng(seed)
    (xmin, xmax), (ymin, ymax) = problem.bounds
    return np.column_stack([rng.uniform(xmin, xmax, count), rng.uniform(ymin, ymax, count)])


def central_difference(problem, point, h):
    """(f(p + h e_i) − f(p − h e_i)) / 2h for each coordinate i: error O(h²)."""
    gradient = np.zeros(2)
    for i in range(2):
        step = np.zeros(2)
        step[i] = h
        gradient[i] = (problem.value(point + step) - problem.value(point - step)) / (2 * h)
    return gradient


def hessian_by_differences(problem, point, h=1e-3):
    """Each column: the change of the exact gradient along one axis, by central differences."""
    columns = []
    for i in range(2):
        step = np.zeros(2)
        step[i] = h
        columns.append((problem.gradient(point + step) - problem.gradient(point - step)) / (2 * h))
    return np.column_stack(columns)


@pytest.mark.parametrize("problem", INSTANCES, ids=repr)
def test_gradient_matches_central_differences(problem):
    for point in random_points(problem, 200, seed=7):
        numeric = central_difference(problem, point, h=1e-5)
        exact = problem.gradient(point)
        scale = max(1.0, float(np.max(np.abs(exact))))
        assert np.max(np.abs(numeric - exact)) <= 1e-6 * scale, (point, numeric, exact)


@pytest.mark.parametrize("problem", INSTANCES, ids=repr)
def test_value_and_gradient_take_a_whole_grid(problem):
    grid = random_points(problem, 12, seed=3).reshape(3, 4, 2)
    values = problem.value(grid)
    gradients = problem.gradient(grid)
    assert values.shape == (3, 4)
    assert gradients.shape == (3, 4, 2)
    for index in np.ndindex(3, 4):
        assert values[index] == pytest.approx(problem.value(grid[index]), rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(gradients[index], problem.gradient(grid[index]),
                                   rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("problem", INSTANCES, ids=repr)
def test_one_point_gives_a_scalar_loss_and_a_2_vector(problem):
    assert np.ndim(problem.value(problem.default_start)) == 0
    assert problem.gradient(problem.default_start).shape == (2,)


@pytest.mark.parametrize("problem", [p for p in INSTANCES if p.minimum is not None], ids=repr)
def test_minimiser_has_zero_gradient_and_nothing_nearby_is_lower(problem):
    np.testing.assert_allclose(problem.gradient(problem.minimum), 0.0, atol=1e-12)
    rng = np.random.default_rng(11)
    nearby = problem.minimum + rng.normal(scale=0.05, size=(500, 2))
    assert np.all(problem.value(nearby) >= problem.value(problem.minimum))


def test_hand_values():
    # Bowl, angle 0: ½(x² + κy²).
    bowl = Bowl(condition_number=10)
    assert bowl.value([1.0, 0.0]) == pytest.approx(0.5)
    assert bowl.value([0.0, 1.0]) == pytest.approx(5.0)
    assert bowl.value([-8.0, 2.0]) == pytest.approx(0.5 * (64 + 10 * 4))
    # Turned 45° counter-clockwise, the steep axis v points along (−1, 1)/√2.
    rotated = RotatedBowl(condition_number=10)
    r = 1 / math.sqrt(2)
    assert rotated.value([r, r]) == pytest.approx(0.5)
    assert rotated.value([-r, r]) == pytest.approx(5.0)
    # Rosenbrock at the origin: (1 − 0)² + 100·0² = 1, gradient (−2, 0).
    assert Rosenbrock().value([0.0, 0.0]) == pytest.approx(1.0)
    np.testing.assert_allclose(Rosenbrock().gradient([0.0, 0.0]), [-2.0, 0.0])
    # Beale at the origin: 1.5² + 2.25² + 2.625²; its minimum value is 0.
    assert Beale().value([0.0, 0.0]) == pytest.approx(1.5**2 + 2.25**2 + 2.625**2)
    assert Beale().value([3.0, 0.5]) == pytest.approx(0.0, abs=1e-15)
    # Saddle: x² − y².
    assert Saddle().value([2.0, 3.0]) == pytest.approx(4 - 9)
    np.testing.assert_allclose(Saddle().gradient([2.0, 3.0]), [4.0, -6.0])


@pytest.mark.parametrize("kappa", [1.0, 4.0, 10.0, 100.0, 1e4])
def test_bowl_hessian_condition_number_is_kappa(kappa):
    bowl = Bowl(condition_number=kappa)
    hessian = hessian_by_differences(bowl, np.array([0.3, -1.2]))
    eigenvalues = np.linalg.eigvalsh(hessian)
    assert eigenvalues.max() / eigenvalues.min() == pytest.approx(kappa, rel=1e-8)


@pytest.mark.parametrize("angle", [0.0, 17.0, 45.0, 90.0, 133.0, -60.0])
def test_rotation_keeps_the_eigenvalues(angle):
    turned = Bowl(condition_number=30, angle=angle)
    hessian = hessian_by_differences(turned, np.array([1.0, 2.0]))
    np.testing.assert_allclose(np.linalg.eigvalsh(hessian), [1.0, 30.0], rtol=1e-8)
    # The steep direction is the y axis turned by `angle`.
    steep = np.array([-math.sin(math.radians(angle)), math.cos(math.radians(angle))])
    np.testing.assert_allclose(hessian @ steep, 30.0 * steep, atol=1e-6)


def test_45_degree_bowl_couples_the_coordinates():
    hessian = hessian_by_differences(RotatedBowl(condition_number=10), np.zeros(2))
    # R diag(1, 10) Rᵀ at 45° is [[5.5, −4.5], [−4.5, 5.5]].
    np.testing.assert_allclose(hessian, [[5.5, -4.5], [-4.5, 5.5]], atol=1e-8)


def test_saddle_has_no_minimum_and_an_indefinite_hessian():
    saddle = Saddle()
    assert saddle.minimum is None
    np.testing.assert_array_equal(saddle.gradient([0.0, 0.0]), [0.0, 0.0])
    eigenvalues = np.linalg.eigvalsh(hessian_by_differences(saddle, np.zeros(2)))
    np.testing.assert_allclose(eigenvalues, [-2.0, 2.0], atol=1e-8)


def test_registry_builds_every_problem_under_its_name():
    assert set(PROBLEMS) == {"bowl", "rotated_bowl", "rosenbrock", "beale", "saddle"}
    for name, factory in PROBLEMS.items():
        problem = factory()
        assert problem.name == name
        (xmin, xmax), (ymin, ymax) = problem.bounds
        points = [problem.default_start] if problem.minimum is None else [
            problem.default_start, problem.minimum]
        for point in points:
            assert xmin <= point[0] <= xmax and ymin <= point[1] <= ymax, (name, point)
        assert np.all(np.diff(problem.levels) > 0)
    assert PROBLEMS["bowl"](condition_number=50).condition_number == 50


@pytest.mark.parametrize("kappa", [0.5, 0.0, -3.0, math.nan, math.inf])
def test_bowl_rejects_condition_numbers_below_one(kappa):
    with pytest.raises(ValueError,
                       match=f"^condition_number must be a finite number >= 1, got {kappa}$"):
        Bowl(condition_number=kappa)


def test_bad_arguments_are_named():
    with pytest.raises(TypeError,
                       match="^condition_number must be a finite number >= 1, got '10'$"):
        Bowl(condition_number="10")
    with pytest.raises(TypeError,
                       match="^condition_number must be a finite number >= 1, got True$"):
        Bowl(condition_number=True)
    with pytest.raises(ValueError, match="^angle must be a finite number, got inf$"):
        Bowl(angle=math.inf)
    with pytest.raises(ValueError, match="^b must be a finite number > 0, got 0$"):
        Rosenbrock(b=0)
    with pytest.raises(ValueError, match="xy"):
        Bowl().value([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="xy"):
        Beale().gradient(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="xy"):
        Saddle().value(1.0)
