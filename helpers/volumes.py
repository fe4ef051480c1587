"""Density maps: Gaussian atoms, a toy protein, rotation of maps, MRC files.

Maps are arrays indexed ``[z, y, x]`` (as ``mrcfile`` reads them) with an explicit voxel
size in Å; the origin is the centre voxel ``n // 2`` along each axis. Coordinates are
``(x, y, z)`` in Å about that origin.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import ndimage

from ._checks import as_float_array, check_rotation_matrix

__all__ = [
    "gaussian_atoms_map",
    "toy_protein",
    "rotate_volume",
    "read_mrc",
    "write_mrc",
    "grid_coordinates",
]

Array = NDArray[np.float64]


def _shape3(shape: int | tuple[int, int, int]) -> tuple[int, int, int]:
    shp = (shape,) * 3 if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    if len(shp) != 3 or min(shp) < 2:
        raise ValueError(f"shape must be an int or a 3-tuple of sizes >= 2, got {shape!r}")
    return shp


def grid_coordinates(n: int, voxel_size: float = 1.0) -> Array:
    """Coordinates (Å) of the voxel centres along one axis, 0 at index ``n // 2``.

    Examples
    --------
    >>> grid_coordinates(4, 2.0)
    array([-4., -2.,  0.,  2.])
    """
    return (np.arange(n) - n // 2) * float(voxel_size)


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

    Examples
    --------
    >>> vol = gaussian_atoms_map([[0.0, 0.0, 0.0]], 16, 1.0, sigma=2.0)
    >>> np.unravel_index(np.argmax(vol), vol.shape)
    (np.int64(8), np.int64(8), np.int64(8))
    """
    c = as_float_array(coords, "coords", (3,)).reshape(-1, 3)
    nz, ny, nx = _shape3(shape)
    if voxel_size <= 0 or sigma <= 0:
        raise ValueError("voxel_size and sigma must be positive")
    w = np.ones(len(c)) if weights is None else as_float_array(weights, "weights")
    if w.shape != (len(c),):
        raise ValueError(f"weights must have shape ({len(c)},)")

    def g(n, k):
        d = grid_coordinates(n, voxel_size)[None, :] - c[:, k : k + 1]
        return np.exp(-0.5 * (d / sigma) ** 2)

    gx, gy, gz = g(nx, 0), g(ny, 1), g(nz, 2)
    return np.einsum("a,az,ay,ax->zyx", w, gz, gy, gx, optimize=True)


def toy_protein(n_per_domain: int = 40) -> Array:
    """C-alpha-like coordinates (Å) of a small deterministic three-domain molecule.

    A long helical domain, a compact globular domain beside it and a short arm that
    sticks out of the plane of the other two: no rotational pseudo-symmetry, so an
    alignment or an orientation has one answer. Centred on its centroid; always the
    same coordinates (no randomness).

    Examples
    --------
    >>> toy_protein().shape
    (100, 3)
    """
    if n_per_domain < 10:
        raise ValueError("n_per_domain must be at least 10")
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


def _index_affine(R: Array, shape: tuple[int, ...]) -> tuple[Array, Array]:
    """Matrix and offset in [z, y, x] index space for ``out(p) = in(R^T p)`` about n // 2."""
    P = np.eye(3)[::-1]  # (x, y, z) <-> (z, y, x)
    M = P @ R.T @ P
    c = np.array([s // 2 for s in shape], float)
    return M, c - M @ c


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
    M, offset = _index_affine(R, v.shape)
    if shift is not None:
        s = as_float_array(shift, "shift", (3,)) / float(voxel_size)
        offset = offset - M @ s[::-1]
    return ndimage.affine_transform(v, M, offset=offset, order=order, mode="constant", cval=0.0)


def write_mrc(
    path: str | Path, vol: ArrayLike, voxel_size: float, origin: ArrayLike | None = None
) -> None:
    """Write a map to an MRC file with its voxel size (and origin, Å) in the header.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "m.mrc")
    >>> write_mrc(p, np.zeros((4, 4, 4)), 1.5)
    >>> read_mrc(p)[1]
    1.5
    """
    import mrcfile

    v = np.asarray(vol, dtype=np.float32)
    if v.ndim != 3:
        raise ValueError("vol must be a 3-D map")
    with mrcfile.new(str(path), overwrite=True) as mrc:
        mrc.set_data(v)
        mrc.voxel_size = float(voxel_size)
        if origin is not None:
            o = np.asarray(origin, float)
            mrc.header.origin.x, mrc.header.origin.y, mrc.header.origin.z = o


def read_mrc(path: str | Path) -> tuple[Array, float, Array]:
    """Read a map: returns ``(vol [z, y, x] as float64, voxel_size Å, origin (x, y, z) Å)``."""
    import mrcfile

    with mrcfile.open(str(path), permissive=False) as mrc:
        vol = np.asarray(mrc.data, dtype=np.float64).copy()
        vs = float(mrc.voxel_size.x)
        origin = np.array([mrc.header.origin.x, mrc.header.origin.y, mrc.header.origin.z], float)
    return vol, vs, origin
