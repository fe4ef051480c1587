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
    Y = atomic.hinge(X, 13, [0.3, 0.1, 1.0], 50.0, degrees=True)
    np.testing.assert_allclose(atomic.hinge(X, 13, [0.3, 0.1, 1.0], np.deg2rad(50.0)), Y)
    np.testing.assert_allclose(
        np.linalg.norm(np.diff(Y, axis=0), axis=1), np.linalg.norm(np.diff(X, axis=0), axis=1)
    )
    np.testing.assert_array_equal(Y[:14], X[:14])
    assert np.abs(Y[14:] - X[14:]).max() > 5
    np.testing.assert_allclose(
        atomic.hinge(Y, 13, [0.3, 0.1, 1.0], -50.0, degrees=True), X, atol=1e-12
    )


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
    C = np.stack([X, atomic.hinge(X, 13, [0, 0, 1], 30.0, degrees=True)])
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
    with pytest.raises(ValueError, match="one per rotation of Rs"):
        atomic.projection_loss(X, np.stack([np.eye(3)] * 2), np.zeros((3, 16, 16)), 1.0)
    with pytest.raises(ValueError, match="pivot_index"):
        atomic.hinge(X, 99, [0, 0, 1], 0.1)
    with pytest.raises(ValueError, match="angle"):
        atomic.hinge(X, 13, [0, 0, 1], np.nan)
    with pytest.raises(ValueError, match="degree"):
        atomic.fit_latent_decoder(
            X,
            np.stack([np.eye(3)] * 3),
            np.zeros((3, 16, 16)),
            1.0,
            np.random.default_rng(0),
            degree=3,
        )
    with pytest.raises(ValueError, match="one structure per view"):
        atomic.projection_loss(
            np.stack([X] * 3), np.stack([np.eye(3)] * 2), np.zeros((2, 16, 16)), 1.0
        )
    with pytest.raises(ValueError, match="coincide"):
        atomic.bond_restraint(np.zeros((3, 3)), np.ones(2))
    with pytest.raises(ValueError):
        atomic.fit_atoms(X, np.eye(3), np.zeros((16, 16)), 1.0, lr=-1.0)


def test_per_view_gradient_matches_finite_differences():
    rng = np.random.default_rng(11)
    Rs = sampling.uniform_rotations(3, rng)
    C = np.stack([atomic.hinge(X, 13, [0, 0, 1], a) for a in (-0.3, 0.0, 0.4)])
    Y = atomic.project_atoms(C, Rs, 24, 1.5) + 0.1 * rng.normal(size=(3, 24, 24))
    start = C + 0.3 * rng.normal(size=C.shape)
    loss, g = atomic.projection_loss(start, Rs, Y, 1.5)
    assert g.shape == C.shape
    for idx in [(0, 3, 0), (1, 20, 1), (2, 26, 2), (2, 5, 1)]:
        e = np.zeros_like(start)
        e[idx] = 1e-5
        fd = (
            atomic.projection_loss(start + e, Rs, Y, 1.5)[0]
            - atomic.projection_loss(start - e, Rs, Y, 1.5)[0]
        ) / 2e-5
        np.testing.assert_allclose(g[idx], fd, rtol=1e-5, atol=1e-8)
    # one structure per view equals the single-structure loss when they coincide
    same = atomic.projection_loss(np.stack([X] * 3), Rs, Y, 1.5)
    single = atomic.projection_loss(X, Rs, Y, 1.5)
    assert np.isclose(same[0], single[0])
    np.testing.assert_allclose(same[1].sum(axis=0), single[1], atol=1e-9)


def test_fit_hinge_finds_the_angle_and_its_gradient_is_exact():
    Rs = sampling.uniform_rotations(8, np.random.default_rng(12))
    Y = atomic.project_atoms(atomic.hinge(X, 13, [0, 0, 1], 0.2), Rs, 24, 1.5)
    fit = atomic.fit_hinge(X, 13, [0, 0, 1], 0.6, Rs, Y, 1.5)
    assert abs(fit.angle - 0.2) < 0.01
    assert fit.image_loss[-1] < 1e-3 * fit.image_loss[0]
    # Adam's first step is lr in the direction of minus the derivative; check its sign
    h = 1e-6
    f = lambda a: atomic.projection_loss(atomic.hinge(X, 13, [0, 0, 1], a), Rs, Y, 1.5)[0]  # noqa: E731
    slope = (f(0.6 + h) - f(0.6 - h)) / (2 * h)
    assert np.sign(fit.angles[1] - fit.angles[0]) == -np.sign(slope)


def test_latent_decoder_recovers_a_hinge_motion_and_keeps_structures_under_standardising():
    rng = np.random.default_rng(13)
    Rs = sampling.uniform_rotations(60, rng)
    z = rng.uniform(-1, 1, 60)
    C = np.stack([atomic.hinge(X, 13, [0, 0, 1], 0.5 * a) for a in z])
    fit = atomic.fit_latent_decoder(X, Rs, atomic.project_atoms(C, Rs, 24, 1.5), 1.5, rng)
    assert abs(np.corrcoef(fit.latents[:, 0], z)[0, 1]) > 0.95
    np.testing.assert_allclose(fit.latents.mean(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(fit.latents.std(axis=0), 1, atol=1e-6)
    D = fit.decode(fit.latents)
    assert np.median(np.sqrt(np.mean(np.sum((D - C) ** 2, -1), -1))) < 0.6
    # the reported image loss is the loss of the reported decoder and latents
    assert np.isclose(
        atomic.projection_loss(D, Rs, atomic.project_atoms(C, Rs, 24, 1.5), 1.5)[0],
        fit.image_loss[-1],
    )


def test_projection_of_a_stack_equals_one_view_at_a_time():
    # the stack is projected in blocks of views; blocks must not mix up the views
    Rs = sampling.uniform_rotations(300, np.random.default_rng(2))
    w = np.random.default_rng(3).uniform(0.5, 2.0, len(X))
    stack = atomic.project_atoms(X, Rs, 20, 1.5, weights=w)
    for i in (0, 127, 128, 299):
        np.testing.assert_allclose(stack[i], atomic.project_atoms(X, Rs[i], 20, 1.5, weights=w))
