import numpy as np
import pytest
from hypothesis import given, settings

from helpers import atomic, imaging, sampling, volumes
from helpers.rotations import exp_so3
from tests.strategies import rotvecs

X = atomic.toy_chain()


def test_toy_chain_has_calpha_bonds_and_no_clashes():
    bonds = np.linalg.norm(np.diff(X, axis=0), axis=1)
    np.testing.assert_allclose(bonds, 3.8, atol=0.05)
    D = np.linalg.norm(X[:, None] - X[None], axis=-1)
    assert D[np.triu_indices(len(X), 2)].min() > 4.5
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-12)


def test_hinge_keeps_bonds_and_moves_only_the_second_part():
    Y = atomic.hinge(X, 13, [0.3, 0.1, 1.0], 50.0)
    np.testing.assert_allclose(
        np.linalg.norm(np.diff(Y, axis=0), axis=1), np.linalg.norm(np.diff(X, axis=0), axis=1)
    )
    np.testing.assert_array_equal(Y[:14], X[:14])
    assert np.abs(Y[14:] - X[14:]).max() > 5
    np.testing.assert_allclose(atomic.hinge(Y, 13, [0.3, 0.1, 1.0], -50.0), X, atol=1e-12)


def test_projection_matches_projecting_a_voxel_map():
    Rs = sampling.uniform_rotations(3, np.random.default_rng(0))
    analytic = atomic.project_atoms(X, Rs, 32, 1.5, 2.0)
    for R, a in zip(Rs, analytic):
        v = imaging.project(volumes.gaussian_atoms_map(X, 32, 1.5, 2.0), R, order=3)
        assert np.abs(v - a).max() < 0.005 * a.max()


@settings(max_examples=25, deadline=None)
@given(rotvecs())
def test_projection_is_rotation_equivariant(rv):
    R = exp_so3(rv)
    np.testing.assert_allclose(
        atomic.project_atoms(X, R, 24, 1.5),
        atomic.project_atoms(X @ R.T, np.eye(3), 24, 1.5),
        atol=1e-9,
    )


def test_batched_conformations_match_one_by_one():
    Rs = sampling.uniform_rotations(2, np.random.default_rng(1))
    C = np.stack([X, atomic.hinge(X, 13, [0, 0, 1], 30.0)])
    batched = atomic.project_atoms(C, Rs, 24, 1.5)
    for c, R, b in zip(C, Rs, batched):
        np.testing.assert_allclose(atomic.project_atoms(c, R, 24, 1.5), b)


def test_loss_gradient_matches_finite_differences():
    rng = np.random.default_rng(2)
    Rs = sampling.uniform_rotations(4, rng)
    Y = atomic.project_atoms(X, Rs, 24, 1.5) + rng.normal(size=(4, 24, 24))
    start = X + 0.4 * rng.normal(size=X.shape)
    w = rng.uniform(0.5, 1.5, len(X))
    _, g = atomic.projection_loss(start, Rs, Y, 1.5, 1.8, w)
    h = 1e-5
    fd = np.zeros_like(start)
    for idx in np.ndindex(start.shape):
        e = np.zeros_like(start)
        e[idx] = h
        fd[idx] = (
            atomic.projection_loss(start + e, Rs, Y, 1.5, 1.8, w)[0]
            - atomic.projection_loss(start - e, Rs, Y, 1.5, 1.8, w)[0]
        ) / (2 * h)
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-7 * np.abs(g).max())


def test_bond_restraint_gradient_matches_finite_differences():
    rng = np.random.default_rng(3)
    Y = X + 0.3 * rng.normal(size=X.shape)
    L = np.linalg.norm(np.diff(X, axis=0), axis=1)
    _, g = atomic.bond_restraint(Y, L)
    h = 1e-6
    fd = np.zeros_like(Y)
    for idx in np.ndindex(Y.shape):
        e = np.zeros_like(Y)
        e[idx] = h
        fd[idx] = (atomic.bond_restraint(Y + e, L)[0] - atomic.bond_restraint(Y - e, L)[0]) / (
            2 * h
        )
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-9)


def test_fit_recovers_a_perturbed_chain_from_clean_views():
    Rs = sampling.uniform_rotations(6, np.random.default_rng(4))
    Y = atomic.project_atoms(X, Rs, 24, 1.5)
    start = X + 0.5 * np.random.default_rng(5).normal(size=X.shape)
    L = np.linalg.norm(np.diff(X, axis=0), axis=1)
    fit = atomic.fit_atoms(start, Rs, Y, 1.5, bond_weight=0.1, bond_lengths=L, steps=300, lr=0.1)
    assert np.sqrt(np.mean(np.sum((fit.coords - X) ** 2, axis=1))) < 0.05
    assert fit.image_loss[-1] < 1e-3 * fit.image_loss[0]
    assert fit.trajectory.shape == (31, len(X), 3) and len(fit.image_loss) == 301


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="n_atoms"):
        atomic.project_atoms(np.zeros((0, 3)), np.eye(3), 16, 1.0)
    with pytest.raises(ValueError, match="positive"):
        atomic.project_atoms(X, np.eye(3), 16, 1.0, sigma=0.0)
    with pytest.raises(ValueError, match="to match"):
        atomic.projection_loss(X, np.stack([np.eye(3)] * 2), np.zeros((3, 16, 16)), 1.0)
    with pytest.raises(ValueError, match="pivot_index"):
        atomic.hinge(X, 99, [0, 0, 1], 10.0)
    with pytest.raises(ValueError, match="coincide"):
        atomic.bond_restraint(np.zeros((3, 3)), np.ones(2))
    with pytest.raises(ValueError):
        atomic.fit_atoms(X, np.eye(3), np.zeros((16, 16)), 1.0, lr=-1.0)
