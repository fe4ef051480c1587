"""Coarse-to-fine pose search over SO(3) x R^2 with frequency marching (cryoDRGN2-style).

A miniature of the pose-search step of cryoDRGN2 as we read the authors' code: score
every rotation of a base grid (and every in-plane shift, by FFT cross-correlation)
against an image using only Fourier components with ``|k| <= L``; keep the best few
rotations; replace each by its neighbours at half the spacing; raise ``L``; repeat.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array, check_int, check_nonnegative, check_rotation_matrix
from .imaging import fourier_slices
from .sampling import hopf_grid, rotation_neighbourhood

__all__ = ["band_limit_mask", "score_poses", "pose_search", "PoseSearchResult"]

Array = NDArray[np.float64]


def band_limit_mask(n: int, L: float) -> Array:
    """Boolean ``(n, n)`` mask of centred Fourier pixels with radius ``<= L`` (in Fourier pixels).

    Examples
    --------
    >>> int(band_limit_mask(8, 1).sum())
    5
    """
    n = check_int(n, "n", low=1)
    L = check_nonnegative(L, "L")
    k = np.arange(n) - n // 2
    ky, kx = np.meshgrid(k, k, indexing="ij")
    return kx * kx + ky * ky <= L * L


def _fft2c(x: Array) -> Array:
    return np.fft.fftshift(np.fft.fft2(np.fft.ifftshift(x, axes=(-2, -1))), axes=(-2, -1))


def score_poses(
    image: ArrayLike, slices: ArrayLike, L: float, shifts: bool = True
) -> tuple[Array, Array]:
    """Least-squares scores of candidate projections against an image, band-limited to ``L``.

    The score of a projection ``p`` is ``-min_t || y - p(. - t) ||^2`` restricted to
    Fourier pixels with ``|k| <= L``; the best shift ``t`` comes from one FFT
    cross-correlation per candidate (``shifts=False`` uses ``t = 0``).

    Returns
    -------
    scores : ndarray, shape (m,)
        Higher is better.
    best_shifts : ndarray, shape (m, 2)
        ``(dy, dx)`` in pixels that move the projection onto the image.
    """
    y = as_float_array(image, "image")
    P = as_float_array(slices, "slices")
    if y.ndim != 2 or P.ndim != 3 or P.shape[1:] != y.shape:
        raise ValueError("image must be (n, n) and slices (m, n, n)")
    L = check_nonnegative(L, "L")
    n = y.shape[0]
    mask = band_limit_mask(n, L)
    Fy = _fft2c(y) * mask
    Fp = _fft2c(P) * mask
    energy = np.sum(np.abs(Fp) ** 2, axis=(1, 2)) / n**2
    if not shifts:
        cross = np.sum((Fy[None] * np.conj(Fp)).real, axis=(1, 2)) / n**2
        return 2 * cross - energy, np.zeros((len(P), 2))
    cc = np.fft.fftshift(
        np.fft.ifft2(np.fft.ifftshift(Fy[None] * np.conj(Fp), axes=(-2, -1))), axes=(-2, -1)
    ).real
    flat = cc.reshape(len(P), -1)
    best = np.argmax(flat, axis=1)
    cross = flat[np.arange(len(P)), best]
    dy, dx = np.unravel_index(best, (n, n))
    return 2 * cross - energy, np.stack([dy - n // 2, dx - n // 2], axis=1).astype(float)


@dataclass
class PoseSearchResult:
    """Best pose and the search's history."""

    rotation: Array
    shift: Array  # (dy, dx) pixels
    score: float
    levels: list = field(default_factory=list)  # per level: (L, candidates, best rotation)


def pose_search(
    image: ArrayLike,
    vol: ArrayLike,
    base_level: int = 1,
    n_levels: int = 4,
    n_keep: int = 8,
    L_min: float = 4.0,
    L_max: float | None = None,
    shifts: bool = True,
) -> PoseSearchResult:
    """Coarse-to-fine search for the pose of ``image`` as a projection of ``vol``.

    Level 0 scores every rotation of ``hopf_grid(base_level)`` (``72 * 8**base_level``)
    at band limit ``L_min``; each later level keeps the ``n_keep`` best rotations,
    replaces each by a 3x3x3 neighbourhood at half the previous spacing, and raises the
    band limit linearly to ``L_max`` (default: Nyquist, ``n / 2``).

    Examples
    --------
    >>> from helpers.volumes import gaussian_atoms_map, toy_protein
    >>> from helpers.imaging import fourier_slice
    >>> vol = gaussian_atoms_map(toy_protein(), 24, 2.5, 2.5)
    >>> res = pose_search(fourier_slice(vol, np.eye(3)), vol, n_levels=3)
    >>> res.rotation.shape
    (3, 3)
    """
    y = as_float_array(image, "image")
    v = as_float_array(vol, "vol")
    if y.ndim != 2 or v.ndim != 3 or v.shape[0] != y.shape[0]:
        raise ValueError("image must be (n, n) and vol (n, n, n) with the same n")
    if n_levels < 1 or n_keep < 1:
        raise ValueError("n_levels and n_keep must be >= 1")
    n = y.shape[0]
    L_max = n / 2 if L_max is None else float(L_max)
    cands = hopf_grid(base_level)
    spacing = np.deg2rad(60.0) / 2**base_level  # the grid's approximate angular spacing
    levels = []
    best_R, best_t, best_s = None, None, -np.inf
    for level in range(n_levels):
        L = L_min + (L_max - L_min) * level / max(n_levels - 1, 1)
        P = fourier_slices(v, cands)
        scores, ts = score_poses(y, P, L, shifts)
        order = np.argsort(scores)[::-1]
        best_R, best_t, best_s = cands[order[0]], ts[order[0]], float(scores[order[0]])
        levels.append((L, len(cands), best_R))
        if level == n_levels - 1:
            break
        spacing /= 2
        cands = np.concatenate([rotation_neighbourhood(cands[i], spacing) for i in order[:n_keep]])
    return PoseSearchResult(check_rotation_matrix(best_R), best_t, best_s, levels)
