"""Map-to-map alignment: VESPER's local density vectors and DOT score (Han et al. 2021),
VESPER's own search reproduced, and a faster, more accurate search of our own.

Two searches share :func:`align_maps`:

``search="vesper"``
    The authors' algorithm as their C program does it (kiharalab/VESPER): the FFT-friendly
    box, one mean-shift step per coarse grid point with their kernel, their Euler-angle
    rotation set, nearest-voxel rotation of the vector field (source coordinates in the
    order their ``rot_cd`` evaluates them), an FFT translation scan of the DOT score in
    single precision (their FFTW calls are ``fftwf``), a +/-5 degree Euler refinement of
    the top models and raw Z-scores against the per-rotation scores. Translations are
    whole grid steps.
``search="fast"`` (default)
    Ours: settings read from the maps (contour from the noise level, grid spacing and
    bandwidth from the molecule size), a coarse DOT search over a near-uniform Hopf grid
    with an FFT translation scan, then a continuous local refinement (rotation and
    sub-voxel translation, analytic gradients) of the best few poses against the
    correlation of the original maps.

The pose moves ``target`` onto ``ref``: ``x_ref = R x_target + t``, with ``(x, y, z)`` in
Å about each map's centre voxel ``n // 2``. Maps are indexed ``[z, y, x]``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import scipy.fft
from numpy.typing import ArrayLike, NDArray
from scipy import ndimage, optimize

from ._checks import as_float_array, check_int, check_positive, check_rotation_matrix, check_scalar
from .sampling import hopf_grid
from .volumes import index_affine

__all__ = [
    "resample_map",
    "local_density_vectors",
    "DensityVectors",
    "dot_score",
    "cross_correlation",
    "laplacian_filter",
    "rotate_channels",
    "translation_search_fft",
    "TranslationMatch",
    "zscores",
    "ZScores",
    "add_map_noise",
    "MapSettings",
    "map_settings",
    "vesper_euler_grid",
    "EulerGrid",
    "vesper_box_size",
    "vesper_density_vectors",
    "VesperVectors",
    "vesper_rotate_vectors",
    "RefinedPose",
    "refine_pose",
    "AlignmentResult",
    "align_maps",
]

Array = NDArray[np.float64]
MID_SPACING = 0.75  # level-1 refinement grid, in coarse spacings
LEVEL1_ITER = 30  # iterations per pose at level 1 (a basin test, finished at level 2)


def _check_map(vol: ArrayLike, name: str) -> Array:
    v = as_float_array(vol, name)
    if v.ndim != 3:
        raise ValueError(f"{name} must be a 3-D map, got shape {v.shape}")
    return v


def _check_positive(x: float, name: str) -> float:
    return check_positive(x, name)  # the shared check (refuses strings, arrays, NaN)


# ---- features and scores ------------------------------------------------------------------


def resample_map(vol: ArrayLike, voxel_size: float, spacing: float, n: int | None = None) -> Array:
    """Resample a map to a cubic grid of ``spacing`` Å (trilinear), about the centre voxel.

    ``n`` sets the output edge (default: enough to cover the input box).

    Parameters
    ----------
    vol : array_like, shape (n, n, n)
        The map, indexed ``[z, y, x]``.
    voxel_size : float
        Voxel size in Å.
    spacing : float
        Grid spacing of the output in Å.
    n : int, optional
        Edge of the output box (default: enough to cover the input box).

    Returns
    -------
    ndarray, shape (n, n, n)
        The resampled map, ``[z, y, x]``, centre voxel ``n // 2``.

    Examples
    --------
    >>> resample_map(np.ones((8, 8, 8)), 2.0, 4.0).shape
    (4, 4, 4)
    """
    v = _check_map(vol, "vol")
    voxel_size = _check_positive(voxel_size, "voxel_size")
    spacing = _check_positive(spacing, "spacing")
    if n is not None:
        n = check_int(n, "n", low=1)
    if n is None:
        n = int(np.ceil(max(v.shape) * voxel_size / spacing))
    g = (np.arange(n) - n // 2) * spacing / voxel_size
    idx = [g + s // 2 for s in v.shape]
    Z, Y, X = np.meshgrid(*idx, indexing="ij")
    return ndimage.map_coordinates(v, [Z, Y, X], order=1, mode="constant", cval=0.0)


class DensityVectors(NamedTuple):
    """What :func:`local_density_vectors` returns.

    Attributes
    ----------
    vectors : ndarray, shape (3, nz, ny, nx)
        Components ``(vx, vy, vz)``; zero outside the mask.
    mask : ndarray of bool, shape (nz, ny, nx)
        Where the vectors are defined.
    """

    vectors: Array
    mask: Array


def local_density_vectors(
    vol: ArrayLike, voxel_size: float, bandwidth: float = 16.0, threshold: float = 0.0
) -> DensityVectors:
    """Unit vectors pointing uphill in the Gaussian-smoothed density (VESPER's mean shift).

    One mean-shift step from a point ``p`` moves it to the kernel-weighted centroid
    ``c(p)``, and ``c(p) - p = sigma^2 grad log(rho * G_sigma)(p)``: the step points along
    the gradient of the smoothed map. We therefore compute the gradient of the map
    smoothed with ``sigma = bandwidth / (2 sqrt 3)`` (the effective width of VESPER's
    kernel ``exp(-1.5 r^2 / (g/2)^2)``), normalise it, and keep it where the (raw)
    density exceeds ``threshold``. :func:`vesper_density_vectors` is the authors' exact
    computation on their coarse grid.

    Parameters
    ----------
    vol : array_like, shape (n, n, n)
        The map, indexed ``[z, y, x]``.
    voxel_size : float
        Voxel size in Å.
    bandwidth : float, default 16.0
        Mean-shift bandwidth in Å; the Gaussian smoothing width is ``bandwidth / (2 sqrt 3)``.
    threshold : float, default 0.0
        Vectors are kept where the raw density exceeds this.

    Returns
    -------
    vectors : ndarray, shape (3, nz, ny, nx)
        Components ``(vx, vy, vz)``; zero outside the mask.
    mask : ndarray of bool, shape (nz, ny, nx)

    Examples
    --------
    >>> from helpers.volumes import gaussian_atoms_map
    >>> vol = gaussian_atoms_map([[0.0, 0.0, 0.0]], 16, 2.0, sigma=4.0)
    >>> v, m = local_density_vectors(vol, 2.0, 8.0, 0.1)
    >>> np.round(v[:, 8, 8, 11], 6)        # at x = +6 Å the vector points back to x = 0
    array([-1.,  0.,  0.])
    """
    v = _check_map(vol, "vol")
    voxel_size = _check_positive(voxel_size, "voxel_size")
    bandwidth = _check_positive(bandwidth, "bandwidth")
    threshold = check_scalar(threshold, "threshold")
    sigma = bandwidth / (2 * np.sqrt(3)) / voxel_size
    smooth = ndimage.gaussian_filter(np.where(v > threshold, v, 0.0), sigma, mode="constant")
    gz, gy, gx = np.gradient(smooth)
    g = np.stack([gx, gy, gz])
    norm = np.sqrt(np.sum(g * g, axis=0))
    mask = (v > threshold) & (norm > 1e-12 * max(norm.max(), 1e-300))
    vectors = np.where(mask, g / np.where(norm > 0, norm, 1.0), 0.0)
    return DensityVectors(vectors, mask)


def dot_score(vectors_a: ArrayLike, vectors_b: ArrayLike) -> float:
    """DOT score of two vector fields on the same grid: ``sum_x v_a(x) . v_b(x)``.

    Only voxels where both fields are non-zero contribute, each by at most 1.

    Parameters
    ----------
    vectors_a : array_like, shape (3, nz, ny, nx)
        A vector field, components ``(vx, vy, vz)``.
    vectors_b : array_like, shape (3, nz, ny, nx)
        A second field on the same grid.

    Returns
    -------
    float
        The sum over the grid of the dot products of the two fields.

    Examples
    --------
    >>> a = np.zeros((3, 2, 2, 2)); a[0] = 1.0
    >>> dot_score(a, a)
    8.0
    """
    a = as_float_array(vectors_a, "vectors_a")
    b = as_float_array(vectors_b, "vectors_b")
    if a.shape != b.shape or a.ndim != 4 or a.shape[0] != 3:
        raise ValueError("vector fields must both have shape (3, nz, ny, nx)")
    return float(np.sum(a * b))


def cross_correlation(a: ArrayLike, b: ArrayLike, centred: bool = False) -> float:
    """Cross-correlation of two maps on the same grid, normalised to [-1, 1].

    ``centred=True`` subtracts each map's mean first (Pearson correlation).

    Parameters
    ----------
    a : array_like
        A map.
    b : array_like
        A map of the same shape.
    centred : bool, default False
        Subtract each map's mean first (Pearson correlation).

    Returns
    -------
    float
        ``sum a b / sqrt(sum a^2 sum b^2)``, in [-1, 1]; 0 if either map is zero.

    Examples
    --------
    >>> x = np.random.default_rng(0).random((4, 4, 4))
    >>> round(cross_correlation(x, 3 * x), 12)
    1.0
    """
    x = as_float_array(a, "a")
    y = as_float_array(b, "b")
    if x.shape != y.shape:
        raise ValueError("maps must have the same shape")
    if centred:
        x, y = x - x.mean(), y - y.mean()
    den = np.sqrt(np.sum(x * x) * np.sum(y * y))
    return float(np.sum(x * y) / den) if den > 0 else 0.0


def laplacian_filter(vol: ArrayLike, voxel_size: float, sigma: float = 2.0) -> Array:
    """Negative Laplacian of the Gaussian-smoothed map (``sigma`` Å): emphasises edges and cavities.

    Parameters
    ----------
    vol : array_like, shape (n, n, n)
        The map, indexed ``[z, y, x]``.
    voxel_size : float
        Voxel size in Å.
    sigma : float, default 2.0
        Width in Å of the Gaussian smoothing before the Laplacian.

    Returns
    -------
    ndarray, shape of ``vol``
        The filtered map, ``-Laplacian(G_sigma * vol)`` in 1/Å².

    Examples
    --------
    >>> laplacian_filter(np.ones((6, 6, 6)), 1.0).shape
    (6, 6, 6)
    """
    v = _check_map(vol, "vol")
    voxel_size = _check_positive(voxel_size, "voxel_size")
    sigma = _check_positive(sigma, "sigma")
    return -ndimage.gaussian_laplace(v, sigma / voxel_size, mode="constant")


def rotate_channels(channels: ArrayLike, R: ArrayLike, vector: bool = False) -> Array:
    """Rotate scalar channels ``(c, n, n, n)`` or a vector field ``(3, n, n, n)`` about the centre.

    Trilinear interpolation, ``out(p) = in(R^T p)`` about the centre voxel ``n // 2``;
    with ``vector=True`` each interpolated vector ``(vx, vy, vz)`` is turned by ``R`` too.

    Parameters
    ----------
    channels : array_like, shape (c, nz, ny, nx)
        Scalar channels, or the components ``(vx, vy, vz)`` of a vector field.
    R : array_like, shape (3, 3)
        The rotation, applied about the centre voxel.
    vector : bool, default False
        The channels are a vector field: the vectors are rotated too.

    Returns
    -------
    ndarray, shape (c, nz, ny, nx)
        The rotated channels (trilinear; zero outside the box).

    Examples
    --------
    >>> f = np.zeros((3, 5, 5, 5)); f[0, 2, 2, 3] = 1.0   # +x vector at x = +1
    >>> Rz = np.array([[0.0, -1, 0], [1, 0, 0], [0, 0, 1]])
    >>> out = rotate_channels(f, Rz, vector=True)
    >>> np.round(out[:, 2, 3, 2], 6)                     # a +y vector at y = +1
    array([0., 1., 0.])
    """
    c = as_float_array(channels, "channels")
    if c.ndim != 4:
        raise ValueError(f"channels must have shape (c, nz, ny, nx), got {c.shape}")
    R = check_rotation_matrix(R)
    if R.shape != (3, 3):
        raise ValueError("R must be a single rotation")
    if vector and c.shape[0] != 3:
        raise ValueError("a vector field must have 3 channels")
    M, offset = index_affine(R, c.shape[1:])
    out = np.stack(
        [
            ndimage.affine_transform(ch, M, offset=offset, order=1, mode="constant", cval=0.0)
            for ch in c
        ]
    )
    if vector:
        out = np.einsum("ij,jzyx->izyx", R, out)
    return out


class TranslationMatch(NamedTuple):
    """Best circular translation and its score, from :func:`translation_search_fft`.

    Attributes
    ----------
    score : float
        The best summed correlation.
    shift : ndarray, shape (3,)
        Its translation ``(tx, ty, tz)`` in voxels, in ``[-n/2, n/2)``.
    """

    score: float
    shift: Array


def translation_search_fft(ref_channels: ArrayLike, moved_channels: ArrayLike) -> TranslationMatch:
    """Best circular translation of ``moved`` onto ``ref`` for summed channel correlations.

    ``score(t) = sum_c sum_x ref_c(x) moved_c(x - t)``, for every integer ``t`` at once from
    one FFT per channel. Returns the best score and ``t`` as ``(tx, ty, tz)`` voxels in
    ``[-n/2, n/2)``.

    Parameters
    ----------
    ref_channels : array_like, shape (c, nz, ny, nx)
        Channels of the fixed map.
    moved_channels : array_like, shape (c, nz, ny, nx)
        Channels of the map to move.

    Returns
    -------
    TranslationMatch
        ``score``: the best summed correlation; ``shift``, shape (3,): its translation
        ``(tx, ty, tz)`` in voxels, in ``[-n/2, n/2)``.

    Examples
    --------
    >>> a = np.zeros((1, 8, 8, 8)); a[0, 4, 4, 5] = 1.0
    >>> b = np.zeros((1, 8, 8, 8)); b[0, 4, 4, 3] = 1.0
    >>> translation_search_fft(a, b)[1]          # move b by +2 along x
    array([2., 0., 0.])
    """
    A = as_float_array(ref_channels, "ref_channels")
    B = as_float_array(moved_channels, "moved_channels")
    if A.shape != B.shape or A.ndim != 4:
        raise ValueError("channels must both have shape (c, nz, ny, nx)")
    shape = A.shape[1:]
    FA = np.fft.rfftn(A, axes=(1, 2, 3))
    FB = np.fft.rfftn(B, axes=(1, 2, 3))
    corr = np.fft.irfftn(np.sum(FA * np.conj(FB), axis=0), s=shape, axes=(0, 1, 2))
    i = int(np.argmax(corr))
    tz, ty, tx = np.unravel_index(i, shape)
    t = np.array([tx, ty, tz], float)
    n = np.array(shape[::-1], float)
    t = np.where(t >= n / 2, t - n, t)
    return TranslationMatch(float(corr.flat[i]), t)


class ZScores(NamedTuple):
    """Raw and cluster-normalised Z-scores, from :func:`zscores`.

    Attributes
    ----------
    raw : float
        ``(best - mean) / std`` over all scores.
    normalized : float
        The same against the largest cluster of scores only.
    """

    raw: float
    normalized: float


def zscores(best: ArrayLike, scores: ArrayLike, cutoff: float = 0.2) -> ZScores:
    """Raw and cluster-normalised Z-scores of a best score against per-rotation scores.

    Raw: against the mean and (population) standard deviation of all ``scores``.
    Normalised (as the authors' ``cluster_score.py``): single-linkage clustering of the
    1-D scores with distance cutoff ``cutoff * (max - min)``; the largest cluster is the
    background.

    Parameters
    ----------
    best : float
        The best score.
    scores : array_like
        Scores of every rotation searched (at least 3).
    cutoff : float, default 0.2
        Single-linkage distance cutoff as a fraction of the score range, in (0, 1).

    Returns
    -------
    ZScores
        ``raw``: ``(best - mean) / std`` over all scores; ``normalized``: the same
        against the largest cluster of scores only.

    Examples
    --------
    >>> s = np.r_[np.random.default_rng(0).normal(0, 1, 500), 20.0]
    >>> raw, norm = zscores(20.0, s)
    >>> bool(norm > raw > 10)
    True
    """
    s = np.sort(as_float_array(scores, "scores").ravel())
    if s.size < 3:
        raise ValueError("scores: need at least 3 scores")
    cutoff = check_scalar(cutoff, "cutoff", 0.0, 1.0, low_open=True, high_open=True)
    b = check_scalar(best, "best")
    raw = (b - s.mean()) / (s.std() + 1e-300)
    # single linkage in 1-D: sorted values split wherever a gap exceeds the cutoff
    gaps = np.diff(s) > cutoff * (s[-1] - s[0])
    labels = np.concatenate([[0], np.cumsum(gaps)])
    largest = np.argmax(np.bincount(labels))
    bg = s[labels == largest]
    norm = (b - bg.mean()) / (bg.std() + 1e-300) if bg.size > 1 else raw
    return ZScores(float(raw), float(norm))


def add_map_noise(vol: ArrayLike, snr: float, rng: np.random.Generator) -> Array:
    """The map plus white Gaussian noise of variance ``var(vol) / snr`` (variance over the box).

    Parameters
    ----------
    vol : array_like
        The map.
    snr : float
        Signal-to-noise ratio ``var(vol) / var(noise)`` over the box.
    rng : numpy.random.Generator
        Source of the random draws, seeded by the caller.

    Returns
    -------
    ndarray, shape of ``vol``
        The noisy map.

    Examples
    --------
    >>> v = np.zeros((8, 8, 8)); v[4, 4, 4] = 1.0
    >>> noisy = add_map_noise(v, 20.0, np.random.default_rng(0))
    >>> bool(abs(np.std(noisy - v) / np.sqrt(v.var() / 20.0) - 1) < 0.1)
    True
    """
    v = _check_map(vol, "vol")
    snr = _check_positive(snr, "snr")
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator")
    return v + rng.normal(0.0, np.sqrt(v.var() / snr), v.shape)


# ---- settings read from the maps ----------------------------------------------------------


class MapSettings(NamedTuple):
    """Search settings read from a map by :func:`map_settings`.

    Attributes
    ----------
    threshold : float
        Density contour (the map's units).
    noise : float
        Noise standard deviation, ``1.4826 MAD`` of all voxels.
    radius : float
        Radius of gyration in Å of the density above the contour.
    spacing : float
        Coarse grid spacing in Å (``radius / 5``, at least one voxel).
    bandwidth : float
        Mean-shift bandwidth in Å (twice the spacing).
    """

    threshold: float  # contour level (density units)
    noise: float  # robust noise standard deviation of the background
    radius: float  # radius of gyration (Å) of the density above the contour
    spacing: float  # coarse grid spacing (Å)
    bandwidth: float  # VESPER bandwidth g (Å) for the coarse vectors


def map_settings(vol: ArrayLike, voxel_size: float) -> MapSettings:
    """Contour, coarse grid spacing and bandwidth chosen from the map itself.

    * Noise: the background level is the median voxel and the noise level ``1.4826 *
      MAD`` of all voxels (most of a box is solvent). The contour is the background plus
      the larger of 4 noise standard deviations (fewer than one noise voxel in 30,000
      passes) and 10 % of the peak of the lightly smoothed map (so a noise-free map gets
      a contour too).
    * Size: the radius of gyration ``R_g`` of the density above the contour. The
      coarse spacing is ``R_g / 5`` (the molecule spans about 13 coarse points, since a
      uniform ball has diameter ``2 sqrt(5/3) R_g``), at least one voxel; the bandwidth is
      twice the spacing (VESPER's defaults, 7 Å and 16 Å, have the same ratio), so the
      smoothing follows the molecule rather than a fixed 16 Å.

    Parameters
    ----------
    vol : array_like, shape (n, n, n)
        The map, indexed ``[z, y, x]``.
    voxel_size : float
        Voxel size in Å.

    Returns
    -------
    MapSettings
        Contour, noise level, radius, coarse spacing and bandwidth.

    Examples
    --------
    >>> from helpers.volumes import gaussian_atoms_map, toy_protein
    >>> s = map_settings(gaussian_atoms_map(toy_protein(), 32, 2.0, 2.0), 2.0)
    >>> bool(8 < s.radius < 16), bool(s.threshold > 0)
    (True, True)
    """
    v = _check_map(vol, "vol")
    voxel_size = _check_positive(voxel_size, "voxel_size")
    med = float(np.median(v))
    noise = 1.4826 * float(np.median(np.abs(v - med)))
    peak = float(ndimage.gaussian_filter(v, 1.0).max()) - med
    if peak <= 0:
        raise ValueError("vol has no density above its background")
    threshold = med + max(4.0 * noise, 0.1 * peak)
    w = np.where(v > threshold, v - med, 0.0)
    if w.sum() <= 0:
        raise ValueError("vol has no density above the chosen contour")
    idx = np.indices(v.shape).reshape(3, -1).astype(float)
    c = idx @ w.ravel() / w.sum()
    rg = np.sqrt(np.sum((idx - c[:, None]) ** 2 @ w.ravel()) / w.sum()) * voxel_size
    spacing = max(voxel_size, rg / 5.0)
    return MapSettings(threshold, noise, float(rg), float(spacing), float(2.0 * spacing))


# ---- VESPER's own algorithm ---------------------------------------------------------------


def _euler_zyx(a: Array, b: Array, c: Array) -> Array:
    """VESPER's ``Euler2mtxZYX``: ``R = Rz(c) Ry(b) Rx(a)`` (radians), shape (m, 3, 3)."""
    ca, sa, cb, sb, cc, sc = np.cos(a), np.sin(a), np.cos(b), np.sin(b), np.cos(c), np.sin(c)
    R = np.empty(a.shape + (3, 3))
    R[..., 0, 0] = cb * cc
    R[..., 0, 1] = sa * sb * cc - ca * sc
    R[..., 0, 2] = ca * sb * cc + sa * sc
    R[..., 1, 0] = cb * sc
    R[..., 1, 1] = ca * cc + sa * sb * sc
    R[..., 1, 2] = ca * sb * sc - sa * cc
    R[..., 2, 0] = -sb
    R[..., 2, 1] = sa * cb
    R[..., 2, 2] = ca * cb
    return R


class EulerGrid(NamedTuple):
    """What :func:`vesper_euler_grid` returns.

    Attributes
    ----------
    angles : ndarray, shape (m, 3)
        ``(a, b, c)`` in radians, or degrees with ``degrees=True``.
    matrices : ndarray, shape (m, 3, 3)
        The rotations.
    """

    angles: Array
    matrices: Array


def vesper_euler_grid(step: float, degrees: bool = False) -> EulerGrid:
    """VESPER's rotation set: Euler angles ``a, b`` in ``[0, 360)`` and ``c`` in ``[0, 180]``.

    ``R = Rz(c) Ry(b) Rx(a)`` for every triple on a lattice of ``step``; 1,008 rotations
    at 30°, 7,488 at 15°, 24,624 at 10°. The set covers SO(3) with redundancy and is
    denser where the Euler parametrisation is singular (``b`` near ±90°).

    Parameters
    ----------
    step : float
        Angle step, radians (degrees with ``degrees=True``).

    Returns
    -------
    angles : ndarray, shape (m, 3)
        ``(a, b, c)`` in the unit of ``step``.
    matrices : ndarray, shape (m, 3, 3)

    Examples
    --------
    >>> [len(vesper_euler_grid(s, degrees=True)[0]) for s in (30, 15, 10)]
    [1008, 7488, 24624]
    """
    step = _check_positive(step, "step")
    d = step if degrees else np.rad2deg(step)
    # the C loops add the step repeatedly (rx += ang); count the same way in degrees
    ab = np.arange(0.0, 360.0 - 1e-9, d)
    cs = np.arange(0.0, 180.0 + 1e-9, d)
    A, B, C = np.meshgrid(ab, ab, cs, indexing="ij")
    ang = np.stack([A.ravel(), B.ravel(), C.ravel()], axis=1)
    R = _euler_zyx(*np.deg2rad(ang).T)
    return EulerGrid((ang if degrees else np.deg2rad(ang)), R)


def _vesper_threshold(vol: Array, threshold: float) -> Array:
    v = vol - threshold if threshold < 0 else vol  # "v0.321": shift up, contour 0
    return np.where(v < max(threshold, 0.0), 0.0, v)


def vesper_box_size(vol: ArrayLike, voxel_size: float, threshold: float, spacing: float) -> int:
    """VESPER's coarse box edge (``SetUpVoxSize``): the smallest ``2^k``, ``3 2^k`` or ``9 2^k``.

    It must exceed ``int(2 d_max / spacing)``, where ``d_max`` is the largest distance (Å)
    from the map centre (voxel ``n / 2``) of any voxel at or above the contour. With the
    default contour 0 every voxel of a non-negative map counts, so the box covers the
    whole map.

    Parameters
    ----------
    vol : array_like, shape (n, n, n)
        The map, indexed ``[z, y, x]``.
    voxel_size : float
        Voxel size in Å.
    threshold : float
        Density contour; voxels at or above it must fit in the box.
    spacing : float
        Coarse grid spacing in Å.

    Returns
    -------
    int
        The coarse box edge ``a``, of the form ``2^k``, ``3 2^k`` or ``9 2^k``.

    Examples
    --------
    >>> vesper_box_size(np.ones((80, 80, 80)), 1.2, 0.0, 7.0)
    24
    """
    v = _check_map(vol, "vol")
    voxel_size = _check_positive(voxel_size, "voxel_size")
    spacing = _check_positive(spacing, "spacing")
    w = _vesper_threshold(v, float(threshold))
    keep = v - threshold >= 0 if threshold < 0 else v >= threshold
    pts = np.argwhere(keep)[:, ::-1].astype(float)  # (x, y, z) voxel indices
    if len(pts) == 0:
        raise ValueError("vol has no voxel at or above the threshold")
    cent = 0.5 * np.array(w.shape[::-1], float)
    dmax = np.sqrt(np.max(np.sum((pts - cent) ** 2, axis=1)))
    tmp = int(2 * dmax * voxel_size / spacing)
    best = None
    for base in (2, 3, 9):
        a = base
        while a <= tmp:
            a *= 2
        best = a if best is None else min(best, a)
    return int(best)


def _vesper_axis_weights(dim: int, a: int, voxel_size: float, spacing: float, bandwidth: float):
    """Per-axis kernel weights of ``fastVEC`` for coarse points along one axis."""
    pos = (np.arange(a) * spacing - 0.5 * a * spacing) / voxel_size + 0.5 * dim
    fmaxd = 2.0 * bandwidth / voxel_size
    fs = (0.5 * bandwidth / voxel_size) ** 2
    stp = np.maximum(np.trunc(pos - fmaxd), 0).astype(int)
    endp = np.minimum(np.trunc(pos + fmaxd + 1), dim).astype(int)
    xp = np.arange(dim, dtype=float)
    W = np.exp(-1.5 * (xp[None, :] - pos[:, None]) ** 2 / fs)
    inside = (xp[None, :] >= stp[:, None]) & (xp[None, :] < endp[:, None])
    return pos, np.where(inside, W, 0.0), xp


class VesperVectors(NamedTuple):
    """What :func:`vesper_density_vectors` returns.

    Attributes
    ----------
    vectors : ndarray, shape (3, a, a, a)
        ``(vx, vy, vz)``; zero at inactive points.
    density : ndarray, shape (a, a, a)
        Kernel-weighted density sum; zero at inactive points.
    """

    vectors: Array
    density: Array


def vesper_density_vectors(
    vol: ArrayLike,
    voxel_size: float,
    spacing: float = 7.0,
    bandwidth: float = 16.0,
    threshold: float = 0.0,
    n: int | None = None,
) -> VesperVectors:
    """VESPER's local density vectors (``fastVEC``) on its coarse grid, computed exactly.

    Coarse point ``i`` sits at ``(i - a/2) * spacing`` Å from the map centre ``dim / 2``
    (``a`` the box edge, default :func:`vesper_box_size`). A point is active if it lies in
    the map and the original voxel containing it (index truncated) has density above
    the contour. Its vector is the unit vector from the point to the centroid of the
    density weighted by ``exp(-1.5 r^2 / (g/2)^2)`` over a cube of half-width ``2 g``;
    its density is the kernel sum. The kernel and window are separable, so the sums are
    three matrix products instead of a loop over points.

    Parameters
    ----------
    vol : array_like, shape (n, n, n)
        The map, indexed ``[z, y, x]``.
    voxel_size : float
        Voxel size in Å.
    spacing : float, default 7.0
        Coarse grid spacing in Å (VESPER's ``-s``).
    bandwidth : float, default 16.0
        Mean-shift bandwidth in Å (VESPER's ``-g``).
    threshold : float, default 0.0
        Density contour: coarse points in voxels at or below it are inactive.
    n : int, optional
        Coarse box edge ``a`` (default :func:`vesper_box_size`).

    Returns
    -------
    vectors : ndarray, shape (3, a, a, a)
        ``(vx, vy, vz)``; zero at inactive points.
    density : ndarray, shape (a, a, a)
        Kernel-weighted density sum; zero at inactive points.

    Examples
    --------
    >>> from helpers.volumes import gaussian_atoms_map
    >>> vol = gaussian_atoms_map([[0.0, 0.0, 0.0]], 32, 1.0, sigma=3.0)
    >>> v, d = vesper_density_vectors(vol, 1.0, 4.0, 8.0, 0.01, n=8)
    >>> np.round(v[:, 4, 4, 6], 6)          # 8 Å along +x from the centre: points back
    array([-1.,  0.,  0.])
    """
    v = _check_map(vol, "vol")
    voxel_size = _check_positive(voxel_size, "voxel_size")
    spacing = _check_positive(spacing, "spacing")
    bandwidth = _check_positive(bandwidth, "bandwidth")
    rho = _vesper_threshold(v, float(threshold))
    a = vesper_box_size(v, voxel_size, threshold, spacing) if n is None else int(n)
    nz, ny, nx = rho.shape
    px, Wx, xx = _vesper_axis_weights(nx, a, voxel_size, spacing, bandwidth)
    py, Wy, yy = _vesper_axis_weights(ny, a, voxel_size, spacing, bandwidth)
    pz, Wz, zz = _vesper_axis_weights(nz, a, voxel_size, spacing, bandwidth)
    # contract x, then y, then z: D = sum K rho, N_k = sum K rho x_k
    tx0 = np.einsum("zyx,ix->zyi", rho, Wx)
    tx1 = np.einsum("zyx,ix->zyi", rho, Wx * xx)
    ty00 = np.einsum("zyi,jy->zji", tx0, Wy)
    ty01 = np.einsum("zyi,jy->zji", tx0, Wy * yy)
    ty10 = np.einsum("zyi,jy->zji", tx1, Wy)
    D = np.einsum("zji,kz->kji", ty00, Wz)
    Nz = np.einsum("zji,kz->kji", ty00, Wz * zz)
    Ny = np.einsum("zji,kz->kji", ty01, Wz)
    Nx = np.einsum("zji,kz->kji", ty10, Wz)
    # activity: inside the map and the original voxel (truncated index) has density
    ok = [(p >= 0) & (p < d) for p, d in ((pz, nz), (py, ny), (px, nx))]
    iz, iy, ix = (
        np.clip(np.trunc(p).astype(int), 0, d - 1) for p, d in ((pz, nz), (py, ny), (px, nx))
    )
    active = ok[0][:, None, None] & ok[1][None, :, None] & ok[2][None, None, :]
    active &= rho[np.ix_(iz, iy, ix)] != 0
    active &= D != 0
    Dsafe = np.where(active, D, 1.0)
    P = np.meshgrid(pz, py, px, indexing="ij")
    shift = np.stack([Nx / Dsafe - P[2], Ny / Dsafe - P[1], Nz / Dsafe - P[0]])
    norm = np.sqrt(np.sum(shift**2, axis=0))
    norm = np.where(norm == 0, 1.0, norm)
    vectors = np.where(active, shift / norm, 0.0)
    return VesperVectors(vectors, np.where(active, D, 0.0))


def vesper_rotate_vectors(vectors: ArrayLike, density: ArrayLike, R: ArrayLike) -> Array:
    """VESPER's ``RotMRC``: nearest-voxel rotation of a vector field about voxel ``a / 2``.

    ``out(x) = R v(trunc(R^T (x - a/2) + a/2))`` where the source lies inside the box
    and has non-zero density; no interpolation. ``R`` may be a stack ``(m, 3, 3)``.

    Parameters
    ----------
    vectors : array_like, shape (3, a, a, a)
        A vector field ``(vx, vy, vz)`` on VESPER's coarse grid.
    density : array_like, shape (a, a, a)
        Its density; sources with zero density are skipped.
    R : array_like, shape (3, 3) or (m, 3, 3)
        Rotation(s) about voxel ``a / 2``.

    Returns
    -------
    ndarray, shape (3, a, a, a) or (m, 3, a, a, a)
        The rotated field(s).

    Examples
    --------
    >>> f = np.zeros((3, 4, 4, 4)); f[0, 2, 2, 3] = 1.0
    >>> Rz = np.array([[0.0, -1, 0], [1, 0, 0], [0, 0, 1]])
    >>> out = vesper_rotate_vectors(f, np.abs(f).sum(0), Rz)
    >>> np.round(out[:, 2, 3, 2], 6)
    array([0., 1., 0.])
    """
    vec = as_float_array(vectors, "vectors")
    dens = as_float_array(density, "density")
    if vec.ndim != 4 or vec.shape[0] != 3 or dens.shape != vec.shape[1:]:
        raise ValueError("vectors must have shape (3, a, a, a) and density (a, a, a)")
    Rs = check_rotation_matrix(R)
    single = Rs.ndim == 2
    out = _vesper_rotate(vec, dens, Rs.reshape(-1, 3, 3), True)
    return out[0] if single else out


def _vesper_source(a: int, Rs: Array, layout: str = "zyx") -> Array:
    """``RotMRC``'s source voxel of every voxel of an ``a^3`` box, for a stack of rotations.

    Output voxel ``p`` (coordinates ``g = index - a/2``) reads ``trunc(R^T g + a/2)``; the
    flat index of that source in a box of the same ``layout`` (``"zyx"``: array ``[z, y,
    x]``, ``"xyz"``: ``[x, y, z]``), or ``a^3`` where the source lies outside the box.
    Returns shape ``(m, a, a, a)`` in ``layout``. Each source coordinate is evaluated as
    ``((R_0k g_x + R_1k g_y) + R_2k g_z) + a/2`` whatever the layout, so both layouts
    pick the same voxels.
    """
    c = 0.5 * a
    g = np.arange(a) - c
    m = len(Rs)
    if layout == "zyx":
        gx, gy, gz = g[None, None, :], g[None, :, None], g[:, None, None]
        stride = (1, a, a * a)  # source x, y, z
    else:
        gx, gy, gz = g[:, None, None], g[None, :, None], g[None, None, :]
        stride = (a * a, a, 1)
    idx = np.zeros((m, a, a, a), np.int32)
    outside = np.zeros((m, a, a, a), bool)
    s = np.empty((m, a, a, a))
    f = np.empty((m, a, a, a), np.int32)
    for k in range(3):
        r = Rs[:, :, k, None, None, None]  # column k of R: row k of R^T
        np.add(r[:, 0] * gx + r[:, 1] * gy, r[:, 2] * gz, out=s)
        s += c
        f[...] = np.floor(s, out=s)
        outside |= f.view(np.uint32) >= a  # negative indices wrap to large ones
        f *= stride[k]
        idx += f
    idx[outside] = a**3
    return idx


def _vesper_rotate(vec: Array, dens: Array, Rs: Array, turn: bool) -> Array:
    """``RotMRC`` for a stack of rotations; ``turn=False`` moves channels without turning them.

    The plain path, one rotation at a time in float64 (:func:`vesper_rotate_vectors`);
    the search uses :func:`_vesper_scanner`, which must pick the same voxels.
    """
    a = vec.shape[1]
    flat_v = np.concatenate([vec.reshape(3, -1), np.zeros((3, 1))], axis=1)
    flat_d = np.concatenate([dens.ravel(), [0.0]])
    out = np.zeros((len(Rs), 3, a**3))
    for k, Rk in enumerate(Rs):
        j = _vesper_source(a, Rk[None])[0].ravel()
        use = flat_d[j] != 0
        out[k][:, use] = Rk @ flat_v[:, j[use]] if turn else flat_v[:, j[use]]
    return out.reshape(len(Rs), 3, a, a, a)


def _vesper_scan(F1: Array, rotated: Array) -> tuple[Array, Array]:
    """Best DOT and translation index (x, y, z) for each rotated field, as ``FindBestTrans``.

    The plain path (float64, ``[z, y, x]`` arrays); the search uses :func:`_vesper_scanner`.
    """
    a = rotated.shape[-1]
    F2 = scipy.fft.rfftn(rotated, axes=(-3, -2, -1))
    corr = scipy.fft.irfftn(np.sum(np.conj(F1)[None] * F2, axis=1), s=(a, a, a), axes=(-3, -2, -1))
    # corr[t] = sum_x v1(x) v2R(x + t); FindBestTrans scans x outermost, keeps the first
    # strict maximum, and starts from 0 at t = 0
    cx = corr.transpose(0, 3, 2, 1).reshape(len(corr), -1)
    i = np.argmax(cx, axis=1)
    best = cx[np.arange(len(cx)), i]
    t = np.stack(np.unravel_index(i, (a, a, a)), axis=1)
    t[best <= 0] = 0
    return np.maximum(best, 0.0), t


_BATCH_VOXELS = 2**17  # voxels of rotated fields per FFT batch (rotations x a^3)


def _vesper_scanner(f1: Array, f2: Array, turn: bool) -> Callable[..., tuple[Array, Array]]:
    """The search's fast path of :func:`_vesper_rotate` + :func:`_vesper_scan`.

    ``f1``, ``f2``: feature channels ``(C, a, a, a)`` of the two maps (C = 3 vectors, or
    1 density channel for the ``-C`` / ``-L`` modes), zero at inactive points. Returns
    ``scan(Rs, sources=None) -> (best, t)``; ``sources`` are the rotations' source voxels
    from :func:`_vesper_source` (``"xyz"``, shape ``(m, a^3)``) when already known. Work is done in ``[x, y, z]`` arrays (so the correlation
    is already in ``FindBestTrans``'s scan order, x outermost), single-precision FFTs,
    the reference transform computed once, and a gather through a zero sentinel instead
    of masks. Scores agree with the plain float64 path to about 1e-6 relative (the
    authors' program also correlates in single precision).
    """
    C, a = f1.shape[0], f1.shape[-1]
    xyz = (0, 3, 2, 1)
    cF1 = np.conj(scipy.fft.rfftn(f1.transpose(xyz).astype(np.float32), axes=(1, 2, 3)))
    src = np.concatenate([f2.transpose(xyz).reshape(C, -1), np.zeros((C, 1))], axis=1).astype(
        np.float32
    )
    batch = max(1, _BATCH_VOXELS // a**3)

    def scan(Rs: Array, sources: Array | None = None) -> tuple[Array, Array]:
        best = np.empty(len(Rs))
        t = np.empty((len(Rs), 3), np.int64)
        for k in range(0, len(Rs), batch):
            R = Rs[k : k + batch]
            if sources is None:
                idx = _vesper_source(a, R, "xyz").reshape(len(R), -1)
            else:
                idx = sources[k : k + batch]
            g = np.take(src, idx, axis=1).transpose(1, 0, 2)  # (m, C, a^3)
            rot = np.matmul(R.astype(np.float32), g) if turn else g
            rot = rot.reshape(len(R), C, a, a, a)
            F2 = scipy.fft.rfftn(rot, axes=(-3, -2, -1))
            acc = cF1[0] * F2[:, 0]
            for ch in range(1, C):
                acc += cF1[ch] * F2[:, ch]
            corr = scipy.fft.irfftn(acc, s=(a, a, a), axes=(-3, -2, -1)).reshape(len(R), -1)
            i = np.argmax(corr, axis=1)
            b = corr[np.arange(len(R)), i].astype(float)
            tt = np.stack(np.unravel_index(i, (a, a, a)), axis=1)
            tt[b <= 0] = 0
            best[k : k + batch] = np.maximum(b, 0.0)
            t[k : k + batch] = tt
        return best, t

    return scan


_CACHE_VOXELS = 2**23  # largest rotations x a^3 kept by _euler_grid_sources (int32)


@functools.lru_cache(maxsize=2)
def _euler_grid_sources(a: int, step: float) -> Array:
    """Source voxels (``"xyz"``, shape ``(m, a^3)``) of VESPER's Euler grid in an ``a^3`` box.

    They depend only on the box and the angle step, so searches that share both (pairs of
    maps of one size, the DOT and density modes of one pair) compute them once.
    """
    ang, _ = vesper_euler_grid(step, degrees=True)
    Rs = _euler_zyx(*np.deg2rad(ang).T)
    batch = max(1, _BATCH_VOXELS // a**3)
    idx = np.concatenate(
        [
            _vesper_source(a, Rs[k : k + batch], "xyz").reshape(-1, a**3)
            for k in range(0, len(Rs), batch)
        ]
    )
    idx.flags.writeable = False
    return idx


def _vesper_features(vec: Array, dens: Array, score: str) -> Array:
    if score == "dot":
        return vec
    # "-C": kernel densities; "-L": overlap (one channel)
    return (dens if score == "cc" else (dens > 0).astype(float))[None]


def _vesper_search(
    ref, target, voxel_size, tvs, spacing, bandwidth, thr, thr_t, step, n_top, score="dot"
):
    n1 = vesper_box_size(ref, voxel_size, thr, spacing)
    n2 = vesper_box_size(target, tvs, thr_t, spacing)
    a = max(n1, n2)
    v1, d1 = vesper_density_vectors(ref, voxel_size, spacing, bandwidth, thr, n=a)
    v2, d2 = vesper_density_vectors(target, tvs, spacing, bandwidth, thr_t, n=a)
    n_active = int(min(np.count_nonzero(d1), np.count_nonzero(d2)))
    v1 = _vesper_features(v1, d1, score)
    v2 = _vesper_features(v2, d2, score)
    scan_rotations = _vesper_scanner(v1, v2, score == "dot")

    def scan(angles_deg, sources=None):
        Rs = _euler_zyx(*np.deg2rad(np.asarray(angles_deg, float)).T)
        return (Rs, *scan_rotations(Rs, sources))

    ang, _ = vesper_euler_grid(step, degrees=True)
    cached = len(ang) * a**3 <= _CACHE_VOXELS
    Rs, sco, trans = scan(ang, _euler_grid_sources(a, float(step)) if cached else None)
    order = np.argsort(-sco, kind="stable")
    top = order[:n_top]
    if step > 5.0:
        seen, cand = set(), []
        for i in top:
            r = ang[i]
            for rx in np.arange(r[0] - 5.0, r[0] + 5.0 + 1e-9, 5.0):
                if rx >= 360:
                    continue
                for ry in np.arange(r[1] - 5.0, r[1] + 5.0 + 1e-9, 5.0):
                    if ry >= 360:
                        continue
                    for rz in np.arange(r[2] - 5.0, r[2] + 5.0 + 1e-9, 5.0):
                        if rz >= 180:
                            continue
                        key = (round(rx, 6), round(ry, 6), round(rz, 6))
                        if key not in seen:
                            seen.add(key)
                            cand.append([rx % 360.0, ry % 360.0, rz % 360.0])
        cand = np.array(cand)
        Rr, sr, tr = scan(cand)
        o = np.argsort(-sr, kind="stable")[:n_top]
        final = (cand[o], Rr[o], sr[o], tr[o])
        n_eval = len(ang) + len(cand)
    else:
        final = (ang[top], Rs[top], sco[top], trans[top])
        n_eval = len(ang)
    f = final[3].astype(float)
    f = np.where(f > 0.5 * a, f - a, f)
    # x_ref = R x_target + c1 - R c2 - f s (absolute Å, VESPER's centres at dim / 2);
    # convert to the centre voxels n // 2 of each map
    c1v = 0.5 * np.array(ref.shape[::-1], float) * voxel_size
    c2v = 0.5 * np.array(target.shape[::-1], float) * tvs
    c1o = np.array([s // 2 for s in ref.shape[::-1]], float) * voxel_size
    c2o = np.array([s // 2 for s in target.shape[::-1]], float) * tvs
    Rt = final[1]
    trans_a = (c1v - c1o)[None] - np.einsum("mij,j->mi", Rt, c2v - c2o) - f * spacing
    return dict(
        angles=final[0],
        rotations=Rt,
        scores=final[2],
        translations=trans_a,
        coarse_scores=sco,
        n_evaluated=n_eval,
        box=a,
        n_active=n_active,
    )


# ---- continuous local refinement ----------------------------------------------------------


class RefinedPose(NamedTuple):
    """Result of :func:`refine_pose`.

    Attributes
    ----------
    rotation : ndarray
        ``R`` in ``x_ref = R x_target + t``.
    translation : ndarray
        ``t`` in Å, ``(x, y, z)``.
    correlation : float
        Pearson correlation reached over the mask of ``ref``.
    n_evaluations : int
        Number of objective evaluations used.
    """

    rotation: Array
    translation: Array  # (x, y, z) Å
    correlation: float  # Pearson correlation over the reference mask at the pose
    n_evaluations: int


def _quat_matrix_and_jacobian(q: Array) -> tuple[Array, Array]:
    """``R(q) = R_hom(q) / |q|^2`` (scalar-first, any norm) and ``dR / dq``, shape (4, 3, 3)."""
    w, x, y, z = q
    n2 = float(q @ q)
    H = np.array(
        [
            [w * w + x * x - y * y - z * z, 2 * (x * y - w * z), 2 * (x * z + w * y)],
            [2 * (x * y + w * z), w * w - x * x + y * y - z * z, 2 * (y * z - w * x)],
            [2 * (x * z - w * y), 2 * (y * z + w * x), w * w - x * x - y * y + z * z],
        ]
    )
    dH = 2 * np.array(
        [
            [[w, -z, y], [z, w, -x], [-y, x, w]],
            [[x, y, z], [y, -x, -w], [z, w, -x]],
            [[-y, x, w], [x, y, z], [-w, z, -y]],
            [[-z, -w, x], [w, -z, y], [x, y, z]],
        ]
    )
    R = H / n2
    dR = dH / n2 - 2 * q[:, None, None] * H[None] / n2**2
    return R, dR


def _trilinear(vol: Array, idx: Array) -> tuple[Array, Array]:
    """Trilinear values and their exact index-space gradients at ``idx`` (m, 3) in (x, y, z)."""
    nz, ny, nx = vol.shape
    f = np.floor(idx)
    r = idx - f
    i = f.astype(np.int64)
    ok = (i[:, 0] >= 0) & (i[:, 0] < nx - 1) & (i[:, 1] >= 0) & (i[:, 1] < ny - 1)
    ok &= (i[:, 2] >= 0) & (i[:, 2] < nz - 1)
    i = np.where(ok[:, None], i, 0)
    flat = vol.ravel()
    base = (i[:, 2] * ny + i[:, 1]) * nx + i[:, 0]
    c = np.empty((8, len(idx)))
    k = 0
    for dz in (0, 1):
        for dy in (0, 1):
            for dx in (0, 1):
                c[k] = flat[base + (dz * ny + dy) * nx + dx]
                k += 1
    c = c.reshape(2, 2, 2, -1)  # [dz, dy, dx, m]
    rx, ry, rz = r[:, 0], r[:, 1], r[:, 2]
    cx = c[:, :, 0] * (1 - rx) + c[:, :, 1] * rx  # [dz, dy, m]
    cxy = cx[:, 0] * (1 - ry) + cx[:, 1] * ry  # [dz, m]
    val = cxy[0] * (1 - rz) + cxy[1] * rz
    gz = cxy[1] - cxy[0]
    gy = (cx[0, 1] - cx[0, 0]) * (1 - rz) + (cx[1, 1] - cx[1, 0]) * rz
    dxz = c[:, :, 1] - c[:, :, 0]  # [dz, dy, m]
    dxy = dxz[:, 0] * (1 - ry) + dxz[:, 1] * ry
    gx = dxy[0] * (1 - rz) + dxy[1] * rz
    grad = np.stack([gx, gy, gz], axis=1)
    return np.where(ok, val, 0.0), np.where(ok[:, None], grad, 0.0)


class _PoseObjective:
    """Pearson correlation of ``ref`` (mask points) with ``target`` at a pose; its gradient."""

    def __init__(self, ref, target, vs_ref, vs_t, mask):
        z, y, x = np.nonzero(mask)
        cref = np.array([s // 2 for s in ref.shape[::-1]], float)
        self.X = (np.stack([x, y, z], axis=1) - cref) * vs_ref  # Å about the centre
        a = ref[z, y, x]
        a = a - a.mean()
        self.a = a / (np.sqrt(np.einsum("i,i", a, a)) + 1e-300)
        self.target = np.ascontiguousarray(target)
        self.ct = np.array([s // 2 for s in target.shape[::-1]], float)
        self.vs_t = vs_t
        self.n_eval = 0

    def __call__(self, p: Array) -> tuple[float, Array]:
        self.n_eval += 1
        q, t = p[:4], p[4:]
        R, dR = _quat_matrix_and_jacobian(q)
        d = self.X - t
        # rows R^T (x - t); einsum, not BLAS: threaded BLAS stalls on a busy machine
        y = np.einsum("ij,jk->ik", d, R)
        b, g = _trilinear(self.target, y / self.vs_t + self.ct)
        g /= self.vs_t
        bc = b - b.mean()
        s = float(np.sqrt(np.einsum("i,i", bc, bc)))
        if s == 0:
            return 0.0, np.zeros(7)
        cc = float(np.einsum("i,i", self.a, b)) / s
        w = self.a / s - cc * bc / s**2  # d cc / d b
        wg = g * w[:, None]
        dcc_dR = np.einsum("ij,ik->jk", d, wg)  # sum_i w_i d_ij g_ik
        grad_q = np.einsum("ajk,jk->a", dR, dcc_dR)
        grad_t = -R @ wg.sum(axis=0)
        return -cc, -np.concatenate([grad_q, grad_t])


def _level_maps(vol: Array, vs: float, spacing: float, smooth: float) -> Array:
    out = ndimage.gaussian_filter(vol, smooth / vs) if smooth > 0 else vol
    if spacing > vs * 1.01:
        n = max(int(np.ceil(max(vol.shape) * vs / spacing)), 2)
        out = resample_map(out, vs, spacing, n)
    return out


def refine_pose(
    ref: ArrayLike,
    target: ArrayLike,
    voxel_size: float,
    rotation: ArrayLike,
    translation: ArrayLike,
    threshold: float | None = None,
    spacing: float | None = None,
    smooth: float = 0.0,
    target_voxel_size: float | None = None,
    max_iter: int = 100,
) -> RefinedPose:
    """Continuous local refinement of a pose (rotation and sub-voxel translation).

    Maximises the Pearson correlation between ``ref`` at the points of its mask
    (density above ``threshold``, widened by 2 Å) and ``target`` read at
    ``R^T (x - t)`` with trilinear interpolation, by L-BFGS on a quaternion and the
    translation with exact gradients of the interpolant. ``smooth`` (Å, Gaussian
    sigma) and ``spacing`` (Å) let a coarser, smoother level widen the basin first.

    Parameters
    ----------
    rotation, translation : starting pose, ``x_ref = R x_target + t`` (t in Å, x y z)
    threshold : float, optional
        Contour of ``ref``; default from :func:`map_settings`.

    Returns
    -------
    RefinedPose
        The refined rotation and translation, the correlation reached and the evaluations used.

    Examples
    --------
    >>> from helpers.volumes import gaussian_atoms_map, toy_protein
    >>> from helpers.rotations import axis_angle_to_matrix
    >>> X = toy_protein()
    >>> R = axis_angle_to_matrix([0.0, 0.0, 1.0], np.deg2rad(8.0))
    >>> ref = gaussian_atoms_map(X, 32, 2.0, 2.0)
    >>> tgt = gaussian_atoms_map((X - [1.0, 0.0, 0.0]) @ R, 32, 2.0, 2.0)
    >>> fit = refine_pose(ref, tgt, 2.0, np.eye(3), np.zeros(3))
    >>> from helpers.metrics import angular_distance
    >>> bool(np.rad2deg(angular_distance(fit.rotation, R)) < 0.5)
    True
    """
    a = _check_map(ref, "ref")
    b = _check_map(target, "target")
    vs = _check_positive(voxel_size, "voxel_size")
    tvs = (
        vs if target_voxel_size is None else _check_positive(target_voxel_size, "target_voxel_size")
    )
    R0 = check_rotation_matrix(rotation, "rotation")
    if R0.shape != (3, 3):
        raise ValueError("rotation must be a single 3x3 rotation")
    t0 = as_float_array(translation, "translation", (3,))
    if t0.shape != (3,):
        raise ValueError("translation must have shape (3,)")
    if smooth < 0 or not np.isfinite(smooth):
        raise ValueError(f"smooth must be a non-negative number of Å, got {smooth!r}")
    thr = map_settings(a, vs).threshold if threshold is None else float(threshold)
    sp = vs if spacing is None else _check_positive(spacing, "spacing")
    obj = _pose_objective(a, b, vs, tvs, thr, sp, float(smooth))
    return _refine(obj, R0, t0, max_iter)


def _pose_objective(a, b, vs, tvs, thr, sp, smooth, widen=2.0) -> _PoseObjective:
    # the contour mask of ``a``, widened by about ``widen`` Å
    mask_full = ndimage.gaussian_filter((a > thr).astype(float), widen / vs) > 0.05
    A = _level_maps(a, vs, sp, smooth)
    B = _level_maps(b, tvs, max(sp, tvs), smooth)
    vsA = sp if sp > vs * 1.01 else vs
    vsB = max(sp, tvs) if max(sp, tvs) > tvs * 1.01 else tvs
    mask = _level_maps(mask_full.astype(float), vs, sp, 0.0) > 0.5
    if not mask.any():
        raise ValueError("ref has no density above the threshold")
    return _PoseObjective(A, B, vsA, vsB, mask)


def _refine(obj: _PoseObjective, R0: Array, t0: Array, max_iter: int) -> RefinedPose:
    from .rotations import matrix_to_quat, project_to_so3

    n0 = obj.n_eval
    p0 = np.concatenate([matrix_to_quat(R0), t0])
    res = optimize.minimize(obj, p0, jac=True, method="BFGS", options={"maxiter": max_iter})
    R, _ = _quat_matrix_and_jacobian(res.x[:4])
    return RefinedPose(project_to_so3(R), res.x[4:].copy(), float(-res.fun), obj.n_eval - n0)


# ---- the global search --------------------------------------------------------------------


@dataclass
class AlignmentResult:
    """Pose bringing ``target`` onto ``ref``: ``x_ref = rotation @ x_target + translation`` (Å).

    ``top_*`` hold the best poses in score order (``top_rotations[0]`` is the answer);
    ``score`` is the DOT score (``search="vesper"``) or the refined correlation
    (``search="fast"``); ``coarse_scores`` the best DOT of every rotation of the coarse
    grid, the background of both Z-scores (raw and cluster-normalised).

    Attributes
    ----------
    rotation : ndarray
        ``R`` in ``x_ref = R x_target + t``.
    translation : ndarray
        ``t`` in Å, ``(x, y, z)``.
    score : float
        Score of the best pose: DOT (``search="vesper"``) or refined correlation.
    zscore : float
        Raw Z-score of the best coarse score against all coarse scores.
    zscore_normalized : float
        Z-score against the largest cluster of coarse scores.
    coarse_scores : ndarray
        Best DOT score of every rotation of the coarse grid.
    n_evaluated : int
        Number of rotations scored.
    search : str
        The search used, ``"fast"`` or ``"vesper"``.
    threshold : tuple[float, float]
        Contours of ``ref`` and ``target``.
    spacing : float
        Coarse grid spacing in Å.
    bandwidth : float
        Mean-shift bandwidth in Å.
    top_rotations : ndarray
        Rotations of the best poses in score order (the first is ``rotation``).
    top_translations : ndarray
        Their translations, Å.
    top_scores : ndarray
        Their scores.
    top_dot : ndarray
        Their DOT scores.
    box : int
        Edge of the coarse box.
    n_active : int
        Number of active coarse points of ``ref``.
    """

    rotation: Array
    translation: Array
    score: float
    zscore: float
    zscore_normalized: float
    coarse_scores: Array
    n_evaluated: int
    search: str
    threshold: tuple[float, float]
    spacing: float
    bandwidth: float
    top_rotations: Array = field(repr=False)
    top_translations: Array = field(repr=False)
    top_scores: Array = field(repr=False)
    top_dot: Array = field(repr=False)  # coarse DOT of the same poses (their Z-scores' input)
    box: int = 0  # edge of the coarse search box (grid points)
    n_active: int = 0  # active coarse points of the map with fewer of them


def _coarse_vectors(vol, vs, spacing, bandwidth, thr, n):
    """DOT vectors of a (noisy) map on a coarse grid of ``n^3`` points at ``spacing`` Å."""
    sigma = bandwidth / (2 * np.sqrt(3))
    smooth = ndimage.gaussian_filter(np.where(vol > thr, vol, 0.0), sigma / vs)
    gz, gy, gx = np.gradient(smooth)
    frac = ndimage.gaussian_filter((vol > thr).astype(float), 0.5 * spacing / vs)
    chans = np.stack([gx, gy, gz, frac])
    g = (np.arange(n) - n // 2) * spacing / vs
    Z, Y, X = np.meshgrid(*[g + s // 2 for s in vol.shape], indexing="ij")
    out = np.stack([ndimage.map_coordinates(c, [Z, Y, X], order=1) for c in chans])
    vec, frac = out[:3], out[3]
    norm = np.sqrt(np.sum(vec**2, axis=0))
    mask = (frac > 0.25) & (norm > 0)
    return np.where(mask, vec / np.where(norm > 0, norm, 1.0), 0.0), mask


def _splat(points: Array, values: Array, n: int, Rs: Array) -> Array:
    """Trilinear splat of rotated points (Å/spacing units about n//2) into (m, 3, n, n, n).

    Point ``p`` with vector ``v`` adds ``w_corner R v`` to the 8 grid corners around
    ``R p + n // 2``; one ``bincount`` for the whole stack of rotations.
    """
    m, c, n3 = len(Rs), n // 2, n**3
    p = np.einsum("pj,mij->mpi", points, Rs) + c  # (m, P, 3) in (x, y, z)
    v = np.einsum("pj,mij->mpi", values, Rs)
    f = np.floor(p)
    r = p - f
    i = f.astype(np.int64)
    base = (np.arange(m) * 3 * n3)[:, None]
    idx, wts = [], []
    for dz in (0, 1):
        for dy in (0, 1):
            for dx in (0, 1):
                w = (
                    (r[..., 0] if dx else 1 - r[..., 0])
                    * (r[..., 1] if dy else 1 - r[..., 1])
                    * (r[..., 2] if dz else 1 - r[..., 2])
                )
                ix, iy, iz = i[..., 0] + dx, i[..., 1] + dy, i[..., 2] + dz
                ok = (ix >= 0) & (ix < n) & (iy >= 0) & (iy < n) & (iz >= 0) & (iz < n)
                j = np.where(ok, base + (iz * n + iy) * n + ix, -1)
                idx.append(j)
                wts.append(np.where(ok, w, 0.0))
    J = np.stack(idx)[..., None] + np.arange(3) * n3  # (8, m, P, 3)
    W = np.stack(wts)[..., None] * v[None]
    keep = J >= np.arange(3) * n3  # corners outside the box were set to -1
    out = np.bincount(J[keep], W[keep], minlength=m * 3 * n3)
    return out.reshape(m, 3, n, n, n)


def _fast_search(a, b, vs, tvs, thr, thr_t, spacing, bandwidth, level, n_keep):
    n = int(np.ceil(max(max(a.shape) * vs, max(b.shape) * tvs) / spacing))
    n += n % 2
    va, ma = _coarse_vectors(a, vs, spacing, bandwidth, thr, n)
    vb, mb = _coarse_vectors(b, tvs, spacing, bandwidth, thr_t, n)
    # crop the box to the molecules, as VESPER sizes its box by 2 d_max
    c = n // 2
    za, ya, xa = np.nonzero(ma)
    z, y, x = np.nonzero(mb)
    if len(z) == 0 or len(za) == 0:
        raise ValueError("a map has no density above its threshold on the coarse grid")
    r = max(
        np.sqrt(np.max((xa - c) ** 2 + (ya - c) ** 2 + (za - c) ** 2)),
        np.sqrt(np.max((x - c) ** 2 + (y - c) ** 2 + (z - c) ** 2)),
    )
    m = min(n, 2 * int(np.ceil(r)) + 4)
    lo = c - m // 2
    va = va[:, lo : lo + m, lo : lo + m, lo : lo + m]
    pts = np.stack([x, y, z], axis=1) - float(c)
    vals = vb[:, z, y, x].T
    n = m
    cFa = np.conj(scipy.fft.rfftn(va.astype(np.float32), axes=(-3, -2, -1)))
    batch = max(1, _BATCH_VOXELS // n**3)

    def scan(Rs):
        scores = np.empty(len(Rs))
        trans = np.empty((len(Rs), 3))
        for k in range(0, len(Rs), batch):
            rot = _splat(pts, vals, n, Rs[k : k + batch]).astype(np.float32)
            F = scipy.fft.rfftn(rot, axes=(-3, -2, -1))
            acc = cFa[0] * F[:, 0]
            acc += cFa[1] * F[:, 1]
            acc += cFa[2] * F[:, 2]
            # conj(acc) = Fa conj(F): corr[t] = sum_x va(x + t) rot(x)
            corr = scipy.fft.irfftn(np.conj(acc), s=(n, n, n), axes=(-3, -2, -1))
            corr = corr.reshape(len(rot), -1)
            i = np.argmax(corr, axis=1)
            scores[k : k + batch] = corr[np.arange(len(corr)), i]
            tz, ty, tx = np.unravel_index(i, (n, n, n))
            t = np.stack([tx, ty, tz], axis=1).astype(float)
            trans[k : k + batch] = np.where(t >= n / 2, t - n, t) * spacing
        return scores, trans

    grid = hopf_grid(level)
    scores, trans = scan(grid)
    # keep the best rotations that are not near-duplicates of a better one
    order = np.argsort(-scores)
    step = np.deg2rad(60.0 / 2**level)
    keep: list[int] = []
    for i in order:
        if all(
            np.arccos(np.clip((np.trace(grid[i].T @ grid[j]) - 1) / 2, -1, 1)) > step for j in keep
        ):
            keep.append(int(i))
        if len(keep) == n_keep:
            break
    n_active = int(min(len(za), len(pts)))
    return grid, scores, trans, keep, scan, n, n_active


def align_maps(
    ref: ArrayLike,
    target: ArrayLike,
    voxel_size: float,
    threshold: float | None = None,
    *,
    search: str = "fast",
    target_threshold: float | None = None,
    target_voxel_size: float | None = None,
    spacing: float | None = None,
    bandwidth: float | None = None,
    angle_step: float | None = None,
    degrees: bool = False,
    n_top: int = 10,
    score: str = "dot",
) -> AlignmentResult:
    """Global alignment of two maps: rotation and translation of ``target`` onto ``ref``.

    Parameters
    ----------
    ref, target : array_like, shape (nz, ny, nx) each (sizes may differ)
    voxel_size : float
        Å per voxel of ``ref`` (and of ``target`` unless ``target_voxel_size`` is given).
    threshold : float, optional
        Contour of ``ref`` (``target_threshold`` for ``target``, default the same rule).
        ``search="fast"``: default from :func:`map_settings` (noise level). ``"vesper"``:
        default 0, as the authors' program.
    search : {"fast", "vesper"}
        ``"vesper"``: the authors' algorithm (see the module docstring), defaults
        ``spacing=7`` Å, ``bandwidth=16`` Å, ``angle_step`` 30°. ``"fast"``: coarse DOT
        search over a Hopf grid (``angle_step`` about 30°) at the spacing and bandwidth of
        :func:`map_settings`, then :func:`refine_pose` of the ``n_top`` best distinct
        poses on a smoothed 2x-coarser level, and of the best three on the original maps.
    angle_step : float, optional
        Rotation step, radians (degrees with ``degrees=True``).
    n_top : int
        Number of poses refined (and returned in ``top_*``).
    score : {"dot", "cc", "overlap"}
        ``search="vesper"`` only: VESPER's vector mode (``-V``), its density mode on the
        kernel-smoothed maps (``-C``, the raw product sum) or its overlap mode (``-L``,
        the number of grid points where both maps are active).

    Returns
    -------
    AlignmentResult

    Examples
    --------
    >>> from helpers.volumes import gaussian_atoms_map, toy_protein
    >>> ref = gaussian_atoms_map(toy_protein(), 32, 2.0, 2.0)
    >>> res = align_maps(ref, ref, 2.0)
    >>> bool(np.linalg.norm(res.translation) < 0.5), res.search
    (True, 'fast')
    """
    a = _check_map(ref, "ref")
    b = _check_map(target, "target")
    vs = _check_positive(voxel_size, "voxel_size")
    tvs = (
        vs if target_voxel_size is None else _check_positive(target_voxel_size, "target_voxel_size")
    )
    if search not in ("fast", "vesper"):
        raise ValueError(f"search must be 'fast' or 'vesper', got {search!r}")
    if score not in ("dot", "cc", "overlap") or (search == "fast" and score != "dot"):
        raise ValueError(
            f"score must be 'dot' (or 'cc', 'overlap' with search='vesper'), got {score!r}"
        )
    if isinstance(n_top, bool) or not isinstance(n_top, (int, np.integer)) or n_top < 1:
        raise ValueError(f"n_top must be a positive integer, got {n_top!r}")
    step_deg = None
    if angle_step is not None:
        step_deg = _check_positive(angle_step, "angle_step") * (1.0 if degrees else 180 / np.pi)

    if search == "vesper":
        thr = 0.0 if threshold is None else float(threshold)
        thr_t = thr if target_threshold is None else float(target_threshold)
        sp = 7.0 if spacing is None else _check_positive(spacing, "spacing")
        bw = 16.0 if bandwidth is None else _check_positive(bandwidth, "bandwidth")
        out = _vesper_search(a, b, vs, tvs, sp, bw, thr, thr_t, step_deg or 30.0, int(n_top), score)
        coarse = out["coarse_scores"]
        z = [zscores(s, coarse) for s in out["scores"]]
        return AlignmentResult(
            rotation=out["rotations"][0],
            translation=out["translations"][0],
            score=float(out["scores"][0]),
            zscore=z[0][0],
            zscore_normalized=z[0][1],
            coarse_scores=coarse,
            n_evaluated=int(out["n_evaluated"]),
            search="vesper",
            threshold=(thr, thr_t),
            spacing=sp,
            bandwidth=bw,
            top_rotations=out["rotations"],
            top_translations=out["translations"],
            top_scores=out["scores"],
            top_dot=out["scores"],
            box=int(out["box"]),
            n_active=int(out["n_active"]),
        )

    sa = map_settings(a, vs)
    sb = map_settings(b, tvs)
    thr = sa.threshold if threshold is None else float(threshold)
    thr_t = (
        (sb.threshold if threshold is None else thr)
        if target_threshold is None
        else float(target_threshold)
    )
    sp = max(sa.spacing, sb.spacing) if spacing is None else _check_positive(spacing, "spacing")
    bw = 2.0 * sp if bandwidth is None else _check_positive(bandwidth, "bandwidth")
    level = 1 if step_deg is None else max(0, int(round(np.log2(60.0 / step_deg))))
    grid, coarse, trans, keep, scan, n_box, n_active = _fast_search(
        a, b, vs, tvs, thr, thr_t, sp, bw, level, int(n_top)
    )
    # level 1 of the refinement: maps smoothed to about half the coarse spacing, every pose
    mid = max(vs, tvs, MID_SPACING * sp)
    # the correlation is taken over the mask of the map with less density above its
    # contour, so that a domain is placed inside a complex (local alignment) on its own
    # voxels; poses of the swapped problem are inverses
    swap = np.count_nonzero(b > thr_t) * tvs**3 < np.count_nonzero(a > thr) * vs**3

    def level(spacing_, smooth):
        if swap:  # a tight mask: the larger map has neighbours' density around the domain
            return _pose_objective(b, a, tvs, vs, thr_t, spacing_, smooth, widen=0.5)
        return _pose_objective(a, b, vs, tvs, thr, spacing_, smooth)

    def refine(obj, R, t, max_iter):
        if not swap:
            return _refine(obj, R, t, max_iter)
        f = _refine(obj, R.T, -R.T @ t, max_iter)
        return RefinedPose(
            f.rotation.T, -f.rotation.T @ f.translation, f.correlation, f.n_evaluations
        )

    obj1 = level(mid, 0.5 * sp)
    fits = [refine(obj1, grid[i], trans[i], LEVEL1_ITER) for i in keep]
    n_eval = len(grid) + sum(f.n_evaluations for f in fits)
    order = np.argsort([-f.correlation for f in fits])
    # level 2: the three best on the original maps, lightly smoothed against noise
    obj2 = level(max(vs, tvs), 0.5 * max(vs, tvs))
    final = []
    for j in order[:3]:
        f = refine(obj2, fits[j].rotation, fits[j].translation, 100)
        n_eval += f.n_evaluations
        final.append((f, j))
    final.sort(key=lambda fj: -fj[0].correlation)
    rest = [(fits[j], j) for j in order[3:]]
    ranked = final + rest
    # DOT of the refined poses on the coarse grid (best grid translation), against the
    # background of the coarse rotations, as VESPER scores its refined models
    best_dot, _ = scan(np.array([f.rotation for f, _ in ranked]))
    raw, norm = zscores(best_dot[0], coarse)
    return AlignmentResult(
        rotation=ranked[0][0].rotation,
        translation=ranked[0][0].translation,
        score=ranked[0][0].correlation,
        zscore=raw,
        zscore_normalized=norm,
        coarse_scores=coarse,
        n_evaluated=int(n_eval),
        search="fast",
        threshold=(thr, thr_t),
        spacing=sp,
        bandwidth=bw,
        top_rotations=np.array([f.rotation for f, _ in ranked]),
        top_translations=np.array([f.translation for f, _ in ranked]),
        top_scores=np.array([f.correlation for f, _ in ranked]),
        top_dot=best_dot,
        box=n_box,
        n_active=n_active,
    )
