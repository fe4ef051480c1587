"""Hypothesis strategies shared by the tests."""

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

finite = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False)
vec3 = st.tuples(finite, finite, finite).map(np.array)


@st.composite
def unit_quaternions(draw):
    q = np.array(draw(st.tuples(finite, finite, finite, finite)))
    n = np.linalg.norm(q)
    assume(n > 1e-3)
    return q / n


@st.composite
def rotvecs(draw, max_angle=np.pi):
    """Rotation vectors whose angle is often 0, tiny, or close to pi."""
    axis = draw(vec3)
    assume(np.linalg.norm(axis) > 1e-3)
    axis = axis / np.linalg.norm(axis)
    special = [
        0.0,
        1e-12,
        1e-8,
        1e-5,
        1e-3,
        max_angle - 1e-3,
        max_angle - 1e-7,
        max_angle - 1e-10,
        max_angle,
    ]
    angle = draw(st.one_of(st.sampled_from(special), st.floats(0.0, max_angle)))
    return axis * angle
