"""A small, fast regressor and rotation representations as regression targets.

No deep-learning framework: kernel ridge regression with random Fourier features
(Rahimi & Recht 2007) is a few lines of numpy, trains in a second on thousands of
images, and is enough to study which rotation representation is easiest to regress.
:func:`match_orientations` is the baseline any regressor must beat: CTF-aware
least-squares matching of each image against projections of the known map on a grid.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import scipy.linalg
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array, check_int, check_rotation_matrix
from .euler import euler_to_matrix, matrix_to_euler
from .fourier import centered_fft, centered_ifft, crop_centered
from .rotations import (
    exp_so3,
    log_so3,
    matrix_to_quat,
    matrix_to_sixd,
    quat_to_matrix,
    sixd_to_matrix,
)

__all__ = [
    "RandomFeatureRidge",
    "REPRESENTATIONS",
    "encode_rotations",
    "decode_rotations",
    "particle_features",
    "TemplateMatch",
    "match_orientations",
]

Array = NDArray[np.float64]

#: regression targets: name -> number of outputs
REPRESENTATIONS = {"quaternion": 4, "axis-angle": 3, "euler": 3, "6d": 6}


def encode_rotations(Rs: ArrayLike, representation: str) -> Array:
    """Rotation matrices as regression targets.

    ``quaternion``: unit quaternion with ``w >= 0`` (canonical); ``axis-angle``: rotation
    vector (angle <= pi); ``euler``: intrinsic ZYZ angles in radians; ``6d``: the first
    two columns (Zhou et al.).

    Parameters
    ----------
    Rs : array_like, shape (m, 3, 3)
        Rotations.
    representation : str
        One of :data:`REPRESENTATIONS` (``"euler"``, ``"quat"``, ``"sixd"``, ...).

    Returns
    -------
    ndarray, shape (m, d)
        The targets, ``d`` set by the representation.

    Examples
    --------
    >>> encode_rotations(np.eye(3)[None], "6d")
    array([[1., 0., 0., 0., 1., 0.]])
    """
    R = check_rotation_matrix(Rs, "Rs")
    if representation == "quaternion":
        return matrix_to_quat(R)
    if representation == "axis-angle":
        return log_so3(R)
    if representation == "euler":
        return matrix_to_euler(R, "ZYZ")
    if representation == "6d":
        return matrix_to_sixd(R)
    raise ValueError(
        f"representation must be one of {list(REPRESENTATIONS)}, got {representation!r}"
    )


def decode_rotations(Y: ArrayLike, representation: str) -> Array:
    """Regressed outputs back to rotation matrices (normalising as each representation needs).

    Parameters
    ----------
    Y : array_like, shape (m, d)
        Regressed outputs.
    representation : str
        The representation of :func:`encode_rotations` they were trained on.

    Returns
    -------
    ndarray, shape (m, 3, 3)
        Rotation matrices.

    Examples
    --------
    >>> decode_rotations([[2.0, 0, 0, 0]], "quaternion")[0]
    array([[1., 0., 0.],
           [0., 1., 0.],
           [0., 0., 1.]])
    """
    if representation not in REPRESENTATIONS:
        raise ValueError(
            f"representation must be one of {list(REPRESENTATIONS)}, got {representation!r}"
        )
    y = as_float_array(Y, "Y", (REPRESENTATIONS[representation],))
    if representation == "quaternion":
        return quat_to_matrix(
            np.where(np.linalg.norm(y, axis=-1, keepdims=True) < 1e-12, [1.0, 0, 0, 0], y)
        )
    if representation == "axis-angle":
        return exp_so3(y)
    if representation == "euler":
        return euler_to_matrix(y, "ZYZ")
    return sixd_to_matrix(y)


class RandomFeatureRidge:
    """Kernel ridge regression with random Fourier features of a Gaussian kernel.

    ``phi(x) = sqrt(2/D) cos(W x + b)`` with ``W ~ N(0, 1/gamma^2)`` approximates the kernel
    ``exp(-|x - x'|^2 / (2 gamma^2))``; the weights solve ``(Phi^T Phi + alpha I) w = Phi^T y``.

    Parameters
    ----------
    n_features : int
        Number of random features ``D``.
    gamma : float
        Kernel width, in the units of the (standardised) inputs.
    alpha : float
        Ridge penalty.
    rng : numpy.random.Generator

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(-3, 3, size=(400, 1))
    >>> model = RandomFeatureRidge(300, 1.0, 1e-3, rng).fit(x, np.sin(x))
    >>> float(np.abs(model.predict([[1.0]]) - np.sin(1.0))[0, 0]) < 0.05
    True
    """

    def __init__(self, n_features: int, gamma: float, alpha: float, rng: np.random.Generator):
        if n_features < 1 or gamma <= 0 or alpha < 0:
            raise ValueError("need n_features >= 1, gamma > 0, alpha >= 0")
        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng must be a numpy.random.Generator")
        self.n_features, self.gamma, self.alpha, self.rng = (
            int(n_features),
            float(gamma),
            float(alpha),
            rng,
        )
        self.W = self.b = self.coef = self.mean = self.scale = None

    def features(self, X: ArrayLike) -> Array:
        """The random features of (standardised) inputs.

        Parameters
        ----------
        X : array_like, shape (m, p)
            Inputs (standardised with the statistics of :meth:`fit`).

        Returns
        -------
        ndarray, shape (m, n_features)
            The random features.

        Examples
        --------
        >>> X = np.random.default_rng(0).normal(size=(20, 3))
        >>> m = RandomFeatureRidge(50, 1.0, 1e-3, np.random.default_rng(1)).fit(X, X)
        >>> m.features(X).shape
        (20, 50)
        """
        x = (as_float_array(X, "X") - self.mean) / self.scale
        z = x @ self.W
        z += self.b
        np.cos(z, out=z)
        z *= np.sqrt(2.0 / self.n_features)
        return z

    def fit(self, X: ArrayLike, Y: ArrayLike) -> RandomFeatureRidge:
        """Fit to inputs ``X`` (m, p) and targets ``Y`` (m, k).

        Parameters
        ----------
        X : array_like, shape (m, p)
            Inputs.
        Y : array_like, shape (m, k)
            Targets.

        Returns
        -------
        RandomFeatureRidge
            The fitted model itself.

        Examples
        --------
        >>> X = np.random.default_rng(0).normal(size=(200, 2))
        >>> m = RandomFeatureRidge(200, 1.0, 1e-3, np.random.default_rng(1)).fit(X, X)
        >>> bool(np.abs(m.predict(X) - X).mean() < 0.1)
        True
        """
        X = as_float_array(X, "X")
        Y = as_float_array(Y, "Y")
        if X.ndim != 2 or Y.ndim != 2 or len(X) != len(Y):
            raise ValueError("X must be (m, p) and Y (m, k) with the same m")
        self.mean, self.scale = X.mean(axis=0), X.std(axis=0) + 1e-12
        p = X.shape[1]
        self.W = self.rng.normal(scale=1.0 / self.gamma, size=(p, self.n_features))
        self.b = self.rng.uniform(0, 2 * np.pi, self.n_features)
        Phi = self.features(X)
        A = Phi.T @ Phi
        A.flat[:: self.n_features + 1] += self.alpha
        try:  # symmetric positive definite for alpha > 0: Cholesky, half the work of LU
            factor = scipy.linalg.cho_factor(A, overwrite_a=True, check_finite=False)
            self.coef = scipy.linalg.cho_solve(factor, Phi.T @ Y, check_finite=False)
        except np.linalg.LinAlgError:  # alpha = 0 and too few samples: singular
            self.coef = np.linalg.lstsq(Phi, Y, rcond=None)[0]
        return self

    def predict(self, X: ArrayLike) -> Array:
        """Predicted targets for inputs ``X``.

        Parameters
        ----------
        X : array_like, shape (m, p)
            Inputs.

        Returns
        -------
        ndarray, shape (m, k)
            Predicted targets.

        Examples
        --------
        >>> X = np.random.default_rng(0).normal(size=(20, 3))
        >>> m = RandomFeatureRidge(50, 1.0, 1e-3, np.random.default_rng(1)).fit(X, X[:, :2])
        >>> m.predict(X).shape
        (20, 2)
        """
        if self.coef is None:
            raise ValueError("call fit before predict")
        return self.features(X) @ self.coef


def particle_features(images: ArrayLike, crop: int = 8) -> Array:
    """Low-pass features of particle images: Fourier-cropped to ``crop`` x ``crop``, each
    image standardised to zero mean and unit variance, flattened.

    Parameters
    ----------
    images : array_like, shape (m, n, n)
        Images indexed ``[y, x]``, origin at pixel ``n // 2``.
    crop : int, default 8
        Side of the Fourier crop, in ``[2, n]``.

    Returns
    -------
    ndarray, shape (m, crop * crop)
        One standardised feature vector per image.

    Examples
    --------
    >>> particle_features(np.random.default_rng(0).normal(size=(3, 16, 16)), 4).shape
    (3, 16)
    """
    imgs = as_float_array(images, "images")
    if imgs.ndim != 3 or imgs.shape[1] != imgs.shape[2]:
        raise ValueError(f"images must have shape (m, n, n), got {imgs.shape}")
    n = imgs.shape[1]
    crop = check_int(crop, "crop", low=2, high=n)
    # Fourier crop (the same as imaging.downsample per image) as A y A^T, with A the
    # 1-D crop operator: the 2-D chain of shifts, transforms and crop is separable
    L = _crop_operator(n, crop)
    Z = L @ imgs @ L.T  # (m, 2 crop, 2 crop): blocks Ar y Ar^T, ..., Ai y Ai^T
    f = (Z[:, :crop, :crop] - Z[:, crop:, crop:]).reshape(len(imgs), -1)
    f = f - f.mean(axis=1, keepdims=True)
    return f / (f.std(axis=1, keepdims=True) + 1e-12)


@functools.lru_cache(maxsize=8)
def _crop_operator(n: int, crop: int) -> Array:
    """Real and imaginary parts, stacked (2 crop, n), of the 1-D Fourier-crop operator
    ``fftshift ifft ifftshift [crop] fftshift fft ifftshift`` applied along one axis."""
    F = crop_centered(centered_fft(np.eye(n), axes=0), (crop, n))
    A = centered_ifft(F, axes=0)
    out = np.concatenate([A.real, A.imag])
    out.flags.writeable = False
    return out


@dataclass
class TemplateMatch:
    """Best grid orientation per image from :func:`match_orientations`.

    Attributes
    ----------
    rotations : ndarray
        Best grid rotation of each image, shape (m, 3, 3).
    index : NDndarray[np.intp]
        Its index in the grid, shape (m,).
    score : ndarray
        Its score (higher is better), shape (m,).
    """

    rotations: Array  # (m, 3, 3) best grid rotation per image
    index: NDArray[np.intp]  # (m,) its index in the grid
    score: Array  # (m,) its score (higher is better)


def match_orientations(
    images: ArrayLike,
    templates: ArrayLike,
    grid: ArrayLike,
    ctfs: ArrayLike,
    band_limit: float,
) -> TemplateMatch:
    """CTF-aware projection matching: the grid rotation whose projection best explains each image.

    For image ``y_i`` with CTF ``c_i`` and clean template ``p_j`` (the projection of the
    known map at ``grid[j]``), the score is ``-|| Y_i - c_i P_j ||^2`` summed over the
    Fourier pixels with ``|k| <= band_limit`` (capital letters: centred 2-D transforms),
    i.e. the Gaussian log-likelihood of white noise up to constants. No shifts: the
    particles are taken as centred.

    Parameters
    ----------
    images : array_like, shape (m, n, n)
    templates : array_like, shape (g, n, n)
        Clean projections at the grid rotations.
    grid : array_like, shape (g, 3, 3)
    ctfs : array_like, shape (m, n, n) or (n, n)
        Each image's CTF on the centred frequency grid of the images.
    band_limit : float
        Radius in Fourier pixels.

    Returns
    -------
    TemplateMatch
        Best rotation, its grid index and its score for every image.

    Examples
    --------
    >>> from helpers.sampling import hopf_grid
    >>> from helpers.atomic import project_atoms
    >>> from helpers.volumes import toy_protein
    >>> grid = hopf_grid(1)
    >>> T = project_atoms(toy_protein(), grid, 16, 3.0, sigma=3.0)
    >>> res = match_orientations(T[[7, 100]], T, grid, np.ones((16, 16)), 6)
    >>> res.index.tolist()
    [7, 100]
    """
    from ._checks import check_rotation_matrix

    Y = as_float_array(images, "images")
    P = as_float_array(templates, "templates")
    G = check_rotation_matrix(grid, "grid")
    if Y.ndim != 3 or Y.shape[1] != Y.shape[2]:
        raise ValueError(f"images must have shape (m, n, n), got {Y.shape}")
    if P.ndim != 3 or P.shape[1:] != Y.shape[1:]:
        raise ValueError(f"templates must have shape (g, {Y.shape[1]}, {Y.shape[2]})")
    if G.shape != (len(P), 3, 3):
        raise ValueError(f"grid must have shape ({len(P)}, 3, 3), got {G.shape}")
    C = np.broadcast_to(as_float_array(ctfs, "ctfs"), Y.shape) if np.ndim(ctfs) >= 2 else None
    if C is None:
        raise ValueError("ctfs must have shape (m, n, n) or (n, n)")
    if not band_limit > 0:
        raise ValueError(f"band_limit must be positive, got {band_limit}")
    n = Y.shape[1]
    rep, partner = _half_plane(n, float(band_limit))
    FP = _template_spectra(P, float(band_limit), rep)
    FY = centered_fft(Y, axes=(1, 2)).reshape(len(Y), -1)[:, rep]
    # Fourier pixels k and -k carry conjugate values (real images): each pair is summed
    # once, with the CTFs of both pixels, in real arithmetic
    Cf = C.reshape(len(Y), -1)
    c = Cf[:, rep]
    cm = np.where(partner >= 0, Cf[:, np.maximum(partner, 0)], 0.0)
    cross = ((c + cm)[:, None, :] * np.stack([FY.real, FY.imag], axis=1)).reshape(len(Y), -1)
    scores = 2 * (cross @ FP.parts.T)
    scores -= (c * c + cm * cm) @ FP.power.T
    best = np.argmax(scores, axis=1)
    return TemplateMatch(G[best], best, scores[np.arange(len(Y)), best])


def _half_plane(n: int, band_limit: float) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Flat indices of one pixel of each conjugate pair ``k, -k`` with ``|k| <= band_limit``
    on the centred ``n x n`` grid, and the flat index of its partner ``-k`` (-1 where the
    pixel is its own partner or the partner lies outside the band or the grid)."""
    k = np.arange(n) - n // 2
    ky, kx = np.meshgrid(k, k, indexing="ij")
    keep = (ky**2 + kx**2 <= band_limit**2).ravel()
    my, mx = -ky.ravel(), -kx.ravel()
    inside = (my >= -(n // 2)) & (my <= (n - 1) // 2) & (mx >= -(n // 2)) & (mx <= (n - 1) // 2)
    flat = np.where(inside, (my + n // 2) * n + (mx + n // 2), -1)
    partner = np.where(inside & keep[np.maximum(flat, 0)], flat, -1)
    idx = np.arange(n * n)
    # keep a pixel unless its partner is in the band and comes first
    rep = keep & ((partner < 0) | (partner >= idx))
    partner = np.where(partner == idx, -1, partner)
    return np.flatnonzero(rep), partner[rep]


@dataclass(frozen=True)
class _Spectra:
    parts: Array  # (g, 2 P): real parts, then imaginary parts, on the chosen pixels
    power: Array  # (g, P): squared moduli


_SPECTRA_CACHE: dict = {}


def _template_spectra(P: Array, band_limit: float, rep: NDArray[np.intp]) -> _Spectra:
    """Transforms of the templates on the half-plane pixels, reused while the same
    templates (equal values, not only the same array) come back with the same band."""
    hit = _SPECTRA_CACHE.get("last")
    if (
        hit is not None
        and hit[1] == band_limit
        and hit[0].shape == P.shape
        and np.array_equal(hit[0], P)
    ):
        return hit[2]
    F = centered_fft(P, axes=(1, 2)).reshape(len(P), -1)[:, rep]
    spectra = _Spectra(np.concatenate([F.real, F.imag], axis=1), np.abs(F) ** 2)
    _SPECTRA_CACHE["last"] = (P.copy(), band_limit, spectra)
    return spectra
