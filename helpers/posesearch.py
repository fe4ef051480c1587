"""Pose search and a miniature ab initio loop in the style of cryoDRGN2.

Read from the authors' code (``cryodrgn/pose_search.py``, ``so3_grid.py``,
``shift_grid.py``; the cryoDRGN2 commands ``abinit_homo``/``abinit_het``), and rewritten
here for a voxel map instead of a neural decoder:

- every rotation of a base Hopf grid (:func:`helpers.sampling.hopf_grid`) and every
  shift of a base shift grid is scored against each image, CTF included, on Fourier
  pixels with ``|k| <= L`` only;
- each of the best ``n_keep`` rotations is replaced by its 8 nearest Hopf-grid children
  at the next level (of 4 HEALPix children times 4 in-plane angles); each kept shift is
  re-centred and combined with the base shift grid scaled by ``2**-level``; ``L`` grows
  linearly from ``L_min`` to ``L_max`` across the levels; the last level keeps one pose;
- across epochs, ``L_max`` ramps (*frequency marching*, :func:`frequency_marching`).

Shifts are ``(x, y)`` in pixels: an image is its model projection translated by
``shifts_pixels``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from ._checks import (
    as_float_array,
    check_bool,
    check_int,
    check_nonnegative,
    check_positive,
    check_rotation_matrix,
)
from .euler import euler_to_matrix
from .fourier import (
    centered_fft,
    centered_ifft,
    centered_indices,
    crop_centered,
    frequency_components,
    frequency_grid,
    pad_centered,
    padded_transform,
    sinc2_apodization,
)
from .imaging import ctf
from .sampling import healpix_directions

__all__ = [
    "band_limit_mask",
    "score_poses",
    "PoseScores",
    "shift_grid",
    "hopf_children",
    "HopfChildren",
    "shift_images",
    "PoseSearchLevel",
    "PoseSearchResult",
    "search_poses",
    "reconstruct",
    "frequency_marching",
    "AbInitioResult",
    "ab_initio",
    "GlobalPoseErrors",
    "global_pose_errors",
]

Array = NDArray[np.float64]


def band_limit_mask(n: int, L: float) -> Array:
    """Boolean ``(n, n)`` mask of centred Fourier pixels with radius ``<= L`` (in Fourier pixels).

    Parameters
    ----------
    n : int
        Image side.
    L : float
        Radius in Fourier pixels, non-negative.

    Returns
    -------
    ndarray of bool, shape (n, n)
        True inside the disc.

    Examples
    --------
    >>> int(band_limit_mask(8, 1).sum())
    5
    """
    n = check_int(n, "n", low=1)
    L = check_nonnegative(L, "L")
    ky, kx = frequency_components(n)
    return kx * kx + ky * ky <= L * L


class PoseScores(NamedTuple):
    """What :func:`score_poses` returns.

    Attributes
    ----------
    scores : ndarray, shape (m,)
        Higher is better.
    shifts_pixels : ndarray, shape (m, 2)
        ``(x, y)`` in pixels that move the projection onto the image.
    """

    scores: Array
    shifts_pixels: Array


def score_poses(image: ArrayLike, slices: ArrayLike, L: float, shifts: bool = True) -> PoseScores:
    """Least-squares scores of candidate projections against an image, band-limited to ``L``.

    The score of a projection ``p`` is ``-min_t || y - p(. - t) ||^2`` restricted to
    Fourier pixels with ``|k| <= L`` (up to a constant); the best integer shift ``t``
    comes from one FFT cross-correlation per candidate (``shifts=False`` uses ``t = 0``).

    Parameters
    ----------
    image : array_like, shape (n, n)
        The image.
    slices : array_like, shape (m, n, n)
        Candidate projections (CTF applied if any).
    L : float
        Band limit in Fourier pixels.
    shifts : bool, default True
        Search integer shifts (``False``: score at zero shift).

    Returns
    -------
    scores : ndarray, shape (m,)
        Higher is better.
    shifts_pixels : ndarray, shape (m, 2)
        ``(x, y)`` in pixels that move the projection onto the image.

    Examples
    --------
    >>> p = np.zeros((1, 8, 8)); p[0, 4, 4] = 1.0
    >>> y = np.zeros((8, 8)); y[5, 2] = 1.0         # the blob moved by x = -2, y = +1
    >>> score_poses(y, p, 4.0)[1]
    array([[-2.,  1.]])
    """
    y = as_float_array(image, "image")
    P = as_float_array(slices, "slices")
    if y.ndim != 2 or P.ndim != 3 or P.shape[1:] != y.shape:
        raise ValueError("image must be (n, n) and slices (m, n, n)")
    L = check_nonnegative(L, "L")
    n = y.shape[0]
    mask = band_limit_mask(n, L)
    Fy = centered_fft(y) * mask
    Fp = centered_fft(P, axes=(-2, -1)) * mask
    energy = np.sum(np.abs(Fp) ** 2, axis=(1, 2)) / n**2
    if not shifts:
        cross = np.sum((Fy[None] * np.conj(Fp)).real, axis=(1, 2)) / n**2
        return PoseScores(2 * cross - energy, np.zeros((len(P), 2)))
    cc = centered_ifft(Fy[None] * np.conj(Fp), axes=(-2, -1)).real
    flat = cc.reshape(len(P), -1)
    best = np.argmax(flat, axis=1)
    cross = flat[np.arange(len(P)), best]
    dy, dx = np.unravel_index(best, (n, n))
    return PoseScores(
        2 * cross - energy, np.stack([dx - n // 2, dy - n // 2], axis=1).astype(float)
    )


def shift_grid(extent_pixels: float, n_per_axis: int) -> Array:
    """A square grid of ``n_per_axis**2`` shifts ``(x, y)`` covering ``[-extent, extent]``.

    Cell-centred, as cryoDRGN's base shift grid: spacing ``2 extent / n_per_axis``, the
    outermost points half a spacing inside the extent (so zero is on the grid only for
    odd ``n_per_axis``).

    Parameters
    ----------
    extent_pixels : float
        Half-width of the covered square in pixels.
    n_per_axis : int
        Points per axis.

    Returns
    -------
    ndarray, shape (n_per_axis**2, 2)
        Shifts ``(x, y)`` in pixels.

    Examples
    --------
    >>> shift_grid(1.5, 3)[:3]
    array([[-1., -1.],
           [ 0., -1.],
           [ 1., -1.]])
    """
    if not np.isfinite(extent_pixels) or extent_pixels < 0:
        raise ValueError(f"extent_pixels must be finite and >= 0, got {extent_pixels}")
    if isinstance(n_per_axis, bool) or not isinstance(n_per_axis, (int, np.integer)):
        raise ValueError(f"n_per_axis must be a positive integer, got {n_per_axis!r}")
    if n_per_axis < 1:
        raise ValueError(f"n_per_axis must be a positive integer, got {n_per_axis!r}")
    step = 2 * extent_pixels / n_per_axis
    g = -extent_pixels + step * (np.arange(n_per_axis) + 0.5)
    gx, gy = np.meshgrid(g, g)
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


# ---- the Hopf grid as (level, direction, in-plane) indices -------------------------------------


def _n_psi(level: int) -> int:
    return 6 * 2**level


@lru_cache(maxsize=16)
def _directions(level: int) -> tuple[Array, Array]:
    d = healpix_directions(2**level)
    return np.arccos(np.clip(d[:, 2], -1, 1)), np.arctan2(d[:, 1], d[:, 0])


@lru_cache(maxsize=16)
def _direction_children(level: int) -> Array:
    """For each HEALPix pixel at ``level``, the 4 pixels of ``level + 1`` nearest its centre."""
    fine = healpix_directions(2 ** (level + 1))
    _, idx = cKDTree(fine).query(healpix_directions(2**level), k=4)
    return np.sort(idx, axis=1)


def _rotations(level: int, d_idx: ArrayLike, p_idx: ArrayLike) -> Array:
    """``R = Rz(phi) Ry(theta) Rz(psi)``, as :func:`helpers.sampling.hopf_grid` builds them."""
    theta, phi = _directions(level)
    d_idx, p_idx = np.asarray(d_idx), np.asarray(p_idx)
    psi = 2 * np.pi * (p_idx + 0.5) / _n_psi(level)
    ang = np.stack([phi[d_idx], theta[d_idx], psi], axis=-1)
    return euler_to_matrix(ang, "ZYZ")


def _quats(R: Array) -> Array:
    from .rotations import matrix_to_quat

    return matrix_to_quat(R)


def _children_indices(level: int, d_idx: Array, p_idx: Array) -> tuple[Array, Array]:
    """Indices at ``level + 1`` of the 8 nearest of 16 children (4 directions x 4 angles)."""
    d_idx, p_idx = np.asarray(d_idx), np.asarray(p_idx)
    dch = _direction_children(level)[d_idx]  # (k, 4)
    m1 = _n_psi(level + 1)
    pch = (2 * p_idx[:, None] + np.arange(-1, 3)) % m1  # (k, 4)
    D = np.repeat(dch, 4, axis=1)  # (k, 16)
    P = np.tile(pch, (1, 4))
    qp = _quats(_rotations(level, d_idx, p_idx))  # (k, 4)
    qc = _quats(_rotations(level + 1, D, P))  # (k, 16, 4)
    dot = np.abs(np.einsum("kj,kcj->kc", qp, qc))
    order = np.argsort(-dot, axis=1, kind="stable")[:, :8]
    return np.take_along_axis(D, order, 1), np.take_along_axis(P, order, 1)


class HopfChildren(NamedTuple):
    """What :func:`hopf_children` returns.

    Attributes
    ----------
    index : ndarray of int, shape (k, 8)
        Indices into ``hopf_grid(level + 1)``.
    rotations : ndarray, shape (k, 8, 3, 3)
        The child rotations.
    """

    index: Array
    rotations: Array


def hopf_children(level: int, index: ArrayLike) -> HopfChildren:
    """The 8 Hopf-grid children at ``level + 1`` of rotations ``index`` of ``hopf_grid(level)``.

    Each rotation of the grid is a HEALPix direction (``nside = 2**level``) and an
    in-plane angle (``6 * 2**level`` per turn). Its candidate children are the 4
    HEALPix pixels of the next level nearest its direction (the nested scheme's
    children) times the 4 in-plane angles of the next level around its own (its two
    halves and one neighbour on each side); of these 16, the 8 nearest the parent in
    quaternion distance are kept, as in cryoDRGN's ``so3_grid.get_neighbor``.

    Parameters
    ----------
    level : int
        Level of the parent grid, non-negative.
    index : array_like of int
        Indices of rotations in ``hopf_grid(level)``.

    Returns
    -------
    index : ndarray of int, shape (k, 8)
        Indices into ``hopf_grid(level + 1)``.
    rotations : ndarray, shape (k, 8, 3, 3)

    Examples
    --------
    >>> from helpers.sampling import hopf_grid
    >>> idx, R = hopf_children(1, [0, 100])
    >>> idx.shape, bool(np.allclose(hopf_grid(2)[idx], R))
    ((2, 8), True)
    """
    if isinstance(level, bool) or not isinstance(level, (int, np.integer)) or level < 0:
        raise ValueError(f"level must be a non-negative integer, got {level!r}")
    i = np.atleast_1d(np.asarray(index))
    n_rot = 12 * 4**level * _n_psi(level)
    if i.ndim != 1 or not np.issubdtype(i.dtype, np.integer) or np.any((i < 0) | (i >= n_rot)):
        raise ValueError(f"index must be integers in [0, {n_rot}), got {index!r}")
    D, P = _children_indices(level, i // _n_psi(level), i % _n_psi(level))
    return HopfChildren(D * _n_psi(level + 1) + P, _rotations(level + 1, D, P))


# ---- Fourier-space slices, images, shifts -------------------------------------------------------


def _band_points(n: int, L: float) -> tuple[Array, Array]:
    """Half of the centred ``n``-grid's frequencies with ``|k| <= L``, and their weights.

    Real images have Hermitian transforms, so a sum over the disc is a sum over the half
    plane ``ky > 0 or (ky = 0, kx > 0)`` counted twice, plus ``k = 0`` once. Returns
    integer ``(kx, ky)`` of shape (p, 2) and weights (p,).
    """
    mask = band_limit_mask(n, L)
    ky, kx = np.nonzero(mask)
    kx, ky = kx - n // 2, ky - n // 2
    half = (ky > 0) | ((ky == 0) & (kx >= 0))
    kx, ky = kx[half], ky[half]
    w = np.where((kx == 0) & (ky == 0), 1.0, 2.0)
    return np.stack([kx, ky], axis=1).astype(float), w


def _slice_values(Fe: Array, N: int, pad: int, Rs: Array, kpts: Array) -> Array:
    """Central-slice values of the padded transform at image frequencies ``kpts``.

    ``Fe`` is the ``(N, N, N)`` transform with a one-voxel border of zeros (shape
    ``(N + 2,) * 3``), so every corner of a point in the grid has a valid index and
    points outside read zero, as with :func:`helpers.imaging.fourier_slices`'
    trilinear interpolation; written as eight complex gathers.
    """
    M = N + 2
    plane = np.c_[pad * kpts, np.zeros(len(kpts))]  # (p, 3) on the padded grid
    pos = np.matmul(plane, Rs.reshape(-1, 3, 3))[..., ::-1] + (N // 2 + 1)  # R^T k, [z, y, x]
    pos = np.clip(pos, 0.0, M - 1.000001)
    base = pos.astype(np.intp)
    fr = pos - base
    j0 = (base[..., 0] * M + base[..., 1]) * M + base[..., 2]
    flat = Fe.reshape(-1)
    gz, gy, gx = fr[..., 0], fr[..., 1], fr[..., 2]
    out = 0.0
    for dz, wz in ((0, 1 - gz), (1, gz)):
        for dy, wy in ((0, 1 - gy), (1, gy)):
            wzy = wz * wy
            for dx, wx in ((0, 1 - gx), (1, gx)):
                out = out + (wzy * wx) * flat[j0 + ((dz * M + dy) * M + dx)]
    return out.reshape(Rs.shape[:-2] + (len(kpts),))


def _phases(kpts: Array, shifts: Array, n: int) -> Array:
    """``exp(+2 pi i k . t / n)``: undoes a translation by ``t`` pixels; shape (..., p)."""
    return np.exp(2j * np.pi * np.einsum("...j,pj->...p", shifts, kpts) / n)


def shift_images(images: ArrayLike, shifts_pixels: ArrayLike) -> Array:
    """Translate images by ``(x, y)`` pixels (any real number) with a Fourier phase ramp.

    Periodic: what leaves one edge re-enters at the other, so keep particles away
    from the box edge.

    Parameters
    ----------
    images : array_like, shape (m, n, n)
        Images indexed ``[y, x]``, origin at pixel ``n // 2``.
    shifts_pixels : array_like, shape (m, 2)
        Shift ``(x, y)`` of each image, pixels.

    Returns
    -------
    ndarray, shape (m, n, n)
        The shifted images.

    Examples
    --------
    >>> img = np.zeros((8, 8)); img[4, 4] = 1.0
    >>> out = shift_images(img[None], [[2.0, -1.0]])[0]
    >>> [int(i) for i in np.unravel_index(np.argmax(out), out.shape)]   # row y, column x
    [3, 6]
    """
    x = as_float_array(images, "images")
    if x.ndim != 3 or x.shape[1] != x.shape[2]:
        raise ValueError(f"images must have shape (m, n, n), got {x.shape}")
    t = as_float_array(shifts_pixels, "shifts_pixels", (2,))
    if t.shape != (len(x), 2):
        raise ValueError(f"shifts_pixels must have shape ({len(x)}, 2), got {t.shape}")
    n = x.shape[1]
    k = centered_indices(n)
    px = np.exp(-2j * np.pi * k[None] * t[:, :1] / n)  # (m, n), along x
    py = np.exp(-2j * np.pi * k[None] * t[:, 1:] / n)
    if n % 2 == 0:  # the Nyquist frequency has no sign: its real part keeps images real
        px[:, 0], py[:, 0] = px[:, 0].real, py[:, 0].real
    ph = py[:, :, None] * px[:, None, :]
    return centered_ifft(centered_fft(x, axes=(-2, -1)) * ph, axes=(-2, -1)).real


def _ctf_grid(
    n: int, pixel_size: float, defocus: Array | None, voltage: float, cs: float, ac: float
) -> Array | None:
    if defocus is None:
        return None
    k = frequency_grid(n, pixel_size)
    return ctf(k[None], defocus[:, None, None], voltage, cs, ac)


def _check_defocus(defocus: ArrayLike | None, m: int) -> Array | None:
    if defocus is None:
        return None
    d = as_float_array(defocus, "defocus")
    if d.shape not in ((), (1,), (m,)):
        raise ValueError(f"defocus must be a number or have shape ({m},), got {d.shape}")
    d = np.broadcast_to(d, (m,)).copy()
    if np.any(d <= 0):
        raise ValueError("defocus must be positive (Å, underfocus positive)")
    return d


# ---- the search -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoseSearchLevel:
    """One level of :func:`search_poses`: grid level, band limit and the best poses found.

    Attributes
    ----------
    grid_level : int
        Hopf-grid level searched.
    L : float
        Band limit in Fourier pixels.
    candidates_per_image : int
        Poses scored per image.
    rotations : ndarray
        Best rotation of each image at this level, shape (m, 3, 3).
    shifts_pixels : ndarray
        Its shift ``(x, y)`` in pixels, shape (m, 2).
    """

    grid_level: int
    L: float
    candidates_per_image: int
    rotations: Array  # (m, 3, 3)
    shifts_pixels: Array  # (m, 2), (x, y)


@dataclass(frozen=True)
class PoseSearchResult:
    """Result of :func:`search_poses`.

    Attributes
    ----------
    rotations : ndarray, shape (m, 3, 3)
        Best rotation per image (the image is a projection of the map turned by it).
    shifts_pixels : ndarray, shape (m, 2)
        Best ``(x, y)`` translation per image, in pixels.
    scores : ndarray, shape (m,)
        ``2 <y, CTF s> - ||CTF s||^2`` over ``|k| <= L`` at the last level (higher is better;
        ``||y||^2`` minus it is the band-limited squared residual).
    levels : tuple of PoseSearchLevel
    """

    rotations: Array
    shifts_pixels: Array
    scores: Array
    levels: tuple[PoseSearchLevel, ...]


def _energy(S: Array, C2: Array) -> Array:
    """``sum_p w CTF^2 |S|^2`` for slices ``S`` (b or 1, ..., p) and ``C2 = w CTF^2`` (b, p)."""
    P = S.real**2 + S.imag**2
    C2 = C2.reshape((len(C2),) + (1,) * (P.ndim - 2) + (C2.shape[-1],))
    return np.sum(P * C2, axis=-1)


def search_poses(
    images: ArrayLike,
    vol: ArrayLike,
    pixel_size: float,
    defocus: ArrayLike | None = None,
    base_level: int = 1,
    n_levels: int = 3,
    n_keep: int = 8,
    L_min: float = 4.0,
    L_max: float | None = None,
    shift_extent_pixels: float = 2.0,
    shift_n_per_axis: int = 5,
    voltage: float = 300.0,
    cs: float = 2.7,
    amplitude_contrast: float = 0.1,
) -> PoseSearchResult:
    """Coarse-to-fine search of rotation and shift for every image, CTF in the score.

    Level 0 scores all rotations of ``hopf_grid(base_level)`` times all shifts of
    ``shift_grid(shift_extent_pixels, shift_n_per_axis)`` at band limit ``L_min``; for
    each rotation its best shift is kept, and the ``n_keep`` best rotations go on.
    Level ``i`` (1 ... ``n_levels - 1``) scores the 8 Hopf children of each kept rotation
    (:func:`hopf_children`) times the kept shift plus the base shift grid scaled by
    ``2**-i``, at ``L_i = L_min + floor(i / (n_levels - 1) * (L_max - L_min))``
    (cryoDRGN's rule); the last level keeps the single best pose.

    Parameters
    ----------
    images : array_like, shape (m, n, n)
    vol : array_like, shape (n, n, n)
        The current map (cryoDRGN2 renders slices from its decoder instead).
    pixel_size : float
        Å per pixel, for the CTF.
    defocus : array_like, shape (m,), optional
        Å, underfocus positive. ``None`` leaves the CTF out of the score.
    L_max : float, optional
        Default ``n // 2`` (Nyquist).

    Returns
    -------
    PoseSearchResult
        Best rotation and shift per image, with the levels' records.

    Examples
    --------
    >>> from helpers.volumes import gaussian_atoms_map, toy_protein
    >>> from helpers.imaging import fourier_slices
    >>> vol = gaussian_atoms_map(toy_protein(), 24, 2.5, 2.5)
    >>> R = np.eye(3)[None]
    >>> res = search_poses(fourier_slices(vol, R), vol, 2.5, n_levels=3)
    >>> res.rotations.shape, res.shifts_pixels.shape
    ((1, 3, 3), (1, 2))
    """
    Y = as_float_array(images, "images")
    v = as_float_array(vol, "vol")
    if Y.ndim != 3 or Y.shape[1] != Y.shape[2]:
        raise ValueError(f"images must have shape (m, n, n), got {Y.shape}")
    n = Y.shape[1]
    if v.shape != (n, n, n):
        raise ValueError(f"vol must have shape ({n}, {n}, {n}) to match the images, got {v.shape}")
    pixel_size = check_positive(pixel_size, "pixel_size")
    n_levels = check_int(n_levels, "n_levels", low=1)
    n_keep = check_int(n_keep, "n_keep", low=1)
    base_level = check_int(base_level, "base_level", low=0)
    shift_extent_pixels = check_nonnegative(shift_extent_pixels, "shift_extent_pixels")
    shift_n_per_axis = check_int(shift_n_per_axis, "shift_n_per_axis", low=1)
    L_min = check_positive(L_min, "L_min")
    L_max = n // 2 if L_max is None else check_positive(L_max, "L_max")
    if L_min > L_max:
        raise ValueError(f"L_min must be <= L_max, got L_min={L_min}, L_max={L_max}")
    m = len(Y)
    d = _check_defocus(defocus, m)
    C = _ctf_grid(n, pixel_size, d, voltage, cs, amplitude_contrast)
    base_shifts = shift_grid(shift_extent_pixels, shift_n_per_axis)
    pad = 2
    F, N, _ = padded_transform(v, pad)
    F = np.pad(F, 1)  # a border of zeros for the trilinear gathers
    FY = centered_fft(Y, axes=(-2, -1))

    def band(L):
        kp, w = _band_points(n, L)
        ix = (kp[:, 1] + n // 2).astype(int), (kp[:, 0] + n // 2).astype(int)
        Yb = FY[:, ix[0], ix[1]] * w
        if C is None:
            return kp, Yb, np.broadcast_to(w, (m, len(w)))
        Cb = C[:, ix[0], ix[1]]
        return kp, Yb * Cb, Cb * Cb * w

    levels = []
    # level 0: the whole base grid, shared slices
    grid_level = int(base_level)
    n_psi = _n_psi(grid_level)
    n_base = 12 * 4**grid_level * n_psi
    all_idx = np.arange(n_base)
    R0 = _rotations(grid_level, all_idx // n_psi, all_idx % n_psi)
    L = float(L_min)
    kp, YC, C2 = band(L)
    S = _slice_values(F, N, pad, R0, kp)  # (r, p)
    ph = _phases(kp, base_shifts, n)  # (T, p)
    keep = min(n_keep, n_base) if n_levels > 1 else 1
    kept_idx = np.empty((m, keep), int)
    kept_t = np.empty((m, keep, 2))
    best_s = np.empty((m, keep))
    chunk = max(1, int(2e6 // (n_base * len(base_shifts))))
    for a in range(0, m, chunk):
        b = slice(a, a + chunk)
        nb = len(YC[b])
        Z = (YC[b, :, None] * ph.T[None]).transpose(1, 0, 2).reshape(len(kp), -1)  # (p, b T)
        cross = (S.conj() @ Z).real.reshape(len(R0), nb, -1).transpose(1, 0, 2)  # (b, r, T)
        en = _energy(S[None], C2[b])  # (b or 1, r)
        sc = (2 * cross - en[..., None]) / n**2
        t_best = np.argmax(sc, axis=2)
        s_rot = np.take_along_axis(sc, t_best[..., None], 2)[..., 0]  # (b, r)
        order = np.argsort(-s_rot, axis=1)[:, :keep]
        kept_idx[b] = order
        kept_t[b] = base_shifts[np.take_along_axis(t_best, order, 1)]
        best_s[b] = np.take_along_axis(s_rot, order, 1)
    levels.append(
        PoseSearchLevel(
            grid_level, L, n_base * len(base_shifts), R0[kept_idx[:, 0]], kept_t[:, 0].copy()
        )
    )
    for i in range(1, n_levels):
        L = L_min + np.floor(i / (n_levels - 1) * (L_max - L_min))
        kp, YC, C2 = band(L)
        child_idx, child_R = hopf_children(grid_level, kept_idx.ravel())
        child_idx = child_idx.reshape(m, keep, 8)
        child_R = child_R.reshape(m, keep, 8, 3, 3)
        grid_level += 1
        offs = base_shifts / 2**i
        T = kept_t[:, :, None, :] + offs[None, None]  # (m, g, T, 2)
        ph_off = _phases(kp, offs, n)  # (T, p)
        last = i == n_levels - 1
        new_keep = 1 if last else keep
        new_idx = np.empty((m, new_keep), int)
        new_t = np.empty((m, new_keep, 2))
        new_s = np.empty((m, new_keep))
        chunk = max(1, int(4e5 // (keep * 8 * len(kp))))
        for a in range(0, m, chunk):
            b = slice(a, a + chunk)
            S = _slice_values(F, N, pad, child_R[b], kp)  # (b, g, 8, p)
            # phase(t_g + o) = phase(t_g) phase(o): one matrix product for all offsets o
            A = S.conj() * (YC[b, None, :] * _phases(kp, kept_t[b], n))[:, :, None, :]
            cross = (A.reshape(-1, len(kp)) @ ph_off.T).real.reshape(A.shape[:3] + (-1,))
            en = _energy(S, C2[b])  # (b, g, 8)
            sc = (2 * cross - en[..., None]) / n**2  # (b, g, 8, T)
            nb = sc.shape[0]
            t_best = np.argmax(sc, axis=3)  # (b, g, 8)
            s_rot = np.take_along_axis(sc, t_best[..., None], 3)[..., 0].reshape(nb, -1)
            order = np.argsort(-s_rot, axis=1)[:, :new_keep]  # over g * 8 candidates
            g_of, c_of = order // 8, order % 8
            rows = np.arange(nb)[:, None]
            new_idx[b] = child_idx[b][rows, g_of, c_of]
            new_t[b] = T[b][rows, g_of, t_best[rows, g_of, c_of]]
            new_s[b] = np.take_along_axis(s_rot, order, 1)
        kept_idx, kept_t, best_s = new_idx, new_t, new_s
        n_psi = _n_psi(grid_level)
        Rb = _rotations(grid_level, kept_idx[:, 0] // n_psi, kept_idx[:, 0] % n_psi)
        levels.append(
            PoseSearchLevel(
                grid_level, float(L), keep * 8 * len(base_shifts), Rb, kept_t[:, 0].copy()
            )
        )
    return PoseSearchResult(
        levels[-1].rotations, levels[-1].shifts_pixels, best_s[:, 0], tuple(levels)
    )


# ---- reconstruction and the ab initio loop ------------------------------------------------------


def reconstruct(
    images: ArrayLike,
    rotations: ArrayLike,
    pixel_size: float,
    shifts_pixels: ArrayLike | None = None,
    defocus: ArrayLike | None = None,
    wiener: float = 1.0,
    voltage: float = 300.0,
    cs: float = 2.7,
    amplitude_contrast: float = 0.1,
    prior: ArrayLike | None = None,
) -> Array:
    """Direct Fourier inversion with CTF correction and known (or searched) poses.

    Each image is padded twice, transformed, translated back by its shift, multiplied by
    its CTF and inserted on the rotated central plane with trilinear weights; the
    estimate is ``sum w CTF Y / (sum w CTF^2 + wiener)`` per Fourier voxel (a Wiener-like
    filter whose constant keeps sparsely sampled voxels near zero), then divided by the
    ``sinc^2`` apodization of the trilinear gridding. With ``defocus=None`` the CTF is 1.
    With a ``prior`` map ``V0`` the estimate is ``(sum w CTF Y + wiener V0^) / (sum w
    CTF^2 + wiener)``: the data where they are dense, the prior where they are sparse
    (the minimiser of the data misfit plus ``wiener ||V - V0||^2``, per Fourier voxel).

    Parameters
    ----------
    images : array_like, shape (m, n, n)
        Particle images.
    rotations : array_like, shape (m, 3, 3)
        Their poses.
    pixel_size : float
        Pixel size in Å.
    shifts_pixels : array_like, shape (m, 2), optional
        Shifts ``(x, y)`` that moved each projection onto its image.
    defocus : array_like, shape (m,), optional
        Defocus of each image in Å, underfocus positive; ``None`` leaves the CTF out.
    wiener : float, default 1.0
        Wiener constant added to the denominator, positive.
    voltage : float, default 300.0
        Accelerating voltage in kV.
    cs : float, default 2.7
        Spherical aberration in mm.
    amplitude_contrast : float, default 0.1
        Fraction of amplitude contrast, in ``[0, 1)``.
    prior : array_like, shape (n, n, n), optional
        A map the result is pulled towards where data are sparse.

    Returns
    -------
    ndarray, shape (n, n, n)
        The reconstructed map.

    Examples
    --------
    >>> from helpers.volumes import gaussian_atoms_map, toy_protein
    >>> from helpers.imaging import fourier_slices
    >>> from helpers.sampling import hopf_grid
    >>> vol = gaussian_atoms_map(toy_protein(), 16, 3.0, 3.0)
    >>> Rs = hopf_grid(1)
    >>> rec = reconstruct(fourier_slices(vol, Rs), Rs, 3.0, wiener=1e-3)
    >>> bool(np.corrcoef(rec.ravel(), vol.ravel())[0, 1] > 0.99)
    True
    """
    Y = as_float_array(images, "images")
    if Y.ndim != 3 or Y.shape[1] != Y.shape[2]:
        raise ValueError(f"images must have shape (m, n, n), got {Y.shape}")
    m, n, _ = Y.shape
    Rs = check_rotation_matrix(rotations, "rotations")
    if Rs.shape != (m, 3, 3):
        raise ValueError(f"rotations must have shape ({m}, 3, 3), got {Rs.shape}")
    t = (
        np.zeros((m, 2))
        if shifts_pixels is None
        else as_float_array(shifts_pixels, "shifts_pixels")
    )
    if t.shape != (m, 2):
        raise ValueError(f"shifts_pixels must have shape ({m}, 2), got {t.shape}")
    pixel_size = check_positive(pixel_size, "pixel_size")
    wiener = check_positive(wiener, "wiener")
    d = _check_defocus(defocus, m)
    pad = 2
    N = pad * n
    V0 = None if prior is None else as_float_array(prior, "prior")
    if V0 is not None and V0.shape != (n, n, n):
        raise ValueError(f"prior must have shape ({n}, {n}, {n}), got {V0.shape}")
    F2 = centered_fft(pad_centered(Y, (m, N, N)), axes=(-2, -1))
    ky, kx = frequency_components(N)
    F2 *= np.exp(2j * np.pi * (kx[None] * t[:, 0, None, None] + ky[None] * t[:, 1, None, None]) / N)
    C = _ctf_grid(N, pixel_size, d, voltage, cs, amplitude_contrast)
    W = np.ones((m, N, N)) if C is None else C
    vals, w2 = (F2 * W).reshape(-1), (W * W).reshape(-1)
    plane = np.stack([kx, ky, np.zeros_like(kx)], axis=-1).reshape(-1, 3).astype(float)
    pos = np.matmul(plane, Rs).reshape(-1, 3)[:, ::-1] + N // 2  # [z, y, x]
    base = np.floor(pos).astype(np.intp)
    frac = pos - base
    M = N + 2
    ok = np.all((base >= -1) & (base <= N - 1), axis=1)
    base, frac, vals, w2 = base[ok] + 1, frac[ok], vals[ok], w2[ok]
    flat0 = (base[:, 0] * M + base[:, 1]) * M + base[:, 2]
    num_re, num_im, den = np.zeros(M**3), np.zeros(M**3), np.zeros(M**3)
    for dz in (0, 1):
        for dy in (0, 1):
            for dx in (0, 1):
                w = (
                    (frac[:, 0] if dz else 1 - frac[:, 0])
                    * (frac[:, 1] if dy else 1 - frac[:, 1])
                    * (frac[:, 2] if dx else 1 - frac[:, 2])
                )
                flat = flat0 + ((dz * M + dy) * M + dx)
                num_re += np.bincount(flat, w * vals.real, M**3)
                num_im += np.bincount(flat, w * vals.imag, M**3)
                den += np.bincount(flat, w * w2, M**3)
    inner = (slice(1, N + 1),) * 3
    num = (num_re + 1j * num_im).reshape(M, M, M)[inner]
    if V0 is not None:  # the prior's transform on the same padded, apodized grid
        num = num + wiener * centered_fft(pad_centered(V0, N) * sinc2_apodization(N))
    F3 = num / (den.reshape(M, M, M)[inner] + wiener)
    out = centered_ifft(F3).real / sinc2_apodization(N)
    return crop_centered(out, n)


def _lowpass_map(v: Array, L: float) -> Array:
    """Keep the map's Fourier components with ``|k| <= L`` (Fourier pixels of its box)."""
    kz, ky, kx = frequency_components(v.shape[0], ndim=3)
    F = centered_fft(v)
    F[kx * kx + ky * ky + kz * kz > L * L] = 0
    return centered_ifft(F).real


def frequency_marching(epoch: int, L_start: float, L_end: float, ramp_epochs: int) -> float:
    """The band limit of an epoch: ``L_start + floor(epoch / ramp_epochs * (L_end - L_start))``.

    cryoDRGN2's across-epoch ramp of the search's upper band limit (capped at
    ``L_end``; ``ramp_epochs = 0`` means no ramp, ``L_end`` from the start).

    Parameters
    ----------
    epoch : int
        Epoch index, non-negative.
    L_start : float
        Band limit of epoch 0 (Fourier pixels).
    L_end : float
        Band limit after the ramp.
    ramp_epochs : int
        Epochs over which it grows.

    Returns
    -------
    float
        The band limit of ``epoch``, at most ``L_end``.

    Examples
    --------
    >>> [frequency_marching(e, 4, 12, 4) for e in range(6)]
    [4.0, 6.0, 8.0, 10.0, 12.0, 12.0]
    """
    if epoch < 0 or ramp_epochs < 0:
        raise ValueError("epoch and ramp_epochs must be >= 0")
    if ramp_epochs == 0:
        return float(L_end)
    return float(min(L_end, L_start + np.floor(epoch / ramp_epochs * (L_end - L_start))))


@dataclass(frozen=True)
class AbInitioResult:
    """Result of :func:`ab_initio`.

    Attributes
    ----------
    volume : ndarray, shape (n, n, n)
        The final map.
    volumes : ndarray, shape (epochs + 1, n, n, n)
        The starting map and the map after each epoch.
    rotations : ndarray, shape (epochs, m, 3, 3)
    shifts_pixels : ndarray, shape (epochs, m, 2)
    L_max : ndarray, shape (epochs,)
        The search's upper band limit in each epoch.
    """

    volume: Array
    volumes: Array
    rotations: Array
    shifts_pixels: Array
    L_max: Array


def ab_initio(
    images: ArrayLike,
    start: ArrayLike,
    pixel_size: float,
    L_schedule: ArrayLike,
    defocus: ArrayLike | None = None,
    L_min: float = 4.0,
    wiener: float = 1.0,
    lowpass: bool = False,
    **search_kwargs,
) -> AbInitioResult:
    """Alternate pose search and reconstruction from a starting map: a miniature cryoDRGN2.

    Epoch ``e`` searches every image's pose against the current map with
    :func:`search_poses` (upper band limit ``L_schedule[e]``, lower ``min(L_min,
    L_schedule[e])``), then rebuilds the map from all images at the found poses with
    :func:`reconstruct` (all frequencies, or those with ``|k| <= L_schedule[e]`` if
    ``lowpass``). cryoDRGN2 instead takes gradient steps on a
    neural decoder between searches; the alternation is the same.

    Parameters
    ----------
    images : array_like, shape (m, n, n)
        Particle images.
    start : array_like, shape (n, n, n)
        Starting map.
    pixel_size : float
        Pixel size in Å.
    L_schedule : array_like
        Upper band limit (Fourier pixels) of each epoch.
    defocus : array_like, shape (m,), optional
        Defocus of each image in Å, underfocus positive; ``None`` leaves the CTF out.
    L_min : float, default 4.0
        Lower band limit of the search.
    wiener : float, default 1.0
        Wiener constant of :func:`reconstruct`.
    lowpass : bool, default False
        Reconstruct only up to each epoch's band limit.
    **search_kwargs
        Passed on to :func:`search_poses`.

    Returns
    -------
    AbInitioResult
        The starting map and the map after every epoch, and the poses found in each.

    Examples
    --------
    >>> from helpers.volumes import gaussian_atoms_map, toy_protein
    >>> from helpers.imaging import fourier_slices
    >>> from helpers.sampling import uniform_rotations
    >>> vol = gaussian_atoms_map(toy_protein(), 16, 3.0, 3.0)
    >>> imgs = fourier_slices(vol, uniform_rotations(20, np.random.default_rng(0)))
    >>> res = ab_initio(imgs, vol, 3.0, [4, 6], n_levels=2)
    >>> res.volumes.shape, res.rotations.shape
    ((3, 16, 16, 16), (2, 20, 3, 3))
    """
    Y = as_float_array(images, "images")
    v = as_float_array(start, "start")
    sched = as_float_array(L_schedule, "L_schedule")
    if sched.ndim != 1 or len(sched) < 1 or np.any(sched <= 0):
        raise ValueError("L_schedule must be a non-empty 1-D sequence of positive band limits")
    pixel_size = check_positive(pixel_size, "pixel_size")
    L_min = check_positive(L_min, "L_min")
    wiener = check_positive(wiener, "wiener")
    lowpass = check_bool(lowpass, "lowpass")
    if v.shape != (Y.shape[-1],) * 3:
        raise ValueError(f"start must be a cubic map of the images' size, got {v.shape}")
    vols, rots, shifts = [v], [], []
    for L in sched:
        res = search_poses(Y, v, pixel_size, defocus, L_min=min(L_min, L), L_max=L, **search_kwargs)
        v = reconstruct(Y, res.rotations, pixel_size, res.shifts_pixels, defocus, wiener)
        if lowpass:
            v = _lowpass_map(v, L)
        vols.append(v)
        rots.append(res.rotations)
        shifts.append(res.shifts_pixels)
    return AbInitioResult(v, np.array(vols), np.array(rots), np.array(shifts), sched.copy())


class GlobalPoseErrors(NamedTuple):
    """Pose errors after the best global rotation (and, if better, the mirror hand).

    Attributes
    ----------
    errors : ndarray
        Angular error of each pose after alignment, radians.
    rotation : ndarray
        The global rotation applied.
    mirrored : bool
        Whether the mirror hand fitted better.
    """

    errors: Array  # (m,) radians
    rotation: Array  # (3, 3) H with rotations ~ true_rotations @ H
    mirrored: bool


def global_pose_errors(rotations: ArrayLike, true_rotations: ArrayLike) -> GlobalPoseErrors:
    """Angular errors of poses found ab initio, which are defined only up to a global frame.

    A map reconstructed from scratch is the truth turned by some rotation ``G`` (and
    possibly mirrored: projections cannot tell the hands apart), and its poses are
    ``R_i = R_true_i G^T``. We estimate ``H = G^T`` as the rotation nearest to
    ``sum_i R_true_i^T R_i`` (the chordal mean), and also try the mirrored poses
    ``J R_i J`` with ``J = diag(1, 1, -1)``; the hand with the smaller median error wins.

    Parameters
    ----------
    rotations : array_like, shape (m, 3, 3)
        Poses found.
    true_rotations : array_like, shape (m, 3, 3)
        The true poses.

    Returns
    -------
    GlobalPoseErrors
        Errors, the global rotation and the hand.

    Examples
    --------
    >>> from helpers.sampling import uniform_rotations
    >>> R = uniform_rotations(5, np.random.default_rng(0)); G = R[0]
    >>> res = global_pose_errors(R @ G.T, R)
    >>> bool(res.errors.max() < 1e-6), res.mirrored
    (True, False)
    """
    from .metrics import angular_distance
    from .rotations import project_to_so3

    R = check_rotation_matrix(rotations, "rotations")
    T = check_rotation_matrix(true_rotations, "true_rotations")
    if R.ndim != 3 or R.shape != T.shape:
        raise ValueError(
            f"rotations and true_rotations must both be (m, 3, 3), got {R.shape}, {T.shape}"
        )
    J = np.diag([1.0, 1.0, -1.0])
    best = None
    for mirrored, RR in ((False, R), (True, J @ R @ J)):
        H = project_to_so3(np.einsum("mji,mjk->ik", T, RR))
        e = angular_distance(RR, T @ H)
        if best is None or np.median(e) < np.median(best.errors):
            best = GlobalPoseErrors(e, H, mirrored)
    return best
