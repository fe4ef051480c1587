import numpy as np
import pytest
from scipy import stats

from helpers import sampling
from helpers.rotations import matrix_to_axis_angle, quat_to_matrix


def angle_cdf(theta):
    """CDF of the rotation angle of a Haar-uniform rotation: density (1 - cos t)/pi."""
    return (theta - np.sin(theta)) / np.pi


def test_uniform_rotations_angle_density_ks():
    R = sampling.uniform_rotations(20000, np.random.default_rng(1))
    _, angle = matrix_to_axis_angle(R)
    assert stats.kstest(angle, angle_cdf).pvalue > 0.01


def test_shoemake_angle_density_ks_and_axis_uniform():
    u = np.random.default_rng(2).uniform(size=(20000, 3))
    R = quat_to_matrix(sampling.uniform_quaternions_shoemake(u))
    _, angle = matrix_to_axis_angle(R)
    assert stats.kstest(angle, angle_cdf).pvalue > 0.01
    # R e_z is uniform on the sphere, so its z-component is uniform on [-1, 1]
    assert stats.kstest(R[:, 2, 2], stats.uniform(-1, 2).cdf).pvalue > 0.01


def test_ks_detects_a_non_uniform_sampler():
    # rotation vectors uniform in the ball are NOT Haar-uniform: the test must say so
    rng = np.random.default_rng(3)
    angle = np.pi * rng.uniform(size=20000) ** (1 / 3)
    assert stats.kstest(angle, angle_cdf).pvalue < 1e-6


def test_shoemake_unit_norm_and_reproducible():
    u = np.random.default_rng(4).uniform(size=(100, 3))
    q = sampling.uniform_quaternions_shoemake(u)
    np.testing.assert_allclose(np.linalg.norm(q, axis=-1), 1.0)
    a = sampling.uniform_rotations(5, np.random.default_rng(9))
    b = sampling.uniform_rotations(5, np.random.default_rng(9))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: sampling.uniform_rotations(-1, np.random.default_rng(0)), "non-negative integer"),
        (lambda: sampling.uniform_rotations(3, 0), "Generator"),
        (lambda: sampling.uniform_quaternions_shoemake([0.5, 1.5, 0.2]), r"\[0, 1\]"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
