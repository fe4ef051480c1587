import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import transforms as tf
from helpers.rotations import exp_so3
from tests.strategies import rotvecs, vec3

F = np.diag([-1.0, 1.0, 1.0])


@given(rotvecs(), vec3, st.floats(0.1, 10), st.booleans())
def test_decompose_make_is_identity(w, t, s, m):
    R = exp_so3(w)
    R2, t2, s2, m2 = tf.decompose(tf.make_transform(R, t, s, m))
    np.testing.assert_allclose(R2, R, atol=1e-12)
    np.testing.assert_allclose(t2, t, atol=1e-12)
    assert np.isclose(s2, s) and m2 == m


@given(
    rotvecs(),
    vec3,
    st.floats(0.1, 10),
    st.booleans(),
    rotvecs(),
    vec3,
    st.floats(0.1, 10),
    st.booleans(),
)
def test_composition_stays_in_form_with_eq17_parameters(w1, t1, s1, m1, w2, t2, s2, m2):
    R1, R2 = exp_so3(w1), exp_so3(w2)
    A, B = tf.make_transform(R2, t2, s2, m2), tf.make_transform(R1, t1, s1, m1)
    C = tf.compose(A, B)
    R, t, s, m = tf.decompose(C)
    F1 = F if m1 else np.eye(3)
    assert m == (m1 != m2) and np.isclose(s, s1 * s2)
    np.testing.assert_allclose(R, F1 @ R2 @ F1 @ R1, atol=1e-10)
    np.testing.assert_allclose(t, s2 * F1 @ R2 @ F1 @ t1 + F1 @ t2, atol=1e-9)
    p = np.array([[0.3, -1.0, 2.0]])
    np.testing.assert_allclose(
        tf.apply_transform(C, p), tf.apply_transform(A, tf.apply_transform(B, p)), atol=1e-9
    )


@given(rotvecs(), vec3, st.floats(0.1, 10), st.booleans())
def test_invert(w, t, s, m):
    T = tf.make_transform(exp_so3(w), t, s, m)
    np.testing.assert_allclose(tf.invert(T) @ T, np.eye(4), atol=1e-9)
    np.testing.assert_allclose(tf.invert(T), np.linalg.inv(T), atol=1e-9)


def test_mirror_acts_after_rotation_and_translation():
    R = exp_so3([0, 0, np.pi / 2])
    T = tf.make_transform(R, [1.0, 0, 0], 2.0, True)
    x = np.array([1.0, 0, 0])
    np.testing.assert_allclose(
        tf.apply_transform(T, x), F @ (2.0 * R @ x + [1.0, 0, 0]), atol=1e-15
    )


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: tf.make_transform(scale=0.0), "positive"),
        (lambda: tf.make_transform(R=np.eye(3) * 2), "orthogonal"),
        (lambda: tf.decompose(np.ones((4, 4))), "last row"),
        (lambda: tf.decompose(np.diag([1.0, 2.0, 1.0, 1.0])), "orthogonal"),
        (lambda: tf.compose(np.eye(4), np.zeros((4, 4))), "last row"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
