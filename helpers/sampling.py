"""Samples of rotations and directions, and measures of how evenly they cover.

Random rotations and directions (Haar-uniform, Shoemake), deterministic grids (SPARX's
``even_angles``, Fibonacci, HEALPix in the ring scheme, the Hopf grid on SO(3)), and
uniformity measures (covering radius, Riesz energy). Every random draw, including the
probes of :func:`covering_radius_so3`, comes from a :class:`numpy.random.Generator`
passed in as ``rng``; no function creates its own generator.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree
from scipy.spatial.distance import pdist

from ._checks import as_float_array, check_bool, check_int, check_positive, check_scalar
from .rotations import canonical_quat, quat_to_matrix

__all__ = [
    "uniform_quats",
    "uniform_rotations",
    "uniform_quats_shoemake",
    "direction_from_angles",
    "even_angles",
    "fibonacci_sphere",
    "random_sphere",
    "healpix_directions",
    "hopf_grid",
    "covering_radius_sphere",
    "covering_radius_so3",
    "riesz_energy",
    "rotation_neighbourhood",
]

Array = NDArray[np.float64]


def _check_n(n: int, name: str = "n") -> int:
    return check_int(n, name, low=0)


def _check_rng(rng: np.random.Generator) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
    return rng


def uniform_quats(n: int, rng: np.random.Generator) -> Array:
    """``n`` unit quaternions (``w >= 0``) of Haar-uniform random rotations.

    A standard normal 4-vector is isotropic, so its direction is uniform on the
    3-sphere; the map q -> R(q) pushes that to the uniform (Haar) measure on SO(3).

    Parameters
    ----------
    n : int
        How many.
    rng : numpy.random.Generator
        Source of the random draws, seeded by the caller.

    Returns
    -------
    ndarray, shape (n, 4)
        Unit quaternions, scalar first.

    Examples
    --------
    >>> uniform_quats(2, np.random.default_rng(0)).shape
    (2, 4)
    """
    n, rng = _check_n(n), _check_rng(rng)
    q = rng.standard_normal((n, 4))
    q /= np.linalg.norm(q, axis=-1, keepdims=True)
    return canonical_quat(q)


def uniform_rotations(n: int, rng: np.random.Generator) -> Array:
    """``n`` Haar-uniform random rotation matrices, shape ``(n, 3, 3)``.

    Parameters
    ----------
    n : int
        How many.
    rng : numpy.random.Generator
        Source of the random draws, seeded by the caller.

    Returns
    -------
    ndarray, shape (n, 3, 3)
        Rotation matrices.

    Examples
    --------
    >>> R = uniform_rotations(3, np.random.default_rng(0))
    >>> np.allclose(R @ R.transpose(0, 2, 1), np.eye(3))
    True
    """
    return quat_to_matrix(uniform_quats(n, rng))


def uniform_quats_shoemake(u: ArrayLike) -> Array:
    """Shoemake's map from three uniforms in [0, 1] to a uniform unit quaternion.

    With ``theta1 = 2 pi u2``, ``theta2 = 2 pi u3``, ``r1 = sqrt(1 - u1)``,
    ``r2 = sqrt(u1)``, returns ``(r2 cos theta2, r1 sin theta1, r1 cos theta1,
    r2 sin theta2)`` in scalar-first order: the component order of the
    THESEUS-PP code (Moreta et al. 2019, eqs 7-9 as we read them).
    The quaternion is returned as computed (no sign canonicalisation), so the
    map is continuous in ``u``.

    Parameters
    ----------
    u : array_like, shape (..., 3)
        Values in [0, 1].

    Returns
    -------
    ndarray, shape (..., 4)
        Unit quaternions, scalar first.

    Examples
    --------
    >>> np.round(uniform_quats_shoemake([1.0, 0.0, 0.0]), 12)
    array([1., 0., 0., 0.])
    """
    u = as_float_array(u, "u", (3,))
    if np.any((u < 0) | (u > 1)):
        raise ValueError("u must lie in [0, 1]")
    t1, t2 = 2 * np.pi * u[..., 1], 2 * np.pi * u[..., 2]
    r1, r2 = np.sqrt(1 - u[..., 0]), np.sqrt(u[..., 0])
    return np.stack([r2 * np.cos(t2), r1 * np.sin(t1), r1 * np.cos(t1), r2 * np.sin(t2)], axis=-1)


# ---- directions on the sphere --------------------------------------------------------------


def direction_from_angles(theta: ArrayLike, phi: ArrayLike, degrees: bool = False) -> Array:
    """Unit vectors ``(sin t cos p, sin t sin p, cos t)`` from polar angle and azimuth.

    Parameters
    ----------
    theta : array_like
        Polar angle.
    phi : array_like
        Azimuth (broadcasts against ``theta``).
    degrees : bool, default False
        The angles are in degrees (default: radians).

    Returns
    -------
    ndarray, shape (..., 3)
        Unit vectors.

    Examples
    --------
    >>> np.round(direction_from_angles(90.0, 90.0, degrees=True), 12)
    array([0., 1., 0.])
    """
    t = as_float_array(theta, "theta")
    p = as_float_array(phi, "phi")
    if degrees:
        t, p = np.deg2rad(t), np.deg2rad(p)
    return np.stack(
        np.broadcast_arrays(np.sin(t) * np.cos(p), np.sin(t) * np.sin(p), np.cos(t)), axis=-1
    )


def even_angles(
    delta: float,
    theta1: float = 0.0,
    theta2: float | None = None,
    phi1: float = 0.0,
    phi2: float | None = None,
    method: str = "P",
    symmetry: str = "c1",
    psi: str = "minus",
    degrees: bool = False,
) -> Array:
    """Quasi-uniform projection directions of SPARX/EMAN2 (Baldwin & Penczek, section 2.3).

    Our own implementation of the two schemes, returning SPIDER angles
    ``(phi, theta, psi)``; every angle, given and returned, is in radians, or in degrees
    with ``degrees=True`` (the unit SPARX's own ``even_angles`` uses):

    - ``method="P"`` (Penczek 1994): rings ``theta = theta1, theta1 + delta, ...``;
      on each ring the azimuth step is ``delta / sin(theta)``, so neighbours on a ring
      are about ``delta`` apart on the sphere; one point at a pole.
    - ``method="S"`` (Saff & Kuijlaars 1997 spiral), as SPARX's ``even_angles_cd``:
      ``N = int((3.6 / delta)^2 f)`` levels equally spaced in ``cos(theta)`` from
      ``theta1`` towards ``theta2`` (``f`` the fraction of the sphere covered,
      ``delta`` in radians), of which the last -- the border ``theta2`` itself --
      is dropped; each point advances the azimuth by ``delta / sin(theta)`` modulo the
      azimuth range; for ``theta2`` = 180 degrees the south pole ``(0, 180, 0)`` is added.
      93 directions on the hemisphere at 15 degrees, 849 at 5.

    ``symmetry="cN"`` restricts the azimuth to the asymmetric unit ``[0, 360/N)``. For
    a hemisphere (``theta2`` = 90 degrees) and odd ``N``, directions on the equator with
    ``phi >= 180/N`` are dropped: they view the molecule from the opposite side of
    an equivalent direction, so their projections are mirror images of ones we keep.

    Parameters
    ----------
    delta : float
        Angular step (``> 0``).
    theta1, theta2 : float
        Polar-angle range, ``0 <= theta1 <= theta2 <= pi`` (180 degrees); ``theta2``
        defaults to a quarter turn (the upper hemisphere).
    phi1, phi2 : float
        Azimuth range ``[phi1, phi2)``; ``phi2`` defaults to ``phi1`` plus a full turn.
    method : {"P", "S"}
        Rings (Penczek) or spiral (Saff & Kuijlaars, as SPARX).
    symmetry : str
        ``"c1"``, ``"c2"``, ...
    psi : {"minus", "zero"}
        In-plane angle: ``-phi`` (SPARX's default: the smallest tilt that brings z onto
        the direction, so neighbouring references share their in-plane orientation) or 0.
    degrees : bool
        Take ``delta``, ``theta*``, ``phi*`` and return the angles in degrees.

    Returns
    -------
    ndarray, shape (n, 3)
        Rows ``(phi, theta, psi)``, ``phi`` and ``psi`` in ``[0, 2 pi)`` (or
        ``[0, 360)``).

    Examples
    --------
    >>> even_angles(np.deg2rad(15.0), theta2=np.pi).shape
    (188, 3)
    >>> np.round(even_angles(15.0, degrees=True)[:3], 4)   # the pole, then the first ring
    array([[  0.    ,   0.    ,   0.    ],
           [  0.    ,  15.    ,   0.    ],
           [ 57.9555,  15.    , 302.0445]])
    """
    degrees = check_bool(degrees, "degrees")
    # the scheme is computed in degrees, as SPARX does, so both units give the same points
    to_deg = 1.0 if degrees else 180.0 / np.pi
    full = 180.0 if degrees else np.pi
    delta = check_positive(delta, "delta") * to_deg
    theta1 = check_scalar(theta1, "theta1", 0.0, full) * to_deg
    theta2 = 90.0 if theta2 is None else check_scalar(theta2, "theta2", 0.0, full) * to_deg
    if theta2 < theta1:
        raise ValueError(f"theta2 must be >= theta1, got {theta2} < {theta1} (degrees)")
    phi1 = check_scalar(phi1, "phi1") * to_deg
    phi2 = phi1 + 360.0 if phi2 is None else check_scalar(phi2, "phi2") * to_deg
    if phi2 <= phi1:
        raise ValueError("phi2 must be greater than phi1")
    if not isinstance(symmetry, str):
        raise ValueError(f"symmetry must be a string such as 'c1' or 'c3', got {symmetry!r}")
    if method not in ("P", "S"):
        raise ValueError(f"method must be 'P' or 'S', got {method!r}")
    if psi not in ("minus", "zero"):
        raise ValueError(f"psi must be 'minus' or 'zero', got {psi!r}")
    sym = symmetry.lower()
    if len(sym) < 2 or sym[0] != "c" or not sym[1:].isdigit() or int(sym[1:]) < 1:
        raise ValueError(f"symmetry must be 'c1', 'c2', ..., got {symmetry!r}")
    n_sym = int(sym[1:])
    # a border given in radians comes back as e.g. 90.00000000000001 degrees
    theta1, theta2 = (round(t, 9) for t in (theta1, theta2))
    delta = round(delta, 12)
    phi2 = min(phi2, phi1 + 360.0 / n_sym)
    if method == "P":
        thetas = theta1 + delta * np.arange(int(np.floor((theta2 - theta1) / delta + 1e-9)) + 1)
        rows = []
        for th in thetas:
            s = np.sin(np.deg2rad(th))
            if s < 1e-9:  # a pole: one direction
                rows.append(np.array([[phi1, th]]))
                continue
            phis = phi1 + np.arange(0.0, phi2 - phi1 - 1e-9, delta / s)
            rows.append(np.stack([phis, np.full_like(phis, th)], axis=1))
        pt = np.concatenate(rows)
    else:
        # SPARX's even_angles_cd: n = int((3.6 / delta)^2 * wedge) levels equally spaced
        # in z from cos(theta1) towards cos(theta2); the last level (the border itself)
        # is not used, so n - 1 points; a south pole is added when theta2 = 180
        z1, z2 = np.cos(np.deg2rad(theta1)), np.cos(np.deg2rad(theta2))
        wedge = abs((z2 - z1) * (phi2 - phi1) / 720.0)
        n = int((3.6 / np.deg2rad(delta)) ** 2 * wedge)
        k = np.arange(max(n - 1, 1))
        z = z1 + (z2 - z1) * k / max(n - 1, 1)
        th = np.rad2deg(np.arccos(np.clip(z, -1, 1)))
        th[0] = theta1
        s = np.maximum(np.sin(np.deg2rad(th)), 1e-9)
        steps = np.where(k == 0, 0.0, delta / s)
        phis = phi1 + np.mod(np.cumsum(steps), phi2 - phi1)
        pt = np.stack([phis, th], axis=1)
        if theta2 == 180.0:
            pt = np.vstack([pt, [[0.0, 180.0]]])
    if theta2 == 90.0 and n_sym % 2 == 1:
        on_equator = np.isclose(pt[:, 1], 90.0)
        pt = pt[~(on_equator & (pt[:, 0] >= phi1 + 180.0 / n_sym - 1e-9))]
    psis = np.mod(-pt[:, 0], 360.0) if psi == "minus" else np.zeros(len(pt))
    out = np.column_stack([pt, psis])
    return out if degrees else np.deg2rad(out)


def fibonacci_sphere(n: int) -> Array:
    """``n`` near-uniform unit vectors on a golden-angle (Fibonacci) spiral.

    Points are equally spaced in ``z`` (cell centres) and advance in azimuth by the
    golden angle ``pi (3 - sqrt 5)``.

    Parameters
    ----------
    n : int
        Number of points.

    Returns
    -------
    ndarray, shape (n, 3)
        Unit vectors.

    Examples
    --------
    >>> np.allclose(np.linalg.norm(fibonacci_sphere(10), axis=1), 1.0)
    True
    """
    n = _check_n(n)
    k = np.arange(n) + 0.5
    z = 1.0 - 2.0 * k / n
    r = np.sqrt(1.0 - z * z)
    phi = np.pi * (3.0 - np.sqrt(5.0)) * np.arange(n)
    return np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=1)


def random_sphere(n: int, rng: np.random.Generator) -> Array:
    """``n`` independent uniform random unit vectors (normalised Gaussian 3-vectors).

    Parameters
    ----------
    n : int
        Number of points.
    rng : numpy.random.Generator
        Source of the random draws, seeded by the caller.

    Returns
    -------
    ndarray, shape (n, 3)
        Unit vectors.

    Examples
    --------
    >>> random_sphere(3, np.random.default_rng(0)).shape
    (3, 3)
    """
    n, rng = _check_n(n), _check_rng(rng)
    v = rng.standard_normal((n, 3))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def healpix_directions(nside: int) -> Array:
    """Centres of the ``12 nside^2`` HEALPix pixels (ring scheme) as unit vectors.

    HEALPix (Gorski et al. 2005) divides the sphere into equal-area pixels on rings of
    constant ``z``; we compute the centres from its closed-form ring formulas
    (polar caps ``z = 1 - i^2 / (3 nside^2)``, equatorial belt
    ``z = 4/3 - 2 i / (3 nside)``), without the ``healpy`` dependency. Row ``p`` is
    HEALPix pixel ``p`` in the ring scheme, the order of ``healpy.pix2vec(nside, p)``:
    rings from north to south, each from its smallest ``phi`` (0 or half a pixel) east.

    Parameters
    ----------
    nside : int
        HEALPix resolution parameter, positive.

    Returns
    -------
    ndarray, shape (12 nside^2, 3)
        Unit vectors in pixel order.

    Examples
    --------
    >>> healpix_directions(1).shape
    (12, 3)
    """
    if isinstance(nside, bool) or not isinstance(nside, (int, np.integer)) or nside < 1:
        raise ValueError(f"nside must be a positive integer, got {nside!r}")
    zs, phis = [], []
    for i in range(1, 4 * nside):
        if i < nside or i > 3 * nside:  # polar caps
            ii = i if i < nside else 4 * nside - i
            z = 1.0 - ii * ii / (3.0 * nside * nside)
            z = z if i < nside else -z
            j = np.arange(1, 4 * ii + 1)
            phi = np.pi / (2 * ii) * (j - 0.5)
        else:  # equatorial belt
            z = 4.0 / 3.0 - 2.0 * i / (3.0 * nside)
            # rings with i + nside odd start at phi = 0, the others half a pixel on
            # (HEALPix's pix2ang_ring; Gorski et al. write it with j running from 1)
            s = (i - nside + 1) % 2
            j = np.arange(4 * nside)
            phi = np.pi / (2 * nside) * (j + s / 2.0)
        zs.append(np.full(len(j), z))
        phis.append(phi)
    z = np.concatenate(zs)
    phi = np.concatenate(phis)
    r = np.sqrt(1.0 - z * z)
    return np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=1)


def hopf_grid(level: int) -> Array:
    """A deterministic grid on SO(3) from the Hopf fibration SO(3) -> S^2 (Yershova et al. 2010).

    A rotation is a direction ``R e_z`` on the sphere plus an angle about it. The grid
    takes HEALPix directions with ``nside = 2**level`` and ``6 * 2**level`` equally spaced
    in-plane angles ``psi``, ``72 * 8**level`` rotations
    ``R = Rz(phi) Ry(theta) Rz(psi)`` in all; each level halves the spacing. (Yershova
    et al. build their grid on the same two factors; the exact placement of the
    ``psi`` samples is ours.)

    Parameters
    ----------
    level : int
        Refinement level, non-negative.

    Returns
    -------
    ndarray, shape (72 * 8**level, 3, 3)
        Rotation matrices.

    Examples
    --------
    >>> hopf_grid(0).shape
    (72, 3, 3)
    """
    if isinstance(level, bool) or not isinstance(level, (int, np.integer)) or level < 0:
        raise ValueError(f"level must be a non-negative integer, got {level!r}")
    from .euler import euler_to_matrix

    d = healpix_directions(2**level)
    theta = np.arccos(np.clip(d[:, 2], -1, 1))
    phi = np.arctan2(d[:, 1], d[:, 0])
    m = 6 * 2**level
    psi = 2 * np.pi * (np.arange(m) + 0.5) / m
    T, P = np.repeat(theta, m), np.repeat(phi, m)
    S = np.tile(psi, len(theta))
    return euler_to_matrix(np.stack([P, T, S], axis=1), "ZYZ")


# ---- uniformity measures -----------------------------------------------------------------


def _unit_vectors(points: ArrayLike) -> Array:
    p = as_float_array(points, "points", (3,))
    if p.ndim != 2 or len(p) < 2:
        raise ValueError(f"points must have shape (n, 3) with n >= 2, got {p.shape}")
    n = np.linalg.norm(p, axis=1, keepdims=True)
    if np.any(np.abs(n - 1) > 1e-6):
        raise ValueError("points must be unit vectors")
    return p / n


def covering_radius_sphere(
    points: ArrayLike,
    n_probe: int = 20000,
    rng: np.random.Generator | None = None,
    degrees: bool = False,
) -> float:
    """Largest angular distance from a point of the sphere to its nearest sample.

    Estimated from the probe set: ``n_probe`` Fibonacci points, plus ``n_probe``
    random ones if ``rng`` is given. Lower is better: every direction has a sample
    within this angle.

    Parameters
    ----------
    points : array_like, shape (n, 3)
        Unit vectors.
    n_probe : int
        Number of probe directions (of each kind).
    rng : numpy.random.Generator, optional
        Adds random probes; without it the estimate is deterministic.
    degrees : bool
        Return degrees instead of radians.

    Returns
    -------
    float
        The covering radius, radians (or degrees).

    Examples
    --------
    >>> 10 < covering_radius_sphere(healpix_directions(4), degrees=True) < 12
    True
    """
    p = _unit_vectors(points)
    probes = fibonacci_sphere(check_int(n_probe, "n_probe", low=1))
    if rng is not None:
        probes = np.concatenate([probes, random_sphere(n_probe, rng)])
    chord, _ = cKDTree(p).query(probes)
    angle = 2 * np.arcsin(np.clip(chord.max() / 2, 0, 1))
    return float(np.rad2deg(angle) if degrees else angle)


def riesz_energy(points: ArrayLike, s: float = 1.0) -> float:
    """Riesz s-energy ``sum_{i<j} |x_i - x_j|^{-s}`` normalised by ``n^2 / 2``.

    For well-spread points on the unit sphere and ``s = 1`` it approaches 1 (the
    continuous energy of the uniform measure) from below as ``n`` grows; clumps and
    near-duplicates raise it. Uses all pairs: meant for up to a few thousand points.

    Parameters
    ----------
    points : array_like, shape (n, 3)
        Unit vectors.
    s : float, default 1.0
        Riesz exponent, positive.

    Returns
    -------
    float
        The normalised energy (``inf`` for coincident points).

    Examples
    --------
    >>> 0.9 < riesz_energy(fibonacci_sphere(500)) < 1.0
    True
    """
    p = _unit_vectors(points)
    s = check_positive(s, "s")
    n = len(p)
    if n < 2:
        return 0.0
    d = pdist(p)  # chord length of every pair i < j
    if d.min() < 1e-12:
        return float("inf")
    e = 1.0 / d if s == 1.0 else d ** (-s)
    return float(e.sum() / (n * n / 2.0))


def covering_radius_so3(
    Rs: ArrayLike, n_probe: int, rng: np.random.Generator, degrees: bool = False
) -> float:
    """Largest rotation angle from a random probe rotation to its nearest grid rotation.

    Nearest neighbours are found among unit quaternions with ``|q . p|`` (the double
    cover), probing with ``n_probe`` uniform random rotations drawn from ``rng``.

    Parameters
    ----------
    Rs : array_like, shape (n, 3, 3)
        The grid.
    n_probe : int
        Number of random probe rotations.
    rng : numpy.random.Generator
    degrees : bool
        Return degrees instead of radians.

    Returns
    -------
    float
        The covering radius, radians (or degrees).

    Examples
    --------
    >>> r = covering_radius_so3(hopf_grid(1), 2000, np.random.default_rng(0), degrees=True)
    >>> 20 < r < 60
    True
    """
    from ._checks import check_rotation_matrix
    from .rotations import matrix_to_quat

    q = matrix_to_quat(check_rotation_matrix(Rs, "Rs"))
    q = np.concatenate([q, -q])
    probes = uniform_quats(check_int(n_probe, "n_probe", low=1), _check_rng(rng))
    chord, _ = cKDTree(q).query(probes)
    # chord = |q - p| = 2 sin(theta / 4)
    angle = 4 * np.arcsin(np.clip(chord.max() / 2, 0, 1))
    return float(np.rad2deg(angle) if degrees else angle)


def rotation_neighbourhood(R: ArrayLike, step: float) -> Array:
    """``R`` and its 26 neighbours ``R exp(d)``, ``d`` on a 3x3x3 grid of spacing ``step`` (radians).

    The local candidate set of coarse-to-fine rotation searches.

    Parameters
    ----------
    R : array_like, shape (3, 3)
        A rotation matrix.
    step : float
        Grid spacing of the rotation vectors, radians.

    Returns
    -------
    ndarray, shape (27, 3, 3)
        ``R`` and its neighbours.

    Examples
    --------
    >>> rotation_neighbourhood(np.eye(3), 0.1).shape
    (27, 3, 3)
    """
    from ._checks import check_rotation_matrix
    from .rotations import exp_so3

    R = check_rotation_matrix(R)
    if R.shape != (3, 3):
        raise ValueError("R must be a single rotation")
    step = check_positive(step, "step")
    g = np.array([-1.0, 0.0, 1.0]) * step
    d = np.stack(np.meshgrid(g, g, g, indexing="ij"), axis=-1).reshape(-1, 3)
    return R[None] @ exp_so3(d)
