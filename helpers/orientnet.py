"""A small orientation network trained end to end through a differentiable projector.

A miniature of the training set-up of Lian et al. (2022): a network maps a particle image
to a unit quaternion and is trained with ``w * QD + (1 - w) * reprojection``, where QD is
the sign-invariant quaternion loss ``1 - <q_hat, q>^2`` and the reprojection term is the
L1 distance between clean projections of the known model at the predicted and at the
true orientation. Ours: the network is a multilayer perceptron on Fourier-cropped
features (not a VGG16 trunk), the model is a set of Gaussian atoms projected
analytically, and a symmetry-aware QD (minimum over the point group) is offered as well.

Gradients come from ``autograd`` (pure Python on top of numpy): the projector and the
losses are written with ``autograd.numpy`` so that they differentiate exactly.

The module also holds a differentiable Fourier shell correlation of a mini-batch
reconstruction (the FSC loss term the paper's outlook suggests), restricted to the low
frequencies where such a term is cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import autograd.numpy as anp
import numpy as np
from autograd import grad
from autograd.tracer import getval, isbox
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array, check_int, check_positive, check_scalar
from .fourier import centered_fft, frequency_components
from .volumes import grid_coordinates

__all__ = [
    "quat_rows",
    "render_atoms",
    "qd_loss",
    "reprojection_loss",
    "init_mlp",
    "mlp_quats",
    "OrientationNet",
    "train_orientation_net",
    "qd_mlp_value_and_grad",
    "low_frequency_slices",
    "FourierSamples",
    "low_frequency_map",
    "soft_reconstruction",
    "fsc_loss",
]

Array = NDArray[np.float64]


def _check_quats(q: ArrayLike, name: str) -> Array:
    a = as_float_array(q, name, (4,))
    if a.ndim != 2:
        raise ValueError(f"{name} must have shape (m, 4), got {a.shape}")
    if np.any(np.sum(a * a, axis=1) == 0):
        raise ValueError(f"{name} must be non-zero quaternions")
    return a


def _check_traced(
    x, name: str, shape: tuple[int | None, ...], complex_ok: bool = False, context: str = ""
):
    """Check an argument that autograd may be tracing: its value (the array inside an
    autograd box) must be a finite numeric array of ``shape`` (``None``: any size there).
    Returns ``x`` itself, so the trace is kept; plain input comes back as an array."""
    val = getval(x)
    if complex_ok and np.iscomplexobj(val):
        arr = np.asarray(val)
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be finite (no NaN or inf)")
    else:
        arr = as_float_array(val, name)
    if arr.ndim != len(shape) or any(w is not None and w != d for w, d in zip(shape, arr.shape)):
        want = "(" + ", ".join("m" if w is None else str(w) for w in shape)
        want += ",)" if len(shape) == 1 else ")"
        raise ValueError(f"{name} must have shape {want}{context}, got {arr.shape}")
    return x if isbox(x) else arr


def _check_params(params):
    """The network's weights, checked to be a list of (weights, biases) pairs; autograd may
    be tracing them (a traced list), so the check reads their values."""
    pv = getval(params)
    if not isinstance(pv, (list, tuple)) or not pv:
        raise ValueError("params must be a non-empty list of (weights, biases), as from init_mlp")
    for layer in pv:
        if not isinstance(getval(layer), (list, tuple)) or len(getval(layer)) != 2:
            raise ValueError("params must hold one (weights, biases) pair per layer")
    return pv


def _check_traced_quats(q, name: str):
    q = _check_traced(q, name, (None, 4))
    if np.any(np.sum(getval(q) ** 2, axis=1) == 0):
        raise ValueError(f"{name} must be non-zero quaternions")
    return q


def quat_rows(q):
    """First two rows of the rotation matrices of (not necessarily unit) quaternions.

    ``q`` has shape ``(m, 4)``, scalar first; it is normalised first. Written with
    ``autograd.numpy`` so that it can sit inside a differentiated function. The two rows
    are all a projection along z needs: ``(R x)_{x,y}``, and ``R^T (kx, ky, 0)``.

    Parameters
    ----------
    q : array_like, shape (m, 4)
        Quaternions, scalar first, not necessarily unit (numpy or autograd arrays).

    Returns
    -------
    ndarray, shape (m, 2, 3)
        Rows 0 and 1 of each rotation matrix.

    Examples
    --------
    >>> quat_rows(np.array([[2.0, 0.0, 0.0, 0.0]]))[0]
    array([[1., 0., 0.],
           [0., 1., 0.]])
    """
    q = _check_traced_quats(q, "q")
    q = q / anp.sqrt(anp.sum(q * q, axis=1, keepdims=True))
    w, x, y, z = q[:, 0], q[:, 1], q[:, 2], q[:, 3]
    r0 = anp.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], axis=1)
    r1 = anp.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], axis=1)
    return anp.stack([r0, r1], axis=1)


def render_atoms(q, coords: ArrayLike, n: int, pixel_size: float, sigma: float = 1.5):
    """Projections of Gaussian atoms at quaternions ``q`` (m, 4), differentiable in ``q``.

    The same images as :func:`helpers.atomic.project_atoms` (which takes matrices and is
    faster), but written with ``autograd.numpy``.

    Parameters
    ----------
    q : array_like, shape (m, 4)
        Quaternions (normalised inside; autograd arrays allowed).
    coords : array_like, shape (n_atoms, 3)
        Atom coordinates ``(x, y, z)`` in Å.
    n : int
        Image side in pixels.
    pixel_size : float
        Pixel size in Å.
    sigma : float, default 1.5
        Width of each Gaussian atom in Å.

    Returns
    -------
    ndarray, shape (m, n, n)
        The projections.

    Examples
    --------
    >>> from helpers.atomic import project_atoms
    >>> X = np.array([[3.0, -2.0, 1.0], [0.0, 4.0, -1.0]])
    >>> img = render_atoms(np.array([[1.0, 0.0, 0.0, 0.0]]), X, 16, 1.0, 2.0)
    >>> bool(np.allclose(img[0], project_atoms(X, np.eye(3), 16, 1.0, 2.0)))
    True
    """
    X = as_float_array(coords, "coords", (3,))
    if X.ndim != 2:
        raise ValueError(f"coords must have shape (n_atoms, 3), got {X.shape}")
    n = check_int(n, "n", low=2)
    pixel_size = check_positive(pixel_size, "pixel_size")
    sigma = check_positive(sigma, "sigma")
    q = _check_traced_quats(q, "q")
    g = grid_coordinates(int(n), pixel_size)
    P = anp.einsum("mij,aj->mai", quat_rows(q), X)
    gx = anp.exp(-0.5 * ((g[None, None, :] - P[:, :, 0:1]) / sigma) ** 2)
    gy = anp.exp(-0.5 * ((g[None, None, :] - P[:, :, 1:2]) / sigma) ** 2)
    return np.sqrt(2 * np.pi) * sigma / pixel_size * anp.einsum("may,max->myx", gy, gx)


def _equivalents(q: Array, symmetry: ArrayLike | None) -> Array:
    """All symmetry-equivalent labels ``q g`` (m, |G|, 4) for group quaternions ``g``."""
    if symmetry is None:
        return q[:, None, :]
    from .rotations import quat_multiply

    G = _check_quats(symmetry, "symmetry")
    return quat_multiply(q[:, None, :], G[None, :, :])


def qd_loss(q_hat, q: ArrayLike, symmetry: ArrayLike | None = None):
    """Mean quaternion loss ``1 - <q_hat, q>^2`` (Lian et al.'s QD), optionally symmetry-aware.

    ``q_hat`` is normalised; the square makes the loss the same for ``q`` and ``-q``,
    and it equals ``sin^2(theta / 2)`` for the angle ``theta`` between the rotations.
    With ``symmetry`` (quaternions of the point group, shape ``(|G|, 4)``), each term is
    the minimum over the equivalent labels ``q g``.

    Parameters
    ----------
    q_hat : array_like, shape (m, 4)
        Predicted quaternions (normalised inside; autograd arrays allowed).
    q : array_like, shape (m, 4)
        Unit label quaternions.
    symmetry : array_like, shape (|G|, 4), optional
        Quaternions of the point group.

    Returns
    -------
    float
        The mean loss, in ``[0, 1]``.

    Examples
    --------
    >>> q = np.array([[1.0, 0.0, 0.0, 0.0]])
    >>> float(qd_loss(-q, q)), round(float(qd_loss(np.array([[0.0, 0.0, 0.0, 1.0]]), q)), 12)
    (0.0, 1.0)
    >>> c2 = np.array([[1.0, 0, 0, 0], [0.0, 0, 0, 1]])
    >>> float(qd_loss(np.array([[0.0, 0.0, 0.0, 1.0]]), q, symmetry=c2))
    0.0
    """
    qt = _check_quats(q, "q")
    q_hat = _check_traced_quats(q_hat, "q_hat")
    if getval(q_hat).shape != qt.shape:
        raise ValueError(f"q_hat must have the shape {qt.shape} of q, got {getval(q_hat).shape}")
    Q = _equivalents(qt / np.linalg.norm(qt, axis=1, keepdims=True), symmetry)
    qh = q_hat / anp.sqrt(anp.sum(q_hat * q_hat, axis=1, keepdims=True))
    dots = anp.sum(qh[:, None, :] * Q, axis=2)
    return anp.mean(anp.min(1 - dots**2, axis=1))


def reprojection_loss(
    q_hat, q: ArrayLike, coords: ArrayLike, n: int, pixel_size: float, sigma: float = 1.5
):
    """Mean absolute difference of clean projections at ``q_hat`` and at ``q`` (Eq. 14's form).

    Parameters
    ----------
    q_hat : array_like, shape (m, 4)
        Predicted quaternions (autograd arrays allowed).
    q : array_like, shape (m, 4)
        Label quaternions.
    coords : array_like, shape (n_atoms, 3)
        Atom coordinates ``(x, y, z)`` in Å.
    n : int
        Image side in pixels.
    pixel_size : float
        Pixel size in Å.
    sigma : float, default 1.5
        Width of each Gaussian atom in Å.

    Returns
    -------
    float
        Mean absolute pixel difference.

    Examples
    --------
    >>> X = np.array([[5.0, 0.0, 0.0]]); q = np.array([[1.0, 0.0, 0.0, 0.0]])
    >>> float(reprojection_loss(q, q, X, 12, 2.0, 2.0))
    0.0
    """
    qt = _check_quats(q, "q")
    q_hat = _check_traced_quats(q_hat, "q_hat")
    if getval(q_hat).shape != qt.shape:
        raise ValueError(f"q_hat must have the shape {qt.shape} of q, got {getval(q_hat).shape}")
    target = render_atoms(qt, coords, n, pixel_size, sigma)
    return anp.mean(anp.abs(render_atoms(q_hat, coords, n, pixel_size, sigma) - target))


def init_mlp(sizes: list[int], rng: np.random.Generator) -> list[tuple[Array, Array]]:
    """He-initialised weights of a multilayer perceptron with layer widths ``sizes``.

    Parameters
    ----------
    sizes : list of int
        Layer widths, input first.
    rng : numpy.random.Generator
        Source of the random draws, seeded by the caller.

    Returns
    -------
    list of (ndarray, ndarray)
        Weights ``(sizes[i], sizes[i + 1])`` and zero biases per layer.

    Examples
    --------
    >>> [W.shape for W, b in init_mlp([64, 32, 4], np.random.default_rng(0))]
    [(64, 32), (32, 4)]
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator")
    if not isinstance(sizes, (list, tuple)) or len(sizes) < 2:
        raise ValueError(f"sizes must be a list of at least two layer widths, got {sizes!r}")
    sizes = [check_int(w, "sizes", low=1) for w in sizes]
    return [
        (rng.normal(scale=np.sqrt(2.0 / a), size=(a, b)), np.zeros(b))
        for a, b in zip(sizes[:-1], sizes[1:])
    ]


def mlp_quats(params: list, x):
    """Unit quaternions from inputs ``x`` (m, p): ReLU hidden layers, linear output, normalise.

    Parameters
    ----------
    params : list of (ndarray, ndarray)
        Weights and biases, as from :func:`init_mlp`.
    x : array_like, shape (m, p)
        Inputs (autograd arrays allowed).

    Returns
    -------
    ndarray, shape (m, 4)
        Unit quaternions.

    Examples
    --------
    >>> p = init_mlp([3, 8, 4], np.random.default_rng(0))
    >>> q = mlp_quats(p, np.ones((2, 3)))
    >>> bool(np.allclose(np.linalg.norm(q, axis=1), 1.0))
    True
    """
    pv = _check_params(params)
    x = _check_traced(x, "x", (None, np.shape(getval(getval(pv[0])[0]))[0]))
    h = x
    for W, b in params[:-1]:
        h = anp.maximum(0.0, anp.dot(h, W) + b)
    W, b = params[-1]
    out = anp.dot(h, W) + b
    return out / anp.sqrt(anp.sum(out * out, axis=1, keepdims=True) + 1e-12)


@dataclass
class OrientationNet:
    """A trained orientation network: weights, the loss weight ``w`` and the loss history.

    Attributes
    ----------
    params : list
        Weights and biases of :func:`mlp_quats`.
    w : float
        Weight of QD in the training loss.
    losses : list
        Training loss per step.
    """

    params: list
    w: float
    losses: list = field(default_factory=list)

    def predict(self, x: ArrayLike) -> Array:
        """Unit quaternions for features ``x`` (m, p).

        Parameters
        ----------
        x : array_like, shape (m, p)
            Features.

        Returns
        -------
        ndarray, shape (m, 4)
            Unit quaternions.

        Examples
        --------
        >>> net = OrientationNet(init_mlp([3, 8, 4], np.random.default_rng(0)), 1.0, [])
        >>> q = net.predict(np.ones((2, 3)))
        >>> q.shape, bool(np.allclose(np.linalg.norm(q, axis=1), 1.0))
        ((2, 4), True)
        """
        return np.asarray(mlp_quats(self.params, as_float_array(x, "x")))


def train_orientation_net(
    sample: Callable[[int, np.random.Generator], tuple[Array, Array]],
    sizes: list[int],
    steps: int,
    rng: np.random.Generator,
    w: float = 1.0,
    symmetry: ArrayLike | None = None,
    coords: ArrayLike | None = None,
    n: int = 24,
    pixel_size: float = 2.5,
    sigma: float = 2.5,
    batch_size: int = 32,
    lr: float = 1e-3,
) -> OrientationNet:
    """Train :func:`mlp_quats` with Adam on ``w * QD + (1 - w) * reprojection``.

    Parameters
    ----------
    sample : callable
        ``sample(batch_size, rng) -> (features (b, p), quaternions (b, 4))``: a fresh
        mini-batch of simulated images and their true orientations.
    sizes : list of int
        Layer widths, first the feature count, last 4.
    steps : int
        Adam steps.
    w : float
        Weight of QD in [0, 1]; ``w < 1`` needs ``coords`` (the atoms of the known model,
        projected on an ``n``-pixel grid of ``pixel_size`` with Gaussian width ``sigma``).
    symmetry : array_like, shape (|G|, 4), optional
        Point-group quaternions for a symmetry-aware QD.

    Returns
    -------
    OrientationNet
        The trained weights and the loss history.

    Examples
    --------
    >>> r = np.random.default_rng(0)
    >>> def sample(b, rng):  # learn the identity map from 4-vectors to quaternions
    ...     q = rng.normal(size=(b, 4))
    ...     return q, q
    >>> net = train_orientation_net(sample, [4, 16, 4], 300, r, lr=1e-2)
    >>> net.losses[-1] < 0.05
    True
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator")
    w = check_scalar(w, "w", 0.0, 1.0)
    if w < 1.0 and coords is None:
        raise ValueError("w < 1 needs coords for the reprojection term")
    steps = check_int(steps, "steps", low=1)
    batch_size = check_int(batch_size, "batch_size", low=1)
    lr = check_positive(lr, "lr")
    if not callable(sample):
        raise ValueError(f"sample must be a function sample(batch_size, rng), got {sample!r}")
    if not isinstance(sizes, (list, tuple)) or len(sizes) < 2 or sizes[-1] != 4:
        raise ValueError(f"sizes must be layer widths ending in 4 outputs, got {sizes!r}")

    def objective(params, x, q):
        q_hat = mlp_quats(params, x)
        total = 0.0
        if w > 0:
            total = total + w * qd_loss(q_hat, q, symmetry)
        if w < 1:
            total = total + (1 - w) * reprojection_loss(q_hat, q, coords, n, pixel_size, sigma)
        return total

    gradient = grad(objective)
    params = init_mlp(sizes, rng)
    flat = [a for layer in params for a in layer]  # W1, b1, W2, b2, ... updated in place
    m1 = [np.zeros_like(a) for a in flat]
    m2 = [np.zeros_like(a) for a in flat]
    losses = []
    for t in range(1, int(steps) + 1):
        x, q = sample(batch_size, rng)
        record = t % 25 == 0 or t == steps
        if w == 1.0:  # QD only: the hand-written backward pass (same values, no tracing)
            value, G = qd_mlp_value_and_grad(params, x, q, symmetry)
        else:
            G = gradient(params, x, q)
            value = float(objective(params, x, q)) if record else None
        if record:
            losses.append(float(value))
        c1, c2 = 1 - 0.9**t, 1 - 0.999**t
        for a, g, u, v in zip(flat, [g for layer in G for g in layer], m1, m2):
            u *= 0.9
            u += 0.1 * g
            v *= 0.999
            v += 0.001 * (g * g)  # as 0.001 * g**2
            a -= lr * (u / c1) / (np.sqrt(v / c2) + 1e-8)
    return OrientationNet(params, float(w), losses)


def qd_mlp_value_and_grad(
    params: list, x: ArrayLike, q: ArrayLike, symmetry: ArrayLike | None = None
) -> tuple[float, list[tuple[Array, Array]]]:
    """The QD loss of the network's prediction for ``x`` and its gradient in ``params``.

    The value is ``qd_loss(OrientationNet(params, 1.0).predict(x), q, symmetry)``.

    The backward pass written out (ReLU layers, the two normalisations, the minimum over
    symmetry-equivalent labels), so that QD-only training runs without autograd's
    tracing; it returns the values autograd returns (tested against it).

    Parameters
    ----------
    params : list of (ndarray, ndarray)
        Weights and biases, as from :func:`init_mlp` (4 outputs).
    x : array_like, shape (m, p)
        Inputs.
    q : array_like, shape (m, 4)
        Label quaternions.
    symmetry : array_like, shape (|G|, 4), optional
        Quaternions of the point group.

    Returns
    -------
    value : float
        The mean QD loss.
    grads : list of (ndarray, ndarray)
        Its gradient with respect to each layer's weights and biases.

    Examples
    --------
    >>> p = init_mlp([3, 8, 4], np.random.default_rng(0))
    >>> x = np.random.default_rng(1).normal(size=(5, 3))
    >>> q = np.random.default_rng(2).normal(size=(5, 4))
    >>> value, g = qd_mlp_value_and_grad(p, x, q)
    >>> bool(np.isclose(value, qd_loss(OrientationNet(p, 1.0).predict(x), q)))
    True
    >>> [gW.shape for gW, gb in g]
    [(3, 8), (8, 4)]
    """
    _check_params(params)
    h = as_float_array(x, "x")
    qt = _check_quats(q, "q")
    if h.ndim != 2 or h.shape != (len(qt), np.shape(params[0][0])[0]):
        raise ValueError(f"x must have shape ({len(qt)}, p) with p network inputs, got {h.shape}")
    Q = _equivalents(qt / np.linalg.norm(qt, axis=1, keepdims=True), symmetry)
    hs = [h]
    for W, b in params[:-1]:
        h = np.maximum(0.0, h @ W + b)
        hs.append(h)
    W, b = params[-1]
    out = h @ W + b
    n1 = np.sqrt(np.sum(out * out, axis=1, keepdims=True) + 1e-12)
    u = out / n1  # mlp_quats' output
    n2 = np.sqrt(np.sum(u * u, axis=1, keepdims=True))
    v = u / n2  # qd_loss normalises again
    dots = np.einsum("mj,mgj->mg", v, Q)
    terms = 1 - dots**2
    best = np.argmin(terms, axis=1)
    rows = np.arange(len(v))
    m = len(v)
    dv = (-2.0 / m) * dots[rows, best][:, None] * Q[rows, best]
    du = (dv - v * np.sum(v * dv, axis=1, keepdims=True)) / n2
    d = (du - u * np.sum(u * du, axis=1, keepdims=True)) / n1
    grads = []
    for k in range(len(params) - 1, -1, -1):
        grads.append((hs[k].T @ d, d.sum(axis=0)))
        if k:
            d = (d @ params[k][0].T) * (hs[k] > 0)
    return float(np.mean(terms[rows, best])), grads[::-1]


# ---- a differentiable FSC of a mini-batch reconstruction ------------------------------------


class FourierSamples(NamedTuple):
    """What :func:`low_frequency_slices` and :func:`low_frequency_map` return.

    Attributes
    ----------
    values : ndarray of complex
        The coefficients.
    k : ndarray
        Their Fourier-pixel coordinates, ``(kx, ky)`` or ``(kx, ky, kz)``.
    """

    values: Array
    k: Array


def low_frequency_slices(images: ArrayLike, K: int) -> FourierSamples:
    """Fourier coefficients of images with ``|k| <= K`` (Fourier pixels) and their ``(kx, ky)``.

    Returns ``values`` (m, P) and ``k`` (P, 2), with the origin at pixel ``n // 2``.

    Parameters
    ----------
    images : array_like, shape (m, n, n)
        Images indexed ``[y, x]``, origin at pixel ``n // 2``.
    K : int
        Largest radius in Fourier pixels, in ``[1, n // 2 - 1]``.

    Returns
    -------
    values : ndarray of complex, shape (m, P)
        The coefficients.
    k : ndarray, shape (P, 2)
        Their ``(kx, ky)`` in Fourier pixels.

    Examples
    --------
    >>> vals, k = low_frequency_slices(np.ones((1, 8, 8)), 1)
    >>> k.shape, complex(vals[0, list(map(tuple, k)).index((0.0, 0.0))])
    ((5, 2), (64+0j))
    """
    imgs = as_float_array(images, "images")
    if imgs.ndim != 3 or imgs.shape[1] != imgs.shape[2]:
        raise ValueError(f"images must have shape (m, n, n), got {imgs.shape}")
    n = imgs.shape[1]
    K = check_int(K, "K", low=1, high=n // 2 - 1)
    F = centered_fft(imgs, axes=(1, 2))
    ky, kx = frequency_components(n)
    keep = kx**2 + ky**2 <= K * K
    return FourierSamples(F[:, keep], np.stack([kx[keep], ky[keep]], axis=1).astype(float))


def low_frequency_map(vol: ArrayLike, K: int) -> FourierSamples:
    """3-D Fourier coefficients of a cubic map with ``|k| <= K`` and their ``(kx, ky, kz)``.

    Parameters
    ----------
    vol : array_like, shape (n, n, n)
        A cubic map.
    K : int
        Largest radius in Fourier pixels, in ``[1, n // 2 - 1]``.

    Returns
    -------
    values : ndarray of complex, shape (P,)
        The coefficients.
    k : ndarray, shape (P, 3)
        Their ``(kx, ky, kz)`` in Fourier pixels.

    Examples
    --------
    >>> vals, g = low_frequency_map(np.ones((8, 8, 8)), 1)
    >>> g.shape
    (7, 3)
    """
    v = as_float_array(vol, "vol")
    if v.ndim != 3 or len(set(v.shape)) != 1:
        raise ValueError(f"vol must be a cubic map, got shape {v.shape}")
    n = v.shape[0]
    K = check_int(K, "K", low=1, high=n // 2 - 1)
    F = centered_fft(v)
    kz, ky, kx = frequency_components(n, ndim=3)
    keep = kx**2 + ky**2 + kz**2 <= K * K
    return FourierSamples(F[keep], np.stack([kx[keep], ky[keep], kz[keep]], axis=1).astype(float))


def soft_reconstruction(q, values, k2: ArrayLike, g3: ArrayLike, width: float = 0.6):
    """Fourier-space reconstruction on grid points ``g3`` from slices at orientations ``q``.

    Each slice coefficient ``values[i, p]`` sits at ``R_i^T (kx_p, ky_p, 0)``; every grid
    point takes the Gaussian-weighted (width in Fourier pixels) average of the
    coefficients near it. Smooth in ``q``, so it differentiates (autograd), unlike
    nearest-neighbour or trilinear gridding, whose weights have kinks.

    Parameters
    ----------
    q : array_like, shape (m, 4)
        Orientations of the slices (autograd arrays allowed).
    values : array_like, shape (m, P)
        Slice coefficients, as from :func:`low_frequency_slices`.
    k2 : array_like, shape (P, 2)
        Their ``(kx, ky)``.
    g3 : array_like, shape (G, 3)
        Grid points ``(kx, ky, kz)`` to reconstruct.
    width : float, default 0.6
        Gaussian width in Fourier pixels.

    Returns
    -------
    ndarray of complex, shape (G,)
        The reconstructed coefficients.

    Examples
    --------
    >>> v = np.zeros((12, 12, 12)); v[6, 6, 6] = 1.0  # flat spectrum
    >>> from helpers.imaging import project
    >>> vals, k2 = low_frequency_slices(project(v, np.eye(3))[None], 2)
    >>> ref, g3 = low_frequency_map(v, 2)
    >>> rec = soft_reconstruction(np.array([[1.0, 0, 0, 0]]), vals, k2, g3)
    >>> plane = g3[:, 2] == 0
    >>> bool(np.allclose(rec[plane], ref[plane], atol=1e-3))
    True
    """
    K2 = as_float_array(k2, "k2", (2,))
    G3 = as_float_array(g3, "g3", (3,))
    if K2.ndim != 2 or G3.ndim != 2:
        raise ValueError(f"k2 must be (P, 2) and g3 (G, 3), got {K2.shape} and {G3.shape}")
    width = check_positive(width, "width")
    q = _check_traced_quats(q, "q")
    values = _check_traced(
        values,
        "values",
        (len(getval(q)), len(K2)),
        True,
        " (a row per quaternion of q, a column per k2)",
    )
    rows = quat_rows(q)  # (m, 2, 3)
    pos = K2[None, :, 0:1] * rows[:, None, 0, :] + K2[None, :, 1:2] * rows[:, None, 1, :]
    pos = anp.reshape(pos, (-1, 3))  # (m P, 3)
    # squared distances |g - p|^2 = |g|^2 + |p|^2 - 2 g.p, without a (G, m P, 3) array
    d2 = (
        np.sum(G3 * G3, axis=1)[:, None]
        + anp.sum(pos * pos, axis=1)[None, :]
        - 2.0 * anp.dot(G3, anp.transpose(pos))
    )  # (G, m P)
    wts = anp.exp(-0.5 * d2 / width**2)
    vals = anp.reshape(values, (-1,))
    num_re = anp.dot(wts, anp.real(vals))
    num_im = anp.dot(wts, anp.imag(vals))
    den = anp.sum(wts, axis=1) + 1e-3
    return (num_re + 1j * num_im) / den


def fsc_loss(a, b, g3: ArrayLike):
    """``1 - mean FSC`` over the shells ``1 <= |g| <= K`` of two sets of coefficients on ``g3``.

    ``a`` and ``b`` are complex values on the grid points ``g3`` (from
    :func:`soft_reconstruction` or :func:`low_frequency_map`); shells are rounded
    ``|g|``, the zero shell is skipped.

    Parameters
    ----------
    a : array_like, shape (G,)
        Complex coefficients on ``g3``.
    b : array_like, shape (G,)
        Coefficients to compare with.
    g3 : array_like, shape (G, 3)
        The grid points.

    Returns
    -------
    float
        ``1 - mean FSC``, in ``[0, 2]``.

    Examples
    --------
    >>> vals, g3 = low_frequency_map(np.random.default_rng(0).normal(size=(8, 8, 8)), 3)
    >>> round(float(fsc_loss(vals, 2 * vals, g3)), 12), round(float(fsc_loss(vals, -vals, g3)), 12)
    (0.0, 2.0)
    """
    G3 = as_float_array(g3, "g3", (3,))
    if G3.ndim != 2:
        raise ValueError(f"g3 must have shape (G, 3), got {G3.shape}")
    a = _check_traced(a, "a", (len(G3),), True, " (one value per point of g3)")
    b = _check_traced(b, "b", (len(G3),), True, " (one value per point of g3)")
    shell = np.rint(np.linalg.norm(G3, axis=1)).astype(int)
    terms = []
    for s in range(1, int(shell.max()) + 1):
        sel = np.flatnonzero(shell == s)
        if len(sel) == 0:
            continue
        x, y = a[sel], b[sel]
        cross = anp.sum(anp.real(x * anp.conj(y)))
        norm = anp.sqrt(anp.sum(anp.abs(x) ** 2) * anp.sum(anp.abs(y) ** 2)) + 1e-30
        terms.append(cross / norm)
    return 1.0 - sum(terms) / len(terms)
