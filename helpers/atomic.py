"""Differentiable atomic models: Gaussian pseudo-atoms -> projections, with exact gradients.

A map made of isotropic Gaussians has analytic projections: an atom at ``x`` seen at
rotation ``R`` projects to a 2-D Gaussian centred on the first two coordinates of
``R x``. So the image, a least-squares image loss and its gradient with respect to every
atom coordinate are closed-form and vectorised over views and atoms; no voxel grid is
needed. This is the forward model of an *atomic decoder*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize

from ._checks import (
    as_float_array,
    check_int,
    check_nonnegative,
    check_positive,
    check_rotation_matrix,
    check_scalar,
)
from .rotations import axis_angle_to_matrix
from .volumes import grid_coordinates

Array = NDArray[np.float64]

__all__ = [
    "toy_chain",
    "hinge",
    "project_atoms",
    "projection_loss",
    "bond_restraint",
    "AtomFit",
    "fit_atoms",
    "HingeFit",
    "fit_hinge",
    "LatentDecoderFit",
    "fit_latent_decoder",
]


def toy_chain(n_per_helix: int = 12) -> Array:
    """C-alpha-like coordinates (Å) of a helix-loop-helix chain, centred on its centroid.

    Two antiparallel alpha-helix-like coils (radius 2.3 Å, 100 degrees and 1.5 Å rise per
    residue, so 3.8 Å between neighbours) joined by a three-residue loop. Deterministic.
    The loop's middle atom, index ``n_per_helix + 1``, is a natural hinge.

    Parameters
    ----------
    n_per_helix : int, default 12
        Atoms per helix, at least 4 (the loop adds 3).

    Returns
    -------
    ndarray, shape (2 n_per_helix + 3, 3)
        Coordinates in Å, centroid at the origin.

    Examples
    --------
    >>> X = toy_chain()
    >>> X.shape
    (27, 3)
    >>> bool(np.all(np.abs(np.linalg.norm(np.diff(X, axis=0), axis=1) - 3.8) < 0.3))
    True
    """
    n_per_helix = check_int(n_per_helix, "n_per_helix", low=4)
    k = np.arange(n_per_helix, dtype=float)
    a = np.deg2rad(100.0) * k
    rise = 1.5
    length = rise * (n_per_helix - 1)
    h1 = np.c_[rise * k, -5.0 + 2.3 * np.cos(a), 2.3 * np.sin(a)]
    h2 = np.c_[length - rise * k, 5.0 + 2.3 * np.cos(a + np.pi), 2.3 * np.sin(a + np.pi)]
    # loop: three atoms on a circular arc bulging towards +x, four equal 3.8 Å chords
    end, start = h1[-1], h2[0]
    D = np.linalg.norm(start - end)
    u = (start - end) / D
    v = np.array([1.0, 0.0, 0.0]) - u[0] * u
    v /= np.linalg.norm(v)
    # total arc angle phi: D = 2 rho sin(phi / 2) and 3.8 = 2 rho sin(phi / 8)
    phi = optimize.brentq(lambda f: np.sin(f / 2) / np.sin(f / 8) - D / 3.8, 1e-6, 2 * np.pi - 1e-6)
    rho = D / (2 * np.sin(phi / 2))
    centre = 0.5 * (end + start) - v * rho * np.cos(phi / 2)
    ang = -phi / 2 + phi / 4 * np.arange(1, 4)
    loop = centre + rho * (np.cos(ang)[:, None] * v + np.sin(ang)[:, None] * u)
    xyz = np.concatenate([h1, loop, h2])
    return xyz - xyz.mean(axis=0)


def hinge(
    coords: ArrayLike,
    pivot_index: int,
    axis: ArrayLike,
    angle: float,
    degrees: bool = False,
) -> Array:
    """Rotate every atom after ``pivot_index`` by ``angle`` about an axis through that atom.

    Bond lengths along the chain are unchanged (the pivot lies on the axis), so this is
    a rigid-body hinge motion of the second part of the chain. ``angle`` is in radians
    unless ``degrees``; positive is counter-clockwise looking down ``axis``.

    Parameters
    ----------
    coords : array_like, shape (n_atoms, 3)
        The chain, ``(x, y, z)`` in Å.
    pivot_index : int
        Index of the hinge atom; every later atom turns.
    axis : array_like, shape (3,)
        Direction of the hinge axis (normalised).
    angle : float
        Turn angle, radians (degrees with ``degrees=True``).
    degrees : bool, default False
        ``angle`` is in degrees.

    Returns
    -------
    ndarray, shape (n_atoms, 3)
        The hinged chain; atoms up to the pivot are unchanged.

    Examples
    --------
    >>> X = toy_chain()
    >>> Y = hinge(X, 13, [0, 0, 1], 30.0, degrees=True)
    >>> bool(np.allclose(np.linalg.norm(np.diff(X, axis=0), axis=1),
    ...                  np.linalg.norm(np.diff(Y, axis=0), axis=1)))
    True
    """
    X = as_float_array(coords, "coords", (3,))
    if X.ndim != 2:
        raise ValueError(f"coords must have shape (n_atoms, 3), got {X.shape}")
    pivot_index = check_int(pivot_index, "pivot_index", low=0)
    angle = check_scalar(angle, "angle")
    if not 0 <= pivot_index < len(X):
        raise ValueError(f"pivot_index must be in [0, {len(X)}), got {pivot_index}")
    u = as_float_array(axis, "axis")
    if u.shape != (3,) or np.linalg.norm(u) == 0:
        raise ValueError("axis must be a non-zero 3-vector")
    a = float(angle)
    if not np.isfinite(a):
        raise ValueError(f"angle must be finite, got {angle!r}")
    R = axis_angle_to_matrix(u, np.deg2rad(a) if degrees else a)
    out = X.copy()
    p = X[pivot_index]
    out[pivot_index + 1 :] = (X[pivot_index + 1 :] - p) @ R.T + p
    return out


def _views(Rs: ArrayLike) -> tuple[Array, bool]:
    R = check_rotation_matrix(Rs, "Rs")
    single = R.ndim == 2
    return (R[None] if single else R.reshape(-1, 3, 3)), single


def _check_atoms(coords: ArrayLike, weights: ArrayLike | None) -> tuple[Array, Array]:
    X = as_float_array(coords, "coords", (3,))
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"coords must have shape (n_atoms, 3) with n_atoms >= 1, got {X.shape}")
    w = np.ones(len(X)) if weights is None else as_float_array(weights, "weights")
    if w.shape != (len(X),):
        raise ValueError(f"weights must have shape ({len(X)},), got {w.shape}")
    return X, w


def _check_grid(n: int, pixel_size: float, sigma: float) -> None:
    check_int(n, "n", low=2)
    check_positive(pixel_size, "pixel_size")
    check_positive(sigma, "sigma")


_VIEW_CHUNK = 128  # views per block in project_atoms


def _gaussians(P: Array, n: int, pixel_size: float, sigma: float) -> tuple[Array, Array, Array]:
    """1-D Gaussian profiles along x and y for projected positions P (m, a, 3)."""
    g = grid_coordinates(int(n), pixel_size)
    dx = g[None, None, :] - P[..., 0:1]  # (m, a, n)
    dy = g[None, None, :] - P[..., 1:2]
    return np.exp(-0.5 * (dx / sigma) ** 2), np.exp(-0.5 * (dy / sigma) ** 2), (dx, dy)


def project_atoms(
    coords: ArrayLike,
    Rs: ArrayLike,
    n: int,
    pixel_size: float,
    sigma: float = 1.5,
    weights: ArrayLike | None = None,
) -> Array:
    """Analytic projections of a Gaussian-atom map, one ``(n, n)`` image per rotation.

    Matches ``imaging.project(volumes.gaussian_atoms_map(coords, n, pixel_size, sigma), R)``
    (the integral of each Gaussian along the beam, ``sqrt(2 pi) sigma / pixel_size``,
    replaces the sum over voxels), without the voxel grid or interpolation.

    Parameters
    ----------
    coords : array_like, shape (n_atoms, 3) or (m, n_atoms, 3)
        Atom positions in Å about the box centre; one set for all views, or one per view
        (a heterogeneous data set).
    Rs : array_like, shape (3, 3) or (m, 3, 3)
        Rotations applied to the molecule before projecting along z.
    n : int
        Image size in pixels; pixel ``n // 2`` is the origin.
    pixel_size, sigma : float
        Å per pixel and the Gaussian width in Å.
    weights : array_like, shape (n_atoms,), optional
        Per-atom weights (default 1).

    Returns
    -------
    ndarray, shape (n, n) or (m, n, n)
        Images indexed ``[y, x]``.

    Examples
    --------
    >>> img = project_atoms([[0.0, 0.0, 0.0]], np.eye(3), 16, 1.0, sigma=2.0)
    >>> img.shape, bool(np.isclose(img.sum(), 2 * np.pi * 4 * np.sqrt(2 * np.pi) * 2, rtol=1e-3))
    ((16, 16), True)
    """
    C = as_float_array(coords, "coords", (3,))
    n = check_int(n, "n", low=1)
    pixel_size = check_positive(pixel_size, "pixel_size")
    sigma = check_positive(sigma, "sigma")
    R, single = _views(Rs)
    if C.ndim == 3:  # one conformation per view
        if len(C) != len(R):
            raise ValueError(f"coords of shape {C.shape} need {len(C)} rotations, got {len(R)}")
        X, w = _check_atoms(C[0], weights)
        P = np.einsum("mij,maj->mai", R, C)
    else:
        X, w = _check_atoms(C, weights)
        P = np.einsum("mij,aj->mai", R, X)
    _check_grid(n, pixel_size, sigma)
    scale = np.sqrt(2 * np.pi) * sigma / pixel_size
    img = np.empty((len(P), n, n))
    # views in chunks: the (views, atoms, n) profiles of a whole stack are large
    # temporaries whose allocation costs more than the arithmetic
    for s in range(0, len(P), _VIEW_CHUNK):
        gx, gy, _ = _gaussians(P[s : s + _VIEW_CHUNK], n, pixel_size, sigma)
        np.matmul((gy * w[:, None]).transpose(0, 2, 1), gx, out=img[s : s + _VIEW_CHUNK])
    img *= scale
    return img[0] if single else img


def projection_loss(
    coords: ArrayLike,
    Rs: ArrayLike,
    images: ArrayLike,
    pixel_size: float,
    sigma: float = 1.5,
    weights: ArrayLike | None = None,
) -> tuple[float, Array]:
    """Image loss ``0.5 * sum ||project_atoms(coords, R_i) - y_i||^2`` and its exact gradient.

    ``coords`` is one structure ``(n_atoms, 3)`` seen in every view, or one structure
    per view ``(m, n_atoms, 3)`` (a heterogeneous data set, as for a latent decoder);
    the gradient has the same shape.

    Parameters
    ----------
    coords : array_like, shape (n_atoms, 3) or (m, n_atoms, 3)
        Atom coordinates in Å, one structure for all views or one per view.
    Rs : array_like, shape (m, 3, 3)
        Rotation matrices.
    images : array_like, shape (m, n, n)
        Observed images, one per rotation.
    pixel_size : float
        Pixel size in Å.
    sigma : float, default 1.5
        Width of each Gaussian atom in Å.
    weights : array_like, shape (n_atoms,), optional
        Per-atom Gaussian weights (default 1).

    Returns
    -------
    loss : float
    grad : ndarray, shape of ``coords``
        d loss / d coords, chained through each rotation (``R_i^T`` times the in-plane
        gradient; the beam direction gets no gradient from one view).

    Examples
    --------
    >>> X = toy_chain(); R = np.eye(3)
    >>> y = project_atoms(X, R, 24, 1.5)
    >>> loss, grad = projection_loss(X, R, y, 1.5)
    >>> float(loss), float(np.abs(grad).max())
    (0.0, 0.0)
    """
    C = as_float_array(coords, "coords", (3,))
    per_view = C.ndim == 3
    X, w = _check_atoms(C[0] if per_view else C, weights)
    R, _ = _views(Rs)
    Y = as_float_array(images, "images")
    Y = Y[None] if Y.ndim == 2 else Y
    if Y.ndim != 3 or Y.shape[0] != len(R) or Y.shape[1] != Y.shape[2]:
        raise ValueError(
            f"images must have shape ({len(R)}, n, n), one per rotation of Rs, got {Y.shape}"
        )
    if per_view and C.shape[:2] != (len(R), len(X)):
        raise ValueError(f"coords of shape {C.shape} need one structure per view ({len(R)})")
    n = Y.shape[1]
    _check_grid(n, pixel_size, sigma)
    P = np.einsum("mij,maj->mai", R, C) if per_view else np.einsum("mij,aj->mai", R, X)
    gx, gy, (dx, dy) = _gaussians(P, n, pixel_size, sigma)
    scale = np.sqrt(2 * np.pi) * sigma / pixel_size
    r = scale * np.einsum("a,may,max->myx", w, gy, gx, optimize=True) - Y
    loss = 0.5 * float(np.sum(r * r))
    c = scale * w[None, :] / sigma**2
    ry = np.einsum("myx,max->may", r, gx, optimize=True)  # residual seen by each atom's x-profile
    gpx = c * np.einsum("may,max,myx->ma", gy, gx * dx, r, optimize=True)
    gpy = c * np.einsum("may,may->ma", gy * dy, ry, optimize=True)
    gP = np.stack([gpx, gpy, np.zeros_like(gpx)], axis=-1)  # d loss / d (R x)
    if per_view:
        return loss, np.einsum("mij,mai->maj", R, gP)
    return loss, np.einsum("mij,mai->aj", R, gP)


def bond_restraint(coords: ArrayLike, lengths: ArrayLike) -> tuple[float, Array]:
    """Harmonic bond energy ``0.5 * sum (|x_{k+1} - x_k| - l_k)^2`` along a chain, and its gradient.

    Parameters
    ----------
    coords : array_like, shape (n_atoms, 3)
        A chain, ``(x, y, z)`` in Å.
    lengths : array_like, shape (n_atoms - 1,)
        Target distances between consecutive atoms, Å.

    Returns
    -------
    energy : float
        The harmonic energy.
    gradient : ndarray, shape (n_atoms, 3)
        Its gradient with respect to ``coords``.

    Examples
    --------
    >>> X = toy_chain()
    >>> L = np.linalg.norm(np.diff(X, axis=0), axis=1)
    >>> bond_restraint(X, L)[0]
    0.0
    """
    X = as_float_array(coords, "coords", (3,))
    if X.ndim != 2 or len(X) < 2:
        raise ValueError(f"coords must have shape (n_atoms >= 2, 3), got {X.shape}")
    L = as_float_array(lengths, "lengths")
    if L.shape != (len(X) - 1,):
        raise ValueError(f"lengths must have shape ({len(X) - 1},), got {L.shape}")
    d = np.diff(X, axis=0)
    r = np.linalg.norm(d, axis=1)
    if np.any(r == 0):
        raise ValueError("two consecutive atoms coincide; the bond direction is undefined")
    e = r - L
    g = (e / r)[:, None] * d
    grad = np.zeros_like(X)
    grad[1:] += g
    grad[:-1] -= g
    return 0.5 * float(np.sum(e * e)), grad


@dataclass(frozen=True)
class AtomFit:
    """Result of :func:`fit_atoms`.

    Attributes
    ----------
    coords : ndarray, shape (n_atoms, 3)
        Final coordinates.
    trajectory : ndarray, shape (n_saved, n_atoms, 3)
        Coordinates at the start and every ``save_every`` steps.
    image_loss, bond_energy : ndarray, shape (steps + 1,)
        The two terms of the objective at each step (the last entry is the final state).
    """

    coords: Array
    trajectory: Array
    image_loss: Array
    bond_energy: Array


def fit_atoms(
    coords0: ArrayLike,
    Rs: ArrayLike,
    images: ArrayLike,
    pixel_size: float,
    sigma: float = 1.5,
    bond_weight: float = 0.0,
    bond_lengths: ArrayLike | None = None,
    weights: ArrayLike | None = None,
    steps: int = 300,
    lr: float = 0.2,
    save_every: int = 10,
) -> AtomFit:
    """Fit atom coordinates to images by gradient descent (Adam) on image loss + bond restraint.

    Minimises ``projection_loss + bond_weight * scale * bond_restraint``, where ``scale``
    is the image loss of the starting model (so that ``bond_weight`` is dimensionless).
    Adam's step is about ``lr`` Å per coordinate at first, whatever the image scale.

    Parameters
    ----------
    coords0 : array_like, shape (n_atoms, 3)
        Starting model.
    Rs, images : rotations (m, 3, 3) and images (m, n, n) with known poses.
    bond_weight : float
        Weight of the bond restraint; 0 fits the image loss alone.
    bond_lengths : array_like, shape (n_atoms - 1,), optional
        Target bond lengths (default: those of ``coords0``).
    weights : array_like, shape (n_atoms,), optional
        Per-atom weights of the Gaussians (default 1), as in :func:`project_atoms`.
    steps, lr, save_every : int, float, int
        Number of Adam steps, step size in Å, and how often to store the trajectory.

    Returns
    -------
    AtomFit
        The fitted coordinates, the loss history and the stored trajectory.

    Examples
    --------
    >>> X = toy_chain(); Rs = np.stack([np.eye(3), np.eye(3)[[2, 0, 1]], np.eye(3)[[1, 2, 0]]])
    >>> y = project_atoms(X, Rs, 24, 1.5)
    >>> start = X + 0.5 * np.random.default_rng(0).normal(size=X.shape)
    >>> fit = fit_atoms(start, Rs, y, 1.5, steps=200, lr=0.05)
    >>> bool(np.sqrt(np.mean((fit.coords - X) ** 2)) < 0.1)
    True
    """
    X = as_float_array(coords0, "coords0", (3,)).copy()
    bond_weight = check_nonnegative(bond_weight, "bond_weight")
    lr = check_positive(lr, "lr")
    steps = check_int(steps, "steps", low=1)
    save_every = check_int(save_every, "save_every", low=1)
    _check_grid(2, pixel_size, sigma)
    if bond_lengths is None:
        L = np.linalg.norm(np.diff(X, axis=0), axis=1)
    else:
        L = as_float_array(bond_lengths, "bond_lengths")
        if L.shape != (len(X) - 1,):
            raise ValueError(f"bond_lengths must have shape ({len(X) - 1},), got {L.shape}")
    loss0, _ = projection_loss(X, Rs, images, pixel_size, sigma, weights)
    scale = max(loss0, 1e-12)
    m1 = np.zeros_like(X)
    m2 = np.zeros_like(X)
    b1, b2, eps = 0.9, 0.999, 1e-8
    traj, li, lb = [X.copy()], [], []
    for t in range(1, steps + 2):
        loss, g = projection_loss(X, Rs, images, pixel_size, sigma, weights)
        eb, gb = bond_restraint(X, L) if bond_weight > 0 else (0.0, 0.0)
        li.append(loss)
        lb.append(eb)
        if t == steps + 1:
            break
        g = g + bond_weight * scale * gb
        m1 = b1 * m1 + (1 - b1) * g
        m2 = b2 * m2 + (1 - b2) * g * g
        X = X - lr * (m1 / (1 - b1**t)) / (np.sqrt(m2 / (1 - b2**t)) + eps)
        if t % save_every == 0:
            traj.append(X.copy())
    return AtomFit(X, np.array(traj), np.array(li), np.array(lb))


class _Adam:
    """Adam on a list of arrays (the update rule of :func:`fit_atoms`)."""

    def __init__(self, params: list[Array], lrs: list[float]):
        self.m1 = [np.zeros_like(p) for p in params]
        self.m2 = [np.zeros_like(p) for p in params]
        self.lrs, self.t = lrs, 0

    def step(self, params: list[Array], grads: list[Array]) -> list[Array]:
        self.t += 1
        b1, b2, eps, t = 0.9, 0.999, 1e-8, self.t
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            self.m1[i] = b1 * self.m1[i] + (1 - b1) * g
            self.m2[i] = b2 * self.m2[i] + (1 - b2) * g * g
            step = (self.m1[i] / (1 - b1**t)) / (np.sqrt(self.m2[i] / (1 - b2**t)) + eps)
            out.append(p - self.lrs[i] * step)
        return out


@dataclass(frozen=True)
class HingeFit:
    """Result of :func:`fit_hinge`: final angle (radians), its path and the image loss.

    Attributes
    ----------
    angle : float
        Final hinge angle, radians.
    angles : ndarray
        The angle after every step.
    image_loss : ndarray
        The image loss after every step.
    """

    angle: float
    angles: Array
    image_loss: Array


def fit_hinge(
    coords: ArrayLike,
    pivot_index: int,
    axis: ArrayLike,
    angle0: float,
    Rs: ArrayLike,
    images: ArrayLike,
    pixel_size: float,
    sigma: float = 1.5,
    steps: int = 300,
    lr: float = 0.01,
) -> HingeFit:
    """Fit one hinge angle (radians) to images by Adam, the optimiser of :func:`fit_atoms`.

    The model is ``hinge(coords, pivot_index, axis, angle)``; the gradient is exact:
    ``dL/dangle = sum_a <dL/dx_a, u x (x_a - p)>`` over the moving atoms, with ``u`` the
    unit axis and ``p`` the pivot. ``lr`` is in radians per step (0.01 rad moves an atom
    20 Å from the pivot by 0.2 Å, the default step of :func:`fit_atoms`).

    Parameters
    ----------
    coords : array_like, shape (n_atoms, 3)
        The chain at hinge angle 0.
    pivot_index : int
        Index of the hinge atom, as in :func:`hinge`.
    axis : array_like, shape (3,)
        Hinge axis.
    angle0 : float
        Starting angle, radians.
    Rs : array_like, shape (m, 3, 3)
        Known view rotations.
    images : array_like, shape (m, n, n)
        Observed images.
    pixel_size : float
        Pixel size in Å.
    sigma : float, default 1.5
        Width (standard deviation) of each Gaussian atom in Å.
    steps : int, default 300
        Number of Adam steps.
    lr : float, default 0.01
        Adam's step size in radians.

    Returns
    -------
    HingeFit
        The final angle, its path and the image loss per step.

    Examples
    --------
    >>> X = toy_chain(); Rs = np.stack([np.eye(3), np.eye(3)[[2, 0, 1]]])
    >>> y = project_atoms(X, Rs, 24, 1.5)
    >>> fit = fit_hinge(X, 13, [0, 0, 1], 0.3, Rs, y, 1.5, steps=200)
    >>> bool(abs(fit.angle) < 0.01)
    True
    """
    X0 = as_float_array(coords, "coords", (3,))
    if X0.ndim != 2:
        raise ValueError(f"coords must have shape (n_atoms, 3), got {X0.shape}")
    u = as_float_array(axis, "axis")
    if u.shape != (3,) or np.linalg.norm(u) == 0:
        raise ValueError("axis must be a non-zero 3-vector")
    u = u / np.linalg.norm(u)
    pivot_index = check_int(pivot_index, "pivot_index", low=0, high=len(X0) - 1)
    angle0 = check_scalar(angle0, "angle0")
    steps = check_int(steps, "steps", low=1)
    lr = check_positive(lr, "lr")
    _check_grid(2, pixel_size, sigma)
    p = X0[pivot_index]
    opt = _Adam([np.zeros(1)], [lr])
    a = np.array([float(angle0)])
    angles, losses = [], []
    for t in range(steps + 1):
        X = hinge(X0, pivot_index, u, a[0])
        loss, g = projection_loss(X, Rs, images, pixel_size, sigma)
        angles.append(a[0])
        losses.append(loss)
        if t == steps:
            break
        moving = X[pivot_index + 1 :] - p
        da = np.sum(g[pivot_index + 1 :] * np.cross(u, moving))
        (a,) = opt.step([a], [np.array([da])])
    return HingeFit(float(a[0]), np.array(angles), np.array(losses))


def _pair_energy_batch(X: Array, i: Array, j: Array, lengths: Array) -> tuple[float, Array]:
    """``0.5 sum (|x_j - x_i| - l)^2`` over pairs and structures (m, a, 3), and its gradient."""
    d = X[:, j] - X[:, i]
    r = np.linalg.norm(d, axis=2)
    e = r - lengths
    g = (e / np.maximum(r, 1e-12))[..., None] * d
    grad = np.zeros_like(X)
    np.add.at(grad, (slice(None), j), g)
    np.add.at(grad, (slice(None), i), -g)
    return 0.5 * float(np.sum(e * e)), grad


@dataclass(frozen=True)
class LatentDecoderFit:
    """Result of :func:`fit_latent_decoder`.

    The decoder maps a latent ``z`` (``latent_dim`` values) to coordinates
    ``reference + sum_j z_j linear[j] + sum_j z_j**2 quadratic[j]``.

    Attributes
    ----------
    reference : ndarray, shape (n_atoms, 3)
    linear, quadratic : ndarray, shape (latent_dim, n_atoms, 3)
    latents : ndarray, shape (m, latent_dim)
        One latent per image, standardised (mean 0, standard deviation 1 per dimension).
    image_loss : ndarray, shape (steps + 1,)
    """

    reference: Array
    linear: Array
    quadratic: Array
    latents: Array
    image_loss: Array

    def decode(self, z: ArrayLike) -> Array:
        """Coordinates for latents ``z`` of shape (k, latent_dim): (k, n_atoms, 3).

        Parameters
        ----------
        z : array_like, shape (k, latent_dim)
            Latent coordinates.

        Returns
        -------
        ndarray, shape (k, n_atoms, 3)
            The decoded structures, Å.

        Examples
        --------
        >>> X = toy_chain(); rng = np.random.default_rng(0)
        >>> from helpers.sampling import uniform_rotations
        >>> Rs = uniform_rotations(10, rng)
        >>> fit = fit_latent_decoder(X, Rs, project_atoms(X, Rs, 24, 1.5), 1.5, rng, steps=2)
        >>> fit.decode(np.zeros((3, 1))).shape
        (3, 27, 3)
        """
        Z = as_float_array(z, "z").reshape(-1, self.linear.shape[0])
        return (
            self.reference
            + np.einsum("kj,jai->kai", Z, self.linear)
            + np.einsum("kj,jai->kai", Z**2, self.quadratic)
        )


def fit_latent_decoder(
    coords0: ArrayLike,
    Rs: ArrayLike,
    images: ArrayLike,
    pixel_size: float,
    rng: np.random.Generator,
    sigma: float = 1.5,
    latent_dim: int = 1,
    bond_weight: float = 1.0,
    network_cutoff: float = 0.0,
    degree: int = 1,
    steps: int = 300,
    lr: float = 0.05,
    lr_latent: float = 0.05,
) -> LatentDecoderFit:
    """Fit a latent-conditioned atomic decoder and one latent per image (an auto-decoder).

    The decoder is linear (``degree=1``) or quadratic (``degree=2``) in each latent
    coordinate (see :class:`LatentDecoderFit`); a quadratic one can fold the latent
    axis back on itself (two values of ``z`` decoding to one structure).
    the reference starts at ``coords0`` and the displacement fields at zero; latents
    start as small random numbers from ``rng``. Adam on the image loss of every image
    at its own decoded structure (:func:`projection_loss` with one structure per view)
    plus ``bond_weight`` times the mean restraint energy of the decoded structures:
    harmonic springs at the distances of ``coords0`` between consecutive atoms and, if
    ``network_cutoff`` (Å) is positive, between every pair closer than that (an elastic
    network), with weights relative to the starting image loss, as in :func:`fit_atoms`. After each step the latents are standardised per dimension and
    the decoder re-parameterised so that every decoded structure is unchanged (the
    scale of ``z`` is otherwise arbitrary). Poses are known.

    Parameters
    ----------
    coords0 : array_like, shape (n_atoms, 3)
        Starting reference structure (and bond lengths).
    Rs : array_like, shape (m, 3, 3)
        Known view rotations.
    images : array_like, shape (m, n, n)
        Observed images, one structure each.
    pixel_size : float
        Pixel size in Å.
    rng : numpy.random.Generator
        Source of the random draws, seeded by the caller.
    sigma : float, default 1.5
        Width of each Gaussian atom in Å.
    latent_dim : int, default 1
        Dimension of the latent space.
    bond_weight : float, default 1.0
        Weight of the restraint energy relative to the starting image loss.
    network_cutoff : float, default 0.0
        Elastic-network cutoff in Å (0: bonds only).
    degree : int, default 1
        1 (linear) or 2 (quadratic) decoder in each latent coordinate.
    steps : int, default 300
        Number of Adam steps.
    lr : float, default 0.05
        Adam's step size for the decoder, Å.
    lr_latent : float, default 0.05
        Adam's step size for the latents.

    Returns
    -------
    LatentDecoderFit
        The decoder, one latent per image and the loss history.

    Examples
    --------
    >>> X = toy_chain(); rng = np.random.default_rng(0)
    >>> from helpers.sampling import uniform_rotations
    >>> Rs = uniform_rotations(30, rng); z = rng.uniform(-1, 1, 30)
    >>> C = np.stack([hinge(X, 13, [0, 0, 1], 0.5 * a) for a in z])
    >>> fit = fit_latent_decoder(X, Rs, project_atoms(C, Rs, 24, 1.5), 1.5, rng, steps=150)
    >>> bool(abs(np.corrcoef(fit.latents[:, 0], z)[0, 1]) > 0.9)  # z recovered up to sign
    True
    """
    X0 = as_float_array(coords0, "coords0", (3,))
    if X0.ndim != 2:
        raise ValueError(f"coords0 must have shape (n_atoms, 3), got {X0.shape}")
    R, _ = _views(Rs)
    m = len(R)
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator")
    k = check_int(latent_dim, "latent_dim", low=1)
    bond_weight = check_nonnegative(bond_weight, "bond_weight")
    lr = check_positive(lr, "lr")
    lr_latent = check_positive(lr_latent, "lr_latent")
    steps = check_int(steps, "steps", low=1)
    network_cutoff = check_nonnegative(network_cutoff, "network_cutoff")
    _check_grid(2, pixel_size, sigma)
    if m < 3:
        raise ValueError(f"Rs: need at least 3 images and rotations, got {m}")
    if isinstance(degree, bool) or degree not in (1, 2):
        raise ValueError(f"degree must be 1 (linear decoder) or 2 (quadratic), got {degree!r}")
    # restrained pairs: the chain's bonds, plus every pair closer than network_cutoff
    ii, jj = np.triu_indices(len(X0), 1)
    D0 = np.linalg.norm(X0[jj] - X0[ii], axis=1)
    keep = (jj == ii + 1) | (D0 < network_cutoff)
    ii, jj, L = ii[keep], jj[keep], D0[keep]
    ref, lin, quad = X0.copy(), np.zeros((k,) + X0.shape), np.zeros((k,) + X0.shape)
    Z = 0.1 * rng.standard_normal((m, k))
    scale = max(projection_loss(X0, R, images, pixel_size, sigma)[0], 1e-12)
    opt = _Adam([ref, lin, quad, Z], [lr, lr, lr, lr_latent])
    losses = []

    def decode(ref, lin, quad, Z):
        return ref + np.einsum("mj,jai->mai", Z, lin) + np.einsum("mj,jai->mai", Z**2, quad)

    for t in range(steps + 1):
        X = decode(ref, lin, quad, Z)
        loss, g = projection_loss(X, R, images, pixel_size, sigma)
        losses.append(loss)
        if t == steps:
            break
        if bond_weight > 0:
            _, gb = _pair_energy_batch(X, ii, jj, L)
            g = g + bond_weight * scale / m * gb
        g_ref = g.sum(axis=0)
        g_lin = np.einsum("mj,mai->jai", Z, g)
        g_quad = np.einsum("mj,mai->jai", Z**2, g) if degree == 2 else np.zeros_like(quad)
        g_Z = np.einsum("mai,jai->mj", g, lin) + 2 * Z * np.einsum("mai,jai->mj", g, quad)
        ref, lin, quad, Z = opt.step([ref, lin, quad, Z], [g_ref, g_lin, g_quad, g_Z])
        # standardise z = a z' + b per dimension, keeping every decoded structure
        b, a = Z.mean(axis=0), Z.std(axis=0) + 1e-12
        ref = ref + np.einsum("j,jai->ai", b, lin) + np.einsum("j,jai->ai", b**2, quad)
        lin = a[:, None, None] * lin + 2 * (a * b)[:, None, None] * quad
        quad = (a**2)[:, None, None] * quad
        Z = (Z - b) / a
    return LatentDecoderFit(ref, lin, quad, Z, np.array(losses))
