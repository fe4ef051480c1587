"""Density maps: Gaussian atoms, maps simulated from models, rotation of maps, MRC files.

Rotations go through :func:`index_affine`, the ``[z, y, x]`` index map that
``scipy.ndimage.affine_transform`` needs (also used by :mod:`helpers.imaging` and
:mod:`helpers.alignment`).

Maps are arrays indexed ``[z, y, x]`` (as ``mrcfile`` reads them) with an explicit voxel
size in Å; the origin is the centre voxel ``n // 2`` along each axis. Coordinates are
``(x, y, z)`` in Å about that origin.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import ndimage

from ._checks import as_float_array, check_int, check_positive, check_rotation_matrix

__all__ = [
    "gaussian_atoms_map",
    "ELECTRON_F0",
    "scattering_amplitudes",
    "resolution_sigma",
    "simulate_map",
    "toy_protein",
    "rotate_volume",
    "read_mrc",
    "MrcMap",
    "write_mrc",
    "grid_coordinates",
    "index_affine",
    "IndexAffine",
]

Array = NDArray[np.float64]


def _shape3(shape: int | tuple[int, int, int]) -> tuple[int, int, int]:
    shp = (shape,) * 3 if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    if len(shp) != 3 or min(shp) < 2:
        raise ValueError(f"shape must be an int or a 3-tuple of sizes >= 2, got {shape!r}")
    return shp


def grid_coordinates(n: int, voxel_size: float = 1.0) -> Array:
    """Coordinates (Å) of the voxel centres along one axis, 0 at index ``n // 2``.

    Parameters
    ----------
    n : int
        Number of voxels.
    voxel_size : float, default 1.0
        Voxel size in Å.

    Returns
    -------
    ndarray, shape (n,)
        Coordinates in Å.

    Examples
    --------
    >>> grid_coordinates(4, 2.0)
    array([-4., -2.,  0.,  2.])
    """
    n = check_int(n, "n", low=1)
    return (np.arange(n) - n // 2) * check_positive(voxel_size, "voxel_size")


def gaussian_atoms_map(
    coords: ArrayLike,
    shape: int | tuple[int, int, int],
    voxel_size: float,
    sigma: float = 1.5,
    weights: ArrayLike | None = None,
) -> Array:
    """A density map: one isotropic Gaussian of width ``sigma`` (Å) per atom.

    Evaluated separably (a Gaussian is a product of three 1-D Gaussians), so the cost is
    ``n_atoms * n^3`` multiply-adds with no Python loop over voxels.

    Parameters
    ----------
    coords : array_like, shape (n_atoms, 3)
        Atom positions ``(x, y, z)`` in Å about the map centre.
    shape : int or (nz, ny, nx)
    voxel_size : float
        Å per voxel.
    sigma : float
        Gaussian width in Å.
    weights : array_like, shape (n_atoms,), optional
        Per-atom weights (default 1).

    Returns
    -------
    ndarray, shape (nz, ny, nx)
        The map, ``[z, y, x]``.

    Examples
    --------
    >>> vol = gaussian_atoms_map([[0.0, 0.0, 0.0]], 16, 1.0, sigma=2.0)
    >>> np.unravel_index(np.argmax(vol), vol.shape)
    (np.int64(8), np.int64(8), np.int64(8))
    """
    c = as_float_array(coords, "coords", (3,)).reshape(-1, 3)
    nz, ny, nx = _shape3(shape)
    voxel_size = check_positive(voxel_size, "voxel_size")
    sigma = check_positive(sigma, "sigma")
    w = np.ones(len(c)) if weights is None else as_float_array(weights, "weights")
    if w.shape != (len(c),):
        raise ValueError(f"weights must have shape ({len(c)},)")

    def g(n, k):
        d = grid_coordinates(n, voxel_size)[None, :] - c[:, k : k + 1]
        return np.exp(-0.5 * (d / sigma) ** 2)

    gx, gy, gz = g(nx, 0), g(ny, 1), g(nz, 2)
    return np.einsum("a,az,ay,ax->zyx", w, gz, gy, gx, optimize=True)


# Elastic electron scattering factors at s = 0 (Å): the sum a1 + ... + a5 of the
# five-Gaussian fits for neutral atoms, 0 <= s <= 2 Å^-1, of International Tables for
# Crystallography Vol. C, Table 4.3.2.2 (Peng et al. 1996); f(0) is the integral of the
# atom's Coulomb potential in these units, so it sets the atom's weight in a map.
_PENG_A = {
    "H": (0.0349, 0.1201, 0.1970, 0.0573, 0.1195),
    "C": (0.0893, 0.2563, 0.7570, 1.0487, 0.3575),
    "N": (0.1022, 0.3219, 0.7982, 0.8197, 0.1715),
    "O": (0.0974, 0.2921, 0.6910, 0.6990, 0.2039),
    "Na": (0.2142, 0.6853, 0.7692, 1.6589, 1.4482),
    "Mg": (0.2314, 0.6866, 0.9677, 2.1882, 1.1339),
    "P": (0.2548, 0.6106, 1.4541, 2.3204, 0.8477),
    "S": (0.2497, 0.5628, 1.3899, 2.1865, 0.7715),
    "Cl": (0.2443, 0.5397, 1.3919, 2.0197, 0.6621),
    "K": (0.4115, 1.4031, 2.2784, 2.6742, 2.2162),
    "Ca": (0.4054, 1.3880, 2.1602, 3.7532, 2.2063),
    "Mn": (0.3796, 1.2094, 1.7815, 2.5420, 1.5937),
    "Fe": (0.3946, 1.2725, 1.7031, 2.3140, 1.4795),
    "Zn": (0.4288, 1.2646, 1.4472, 1.8294, 1.0934),
    "Se": (0.4477, 1.1678, 1.5843, 2.8087, 1.1956),
}
#: element symbol -> electron scattering factor at zero angle, f_e(0) in Å
ELECTRON_F0: dict[str, float] = {el: round(sum(a), 4) for el, a in _PENG_A.items()}


def scattering_amplitudes(elements: ArrayLike) -> Array:
    """Electron scattering factor at zero angle ``f_e(0)`` (Å) of each element symbol.

    From the five-Gaussian fits of International Tables Vol. C, Table 4.3.2.2
    (Peng et al. 1996, Acta Cryst. A52, 257), for the elements of :data:`ELECTRON_F0` (case-insensitive).

    Parameters
    ----------
    elements : array_like of str, shape (n,)
        Element symbols such as ``"C"``, ``"FE"``.

    Returns
    -------
    ndarray
        ``f_e(0)`` in Å, one per element.

    Examples
    --------
    >>> scattering_amplitudes(["C", "N", "O", "S", "FE"]).round(2)
    array([2.51, 2.21, 1.98, 5.16, 7.16])
    """
    el = np.atleast_1d(np.asarray(elements))
    if el.dtype.kind not in "US" or el.ndim != 1:
        raise ValueError("elements must be a 1-D sequence of element symbols")
    out = np.empty(len(el))
    for i, e in enumerate(el):
        key = str(e).strip().capitalize()
        if key not in ELECTRON_F0:
            raise ValueError(
                f"elements: no scattering factor for {e!r}; known: {sorted(ELECTRON_F0)}"
            )
        out[i] = ELECTRON_F0[key]
    return out


def resolution_sigma(resolution: float) -> float:
    """Gaussian width ``sigma = resolution / (pi sqrt 2)`` (Å) for a map at ``resolution``.

    A Gaussian ``exp(-r^2 / (2 sigma^2))`` has Fourier transform
    ``exp(-2 pi^2 sigma^2 k^2)``, which falls to ``1/e`` at ``k = 1 / resolution`` for
    this sigma: the default of Chimera's ``molmap`` (sigma factor 0.225)
    (Pettersen et al. 2004).

    Parameters
    ----------
    resolution : float
        Resolution in Å, positive.

    Returns
    -------
    float
        ``sigma`` in Å.

    Examples
    --------
    >>> round(resolution_sigma(3.2), 3)
    0.72
    """
    r = check_positive(resolution, "resolution")
    return float(r / (np.pi * np.sqrt(2.0)))


def simulate_map(
    coords: ArrayLike,
    elements: ArrayLike,
    shape: int | tuple[int, int, int],
    voxel_size: float,
    resolution: float,
    origin: ArrayLike | None = None,
) -> Array:
    """Map of a model at ``resolution``: one normalised Gaussian per atom, weight ``f_e(0)``.

    ``rho(r) = sum_a f_a (2 pi sigma^2)^(-3/2) exp(-|r - r_a|^2 / (2 sigma^2))`` with
    ``f_a`` the atom's electron scattering factor at zero angle
    (:func:`scattering_amplitudes`, International Tables (Peng et al. 1996, Acta Cryst. A52, 257)) and
    ``sigma = resolution / (pi sqrt 2)`` (:func:`resolution_sigma`, the molmap
    convention (Pettersen et al. 2004); molmap weights by atomic number instead). Each
    atom's Gaussian is evaluated in a cube of +-5 sigma (the tails beyond hold a
    fraction below 1e-5 of it). Units: Å^-2, up to the constant of the Coulomb potential.

    Parameters
    ----------
    coords : array_like, shape (n_atoms, 3)
        Atom positions ``(x, y, z)`` in Å.
    elements : array_like of str, shape (n_atoms,)
        Element symbols.
    shape : int or (nz, ny, nx)
        Map size in voxels.
    voxel_size : float
        Å per voxel.
    resolution : float
        Resolution in Å; sets the width of every atom.
    origin : array_like, shape (3,), optional
        ``(x, y, z)`` in Å of the centre of voxel ``[0, 0, 0]`` (as
        :class:`helpers.datasets.DensityMap` stores it). Default: the book's centred
        grid, with ``(0, 0, 0)`` at voxel ``n // 2``.

    Returns
    -------
    ndarray, shape (nz, ny, nx)
        The map, ``[z, y, x]``.

    Examples
    --------
    >>> vol = simulate_map([[0.0, 0.0, 0.0]], ["C"], 16, 1.0, resolution=4.0)
    >>> round(float(vol.sum()), 3)         # the integral is f_C(0) = 2.509 Å
    2.509
    """
    c = as_float_array(coords, "coords", (3,)).reshape(-1, 3)
    f = scattering_amplitudes(elements)
    if f.shape != (len(c),):
        raise ValueError(f"elements must have shape ({len(c)},), got {f.shape}")
    nz, ny, nx = _shape3(shape)
    vs = check_positive(voxel_size, "voxel_size")
    sigma = resolution_sigma(resolution)
    if origin is None:
        o = -np.array([nx // 2, ny // 2, nz // 2], float) * vs
    else:
        o = as_float_array(origin, "origin", (3,)).reshape(3)
    u = (c - o) / vs  # atom positions in voxel units, (x, y, z)
    s = sigma / vs
    half = int(np.ceil(5.0 * s))
    offs = np.arange(-half, half + 1)
    out = np.zeros(nz * ny * nx)
    norm = (2 * np.pi * sigma**2) ** -1.5
    for start in range(0, len(u), 2048):  # chunks bound the memory to ~100 MB
        uc, fc = u[start : start + 2048], f[start : start + 2048]
        base = np.rint(uc).astype(np.int64)
        idx = base[:, :, None] + offs  # (a, 3, w)
        g = np.exp(-0.5 * ((idx - uc[:, :, None]) / s) ** 2)
        for k, n in enumerate((nx, ny, nz)):
            g[:, k] *= (idx[:, k] >= 0) & (idx[:, k] < n)
        np.clip(idx[:, 0], 0, nx - 1, out=idx[:, 0])
        np.clip(idx[:, 1], 0, ny - 1, out=idx[:, 1])
        np.clip(idx[:, 2], 0, nz - 1, out=idx[:, 2])
        w = (fc * norm)[:, None, None, None] * (
            g[:, 2, :, None, None] * g[:, 1, None, :, None] * g[:, 0, None, None, :]
        )
        flat = (
            idx[:, 2, :, None, None] * (ny * nx)
            + idx[:, 1, None, :, None] * nx
            + idx[:, 0, None, None, :]
        )
        out += np.bincount(flat.ravel(), weights=w.ravel(), minlength=out.size)
    return out.reshape(nz, ny, nx)


def toy_protein(n_per_domain: int = 40) -> Array:
    """C-alpha-like coordinates (Å) of a small deterministic three-domain molecule.

    A long helical domain, a compact globular domain beside it and a short arm that
    sticks out of the plane of the other two: no rotational pseudo-symmetry, so an
    alignment or an orientation has one answer. Centred on its centroid; always the
    same coordinates (no randomness).

    Parameters
    ----------
    n_per_domain : int, default 40
        Atoms per domain.

    Returns
    -------
    ndarray, shape (3 n_per_domain, 3)
        Coordinates in Å, centred.

    Examples
    --------
    >>> toy_protein().shape
    (100, 3)
    """
    n_per_domain = check_int(n_per_domain, "n_per_domain", low=10)
    t = np.arange(n_per_domain, dtype=float)
    # domain 1: an alpha-helix-like coil along x (radius 2.3 Å, 100 deg per residue), 30 Å long
    a = np.deg2rad(100.0) * t
    rise = 30.0 / n_per_domain
    helix = np.c_[rise * t - 15.0, 2.3 * np.cos(a), 2.3 * np.sin(a)]
    # domain 2: a compact ball of points on a Fibonacci spiral of radius 7 Å, beside the helix
    k = t + 0.5
    z = 1 - 2 * k / n_per_domain
    r = np.sqrt(1 - z * z)
    phi = np.pi * (3 - np.sqrt(5)) * t
    ball = 6.0 * np.c_[r * np.cos(phi), r * np.sin(phi), z] + np.array([6.0, 10.0, 0.0])
    # domain 3: an arm of n/2 points rising out of the plane, bent
    m = n_per_domain // 2
    s = np.arange(m, dtype=float)
    u = s / max(m - 1, 1)
    arm = np.c_[-10.0 + 6.0 * u, 3.0 + 4.0 * u, 3.0 + 12.0 * u + 4.0 * u**2]
    xyz = np.concatenate([helix, ball, arm])
    return xyz - xyz.mean(axis=0)


class IndexAffine(NamedTuple):
    """The result of :func:`index_affine`: ``in_index = matrix @ out_index + offset``.

    Attributes
    ----------
    matrix : ndarray
        ``(3, 3)`` on ``[z, y, x]`` indices.
    offset : ndarray
        ``(3,)`` offset.
    """

    matrix: Array  # (3, 3), acting on [z, y, x] indices
    offset: Array  # (3,)


def index_affine(R: ArrayLike, shape: tuple[int, int, int]) -> IndexAffine:
    """The index map that rotates a map by ``R`` about its centre voxel, for scipy.

    ``scipy.ndimage.affine_transform(vol, matrix, offset=offset)`` samples the input at
    ``matrix @ p + offset`` for every output index ``p``; with the matrix and offset
    returned here the output is ``out(x) = vol(R^T x)`` in ``(x, y, z)`` coordinates about
    the voxel ``shape // 2``: the map turned actively by ``R`` (as
    :func:`rotate_volume` without a shift). The ``[z, y, x]`` index order is handled
    here: ``matrix = P R^T P`` with ``P`` the axis reversal.

    Parameters
    ----------
    R : array_like, shape (3, 3)
        The rotation.
    shape : tuple of 3 int
        Shape of the map ``(nz, ny, nx)``; its centre voxel is ``shape // 2``.

    Returns
    -------
    IndexAffine
        ``(matrix, offset)``, ``matrix`` of shape (3, 3) and ``offset`` of shape (3,).

    Examples
    --------
    >>> from scipy import ndimage
    >>> vol = np.zeros((9, 9, 9)); vol[4, 4, 6] = 1.0            # a voxel at x = +2
    >>> Rz = np.array([[0.0, -1, 0], [1, 0, 0], [0, 0, 1]])       # +90 deg about z
    >>> M, offset = index_affine(Rz, vol.shape)
    >>> np.argwhere(ndimage.affine_transform(vol, M, offset=offset, order=1) > 0.5).tolist()
    [[4, 6, 4]]
    """
    R = check_rotation_matrix(R)
    if R.shape != (3, 3):
        raise ValueError(f"R must be a single rotation of shape (3, 3), got {R.shape}")
    if (
        not isinstance(shape, (tuple, list))
        or len(shape) != 3
        or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in shape)
        or min(shape) < 1
    ):
        raise ValueError(f"shape must be 3 positive integers (nz, ny, nx), got {shape!r}")
    P = np.eye(3)[::-1]  # (x, y, z) <-> (z, y, x)
    M = P @ R.T @ P
    c = np.array([s // 2 for s in shape], float)
    return IndexAffine(M, c - M @ c)


def rotate_volume(
    vol: ArrayLike,
    R: ArrayLike,
    shift: ArrayLike | None = None,
    voxel_size: float = 1.0,
    order: int = 1,
) -> Array:
    """Rotate a map about its centre by ``R`` (active), then shift it by ``shift`` Å.

    The output is ``out(p) = vol(R^T (p - shift))`` in ``(x, y, z)`` coordinates about
    the centre voxel ``n // 2``, interpolated with splines of ``order`` (1 = trilinear);
    outside the box the map is 0.

    Parameters
    ----------
    vol : array_like, shape (nz, ny, nx)
        The map.
    R : array_like, shape (3, 3)
        A rotation matrix.
    shift : array_like, shape (3,), optional
        Shift ``(x, y, z)`` in Å, applied after the rotation.
    voxel_size : float, default 1.0
        Voxel size in Å (for the shift).
    order : int, default 1
        Spline order (1: trilinear).

    Returns
    -------
    ndarray, shape of ``vol``
        The moved map (0 outside the box).

    Examples
    --------
    >>> vol = np.zeros((9, 9, 9)); vol[4, 4, 6] = 1.0            # a voxel at x = +2
    >>> Rz = np.array([[0.0, -1, 0], [1, 0, 0], [0, 0, 1]])       # +90 deg about z
    >>> np.argwhere(rotate_volume(vol, Rz) > 0.5).tolist()         # now at y = +2
    [[4, 6, 4]]
    """
    v = as_float_array(vol, "vol")
    if v.ndim != 3:
        raise ValueError(f"vol must be a 3-D map, got shape {v.shape}")
    R = check_rotation_matrix(R)
    if R.shape != (3, 3):
        raise ValueError("R must be a single rotation")
    voxel_size = check_positive(voxel_size, "voxel_size")
    order = check_int(order, "order", low=0, high=5)
    M, offset = index_affine(R, v.shape)
    if shift is not None:
        s = as_float_array(shift, "shift", (3,)) / float(voxel_size)
        offset = offset - M @ s[::-1]
    return ndimage.affine_transform(v, M, offset=offset, order=order, mode="constant", cval=0.0)


def write_mrc(
    path: str | Path, vol: ArrayLike, voxel_size: float, origin: ArrayLike | None = None
) -> None:
    """Write a map to an MRC file with its voxel size (and origin, Å) in the header.

    Parameters
    ----------
    path : str or pathlib.Path
        File to write (overwritten).
    vol : array_like, shape (nz, ny, nx)
        The map.
    voxel_size : float
        Voxel size in Å, positive.
    origin : array_like, shape (3,), optional
        Origin ``(x, y, z)`` in Å (default 0).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "m.mrc")
    >>> write_mrc(p, np.zeros((4, 4, 4)), 1.5)
    >>> read_mrc(p)[1]
    1.5
    """
    import mrcfile

    v = as_float_array(vol, "vol").astype(np.float32)
    if v.ndim != 3:
        raise ValueError("vol must be a 3-D map")
    voxel_size = check_positive(voxel_size, "voxel_size")
    if origin is not None:
        origin = as_float_array(origin, "origin", (3,)).reshape(3)
    with mrcfile.new(str(path), overwrite=True) as mrc:
        mrc.set_data(v)
        mrc.voxel_size = float(voxel_size)
        if origin is not None:
            o = np.asarray(origin, float)
            mrc.header.origin.x, mrc.header.origin.y, mrc.header.origin.z = o


class MrcMap(NamedTuple):
    """A map read by :func:`read_mrc`.

    Attributes
    ----------
    volume : ndarray
        The map, indexed ``[z, y, x]``, float64.
    voxel_size : float
        Voxel size in Å.
    origin : ndarray, shape (3,)
        Origin ``(x, y, z)`` in Å.
    """

    volume: Array
    voxel_size: float
    origin: Array


def read_mrc(path: str | Path) -> MrcMap:
    """Read a map: returns ``(vol [z, y, x] as float64, voxel_size Å, origin (x, y, z) Å)``.

    The file stores its array as (sections, rows, columns) along the axes named by the
    header's ``MAPS, MAPR, MAPC`` (1 = x, 2 = y, 3 = z; MRC2014); the array is
    transposed so that it always comes back indexed ``[z, y, x]``.

    Parameters
    ----------
    path : str or Path
        An MRC/CCP4 map file.

    Returns
    -------
    MrcMap
        ``volume``: the map, ``[z, y, x]``, float64; ``voxel_size``: in Å; ``origin``,
        shape (3,): ``(x, y, z)`` in Å.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "m.mrc")
    >>> write_mrc(p, np.ones((2, 3, 4)), 2.0)
    >>> vol, voxel_size, origin = read_mrc(p)
    >>> vol.shape, voxel_size
    ((2, 3, 4), 2.0)
    """
    import mrcfile

    with mrcfile.open(str(path), permissive=False) as mrc:
        h = mrc.header
        order = (int(h.maps), int(h.mapr), int(h.mapc))  # spatial axis of each array axis
        if sorted(order) != [1, 2, 3]:
            raise ValueError(f"path: MAPC/MAPR/MAPS must be a permutation of 1, 2, 3, got {order}")
        data = np.asarray(mrc.data, dtype=np.float64)
        if data.ndim != 3:
            raise ValueError(f"path: expected a 3-D map, got an array of shape {data.shape}")
        vol = np.transpose(data, [order.index(a) for a in (3, 2, 1)]).copy()
        vs = float(mrc.voxel_size.x)
        origin = np.array([mrc.header.origin.x, mrc.header.origin.y, mrc.header.origin.z], float)
    return MrcMap(vol, vs, origin)
