"""Euler angles: every axis sequence, and Slabaugh's extraction algorithm.

``seq`` follows :class:`scipy.spatial.transform.Rotation`: three letters from
``xyz``; upper case is *intrinsic* (about the moving, body-fixed axes), lower case
is *extrinsic* (about the fixed axes). Intrinsic ``"ABC"`` with angles
``(a, b, c)`` is ``R_A(a) R_B(b) R_C(c)``; extrinsic ``"abc"`` is
``R_C(c) R_B(b) R_A(a)``. Matrices are active and act on column vectors.

Returned angles: the middle one lies in ``[0, pi]`` for proper Euler sequences
(``zyz``, ``zxz``, ...) and in ``[-pi/2, pi/2]`` for Tait-Bryan sequences
(``xyz``, ...); the others in ``(-pi, pi]``. In gimbal lock only the sum or the
difference of the outer angles is fixed; we return the solution whose third angle
(in the order of ``seq``) is 0, as ``scipy.spatial.transform.Rotation.as_euler``
does for intrinsic and extrinsic sequences alike.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array, check_nonnegative, check_rotation_matrix

__all__ = [
    "elementary_rotation",
    "euler_to_matrix",
    "matrix_to_euler",
    "slabaugh_euler",
    "EM_CONVENTIONS",
    "em_to_matrix",
    "matrix_to_em",
]

Array = NDArray[np.float64]
_AXIS = {"x": 0, "y": 1, "z": 2}


def elementary_rotation(axis: str | int, angle: ArrayLike) -> Array:
    """Active rotation by ``angle`` (radians) about the coordinate axis ``axis``.

    Parameters
    ----------
    axis : {"x", "y", "z"} or {0, 1, 2}
    angle : array_like, shape (...)

    Returns
    -------
    ndarray, shape (..., 3, 3)

    Examples
    --------
    >>> np.round(elementary_rotation("z", np.pi / 2), 12)
    array([[ 0., -1.,  0.],
           [ 1.,  0.,  0.],
           [ 0.,  0.,  1.]])
    """
    if isinstance(axis, str):
        if axis.lower() not in _AXIS:
            raise ValueError(f"axis must be 'x', 'y' or 'z', got {axis!r}")
        k = _AXIS[axis.lower()]
    elif axis in (0, 1, 2):
        k = int(axis)
    else:
        raise ValueError(f"axis must be 'x', 'y', 'z' or 0, 1, 2, got {axis!r}")
    angle = as_float_array(angle, "angle")
    c, s = np.cos(angle), np.sin(angle)
    out = np.zeros(angle.shape + (3, 3))
    p, r = (k + 1) % 3, (k + 2) % 3
    out[..., k, k] = 1.0
    out[..., p, p] = c
    out[..., r, r] = c
    out[..., r, p] = s
    out[..., p, r] = -s
    return out


def _parse_seq(seq: str) -> tuple[list[int], bool]:
    if not isinstance(seq, str) or len(seq) != 3:
        raise ValueError(f"seq must be a 3-letter string such as 'ZYZ' or 'xyz', got {seq!r}")
    if not (seq.isupper() or seq.islower()) or set(seq.lower()) - set("xyz"):
        raise ValueError(
            f"seq must be 3 letters from xyz, all upper (intrinsic) or all lower (extrinsic), got {seq!r}"
        )
    axes = [_AXIS[c] for c in seq.lower()]
    if axes[0] == axes[1] or axes[1] == axes[2]:
        raise ValueError(f"seq must not repeat an axis in consecutive positions, got {seq!r}")
    return axes, seq.isupper()


def euler_to_matrix(angles: ArrayLike, seq: str, degrees: bool = False) -> Array:
    """Rotation matrix of Euler angles in any of the 24 axis sequences.

    Parameters
    ----------
    angles : array_like, shape (..., 3)
        Angles in the order of ``seq``.
    seq : str
        ``"ZYZ"`` (intrinsic), ``"xyz"`` (extrinsic), ... as in scipy.
    degrees : bool
        Angles in degrees instead of radians.

    Returns
    -------
    ndarray, shape (..., 3, 3)

    Examples
    --------
    >>> R = euler_to_matrix([90, 90, 0], "ZYZ", degrees=True)
    >>> np.round(R @ [0.0, 0, 1], 12)       # z is tilted onto y
    array([0., 1., 0.])
    """
    axes, intrinsic = _parse_seq(seq)
    angles = as_float_array(angles, "angles", (3,))
    if degrees:
        angles = np.deg2rad(angles)
    mats = [elementary_rotation(a, angles[..., i]) for i, a in enumerate(axes)]
    if intrinsic:
        return mats[0] @ mats[1] @ mats[2]
    return mats[2] @ mats[1] @ mats[0]


def _intrinsic_angles(R: Array, axes: list[int], lock_zero_first: bool = False) -> Array:
    """Angles (a, b, c) with ``R = R_i(a) R_j(b) R_k(c)`` for intrinsic axes i, j, k.

    In gimbal lock ``c = 0``, or ``a = 0`` with ``lock_zero_first``."""
    i, j, k3 = axes
    proper = i == k3
    k = 3 - i - j  # the axis not among i, j
    e = 1.0 if (i, j, k) in ((0, 1, 2), (1, 2, 0), (2, 0, 1)) else -1.0
    if proper:
        sin_b = np.hypot(R[..., i, j], R[..., i, k])
        b = np.arctan2(sin_b, R[..., i, i])
        a = np.arctan2(R[..., j, i], -e * R[..., k, i])
    else:
        cos_b = np.hypot(R[..., i, i], R[..., i, j])
        sin_b = cos_b  # the quantity that vanishes in gimbal lock
        b = np.arctan2(e * R[..., i, k], cos_b)
        a = np.arctan2(-e * R[..., j, k], R[..., k, k])
    # the residual step below makes the generic branch exact arbitrarily close to lock, so
    # only (numerically) exact lock takes the c = 0 branch
    locked = sin_b < 1e-14
    # in gimbal lock set the last factor's angle c = 0: then R = R_i(a) R_j(b), whose
    # column j is R_i(a) e_j, so a follows from R[k, j] and R[j, j]; or set a = 0 and
    # let the residual below carry the whole rotation about the locked axis into c
    a_lock = 0.0 if lock_zero_first else np.arctan2(e * R[..., k, j], R[..., j, j])
    a = np.where(locked, a_lock, a)
    # c from the residual R_j(b)^T R_i(a)^T R = R_k3(c): exact even near gimbal lock
    N = (
        np.swapaxes(elementary_rotation(j, b), -1, -2)
        @ np.swapaxes(elementary_rotation(i, a), -1, -2)
        @ R
    )
    p, r = (k3 + 1) % 3, (k3 + 2) % 3
    c = np.arctan2(N[..., r, p], N[..., p, p])
    if not lock_zero_first:
        c = np.where(locked, 0.0, c)
    return np.stack([a, b, c], axis=-1)


def matrix_to_euler(R: ArrayLike, seq: str, degrees: bool = False) -> Array:
    """Euler angles of rotation matrices in any axis sequence (inverse of :func:`euler_to_matrix`).

    Parameters
    ----------
    R : array_like, shape (..., 3, 3)
    seq : str
        As in :func:`euler_to_matrix`.
    degrees : bool
        Return degrees instead of radians.

    Returns
    -------
    ndarray, shape (..., 3)

    Examples
    --------
    >>> np.round(matrix_to_euler(euler_to_matrix([10, 20, 30], "ZYZ", True), "ZYZ", True), 9)
    array([10., 20., 30.])
    """
    axes, intrinsic = _parse_seq(seq)
    R = check_rotation_matrix(R)
    if intrinsic:
        ang = _intrinsic_angles(R, axes)
    else:  # extrinsic abc with (a, b, c) == intrinsic CBA with (c, b, a); in gimbal
        # lock the third angle of seq is 0, which is the first of the reversed sequence
        ang = _intrinsic_angles(R, axes[::-1], lock_zero_first=True)[..., ::-1]
    return np.rad2deg(ang) if degrees else ang


def slabaugh_euler(R: ArrayLike, tol: float = 1e-12) -> tuple[Array, Array]:
    """Both Euler-angle solutions of Slabaugh's Figure 1 for ``R = Rz(phi) Ry(theta) Rx(psi)``.

    Follows the pseudo-code of Slabaugh's note (``theta`` from ``R31``, ``psi`` from
    ``R32, R33``, ``phi`` from ``R21, R11``, each divided by ``cos(theta)`` to fix
    the quadrant). Two solutions exist when ``cos(theta) != 0``. In gimbal lock
    (``|R31| = 1`` to within ``tol``) there are infinitely many; like the note we set
    ``phi = 0``, and both returned rows are that same solution.

    Parameters
    ----------
    R : array_like, shape (..., 3, 3)
    tol : float
        Tolerance on ``|R31| - 1`` for gimbal lock (an exact ``== 1`` test never
        fires on floating-point data).

    Returns
    -------
    sol1, sol2 : ndarray, shape (..., 3)
        ``(psi, theta, phi)`` in radians: angles about x, y, z.

    Examples
    --------
    >>> s1, s2 = slabaugh_euler(euler_to_matrix([0.1, 0.2, 0.3], "xyz"))
    >>> np.round(s1, 12)
    array([0.1, 0.2, 0.3])
    """
    R = check_rotation_matrix(R)
    tol = check_nonnegative(tol, "tol")
    r31 = np.clip(R[..., 2, 0], -1.0, 1.0)
    locked = np.abs(np.abs(r31) - 1.0) < tol
    theta1 = -np.arcsin(r31)
    theta2 = np.pi - theta1
    c1, c2 = np.cos(theta1), np.cos(theta2)
    safe1 = np.where(locked, 1.0, c1)
    safe2 = np.where(locked, 1.0, c2)
    psi1 = np.arctan2(R[..., 2, 1] / safe1, R[..., 2, 2] / safe1)
    psi2 = np.arctan2(R[..., 2, 1] / safe2, R[..., 2, 2] / safe2)
    phi1 = np.arctan2(R[..., 1, 0] / safe1, R[..., 0, 0] / safe1)
    phi2 = np.arctan2(R[..., 1, 0] / safe2, R[..., 0, 0] / safe2)
    # gimbal lock: phi = 0; R31 = -1 -> theta = +pi/2, psi = phi + atan2(R12, R13);
    #              R31 = +1 -> theta = -pi/2, psi = -phi + atan2(-R12, -R13)
    down = r31 < 0
    lock_theta = np.where(down, np.pi / 2, -np.pi / 2)
    lock_psi = np.where(
        down, np.arctan2(R[..., 0, 1], R[..., 0, 2]), np.arctan2(-R[..., 0, 1], -R[..., 0, 2])
    )
    sol1 = np.stack(
        [
            np.where(locked, lock_psi, psi1),
            np.where(locked, lock_theta, theta1),
            np.where(locked, 0.0, phi1),
        ],
        axis=-1,
    )
    sol2 = np.stack(
        [
            np.where(locked, lock_psi, psi2),
            np.where(locked, lock_theta, theta2),
            np.where(locked, 0.0, phi2),
        ],
        axis=-1,
    )
    return sol1, sol2


# ---- cryo-EM package conventions ---------------------------------------------------------

#: Conventions understood by :func:`em_to_matrix` and :func:`matrix_to_em`, with their
#: parameter names in order.
EM_CONVENTIONS = {
    "relion": ("rot", "tilt", "psi"),
    "spider": ("phi", "theta", "psi"),
    "mrc": ("phi", "theta", "omega"),
    "eman": ("az", "alt", "phi"),
    "imagic": ("alpha", "beta", "gamma"),
    "xyz": ("xtilt", "ytilt", "ztilt"),
    "spin": ("omega", "n1", "n2", "n3"),
    "cryosparc": ("rx", "ry", "rz"),
}


def _check_convention(convention: str) -> str:
    if not isinstance(convention, str) or convention.lower() not in EM_CONVENTIONS:
        raise ValueError(f"convention must be one of {sorted(EM_CONVENTIONS)}, got {convention!r}")
    return convention.lower()


def em_to_matrix(angles: ArrayLike, convention: str, degrees: bool | None = None) -> Array:
    """The matrix a cryo-EM package builds from its stored orientation parameters.

    All packages below use *passive* elementary matrices (a positive angle turns the
    object clockwise seen from the axis tip), so each result is the transpose of the
    active matrix of the same angles. The third row of the result is the projection
    direction; the matrix maps map coordinates into the frame of the projection.

    ============  =====================  ===================================================
    convention    parameters             matrix (``Z, Y, X``: passive elementary rotations)
    ============  =====================  ===================================================
    ``relion``    rot, tilt, psi         ``Z(psi) Y(tilt) Z(rot)`` (RELION ``Euler_angles2matrix``)
    ``spider``    phi, theta, psi        ``Z(psi) Y(theta) Z(phi)``, the same formula
    ``mrc``       phi, theta, omega      as SPIDER (an alias in EMAN2's ``Transform``)
    ``eman``      az, alt, phi           ``Z(phi) X(alt) Z(az)`` (EMAN2 ``Transform``)
    ``imagic``    alpha, beta, gamma     as EMAN (an alias in EMAN2's ``Transform``)
    ``xyz``       xtilt, ytilt, ztilt    ``Z(ztilt) Y(ytilt) X(xtilt)`` (EMAN2)
    ``spin``      omega, n1, n2, n3      EMAN2's spin: the active rotation by ``-omega``
                                         about the normalised axis ``n`` (zero ``n``: identity)
    ``cryosparc`` rotation vector        ``exp([r]_x)``, the active rotation of the rotation
                                         vector ``r`` in radians (see the note below)
    ============  =====================  ===================================================

    Translations and origins (not used here, stated for conversions): EMAN2 stores
    ``x' = F(s R x + t)`` (rotate, scale, translate, then mirror ``F`` of x) about the
    image centre ``n // 2`` for even sizes; RELION and SPIDER apply their in-plane
    shifts after the rotation, and RELION >= 3.1 stores them in Å
    (``rlnOriginXAngst``); cryoSPARC stores shifts in pixels. Signs of shifts differ
    between packages and versions: test a conversion on a real map before trusting it.

    Notes
    -----
    The RELION, SPIDER, EMAN, IMAGIC, MRC, XYZ and SPIN matrices follow the EMAN2 and
    RELION source code as summarised in our SPARX/EMAN2 chapter. cryoSPARC is closed
    source: that its pose is a rotation vector in radians is documented, that the
    matrix is the plain exponential map is our assumption (it is what common
    converters use), not verified against cryoSPARC's code.

    Parameters
    ----------
    angles : array_like, shape (..., 3), or (..., 4) for ``spin``
    convention : str
        One of the keys of :data:`EM_CONVENTIONS`.
    degrees : bool, optional
        Unit of the angles. Default: the package's own unit, i.e. degrees for every
        convention except ``cryosparc`` (radians).

    Returns
    -------
    ndarray, shape (..., 3, 3)

    Examples
    --------
    >>> R = em_to_matrix([0.0, 90.0, 0.0], "relion")   # tilt 90: view along x
    >>> np.round(R[2], 12)                               # the projection direction
    array([1., 0., 0.])
    """
    convention = _check_convention(convention)
    if degrees is None:
        degrees = convention != "cryosparc"
    n = 4 if convention == "spin" else 3
    a = as_float_array(angles, "angles", (n,))
    if convention == "spin":
        omega = np.deg2rad(a[..., 0]) if degrees else a[..., 0]
        axis = a[..., 1:]
        norm = np.linalg.norm(axis, axis=-1, keepdims=True)
        unit = np.where(norm > 0, axis / np.where(norm > 0, norm, 1.0), 0.0)
        from .rotations import exp_so3

        return exp_so3(-omega[..., None] * unit)
    if convention == "cryosparc":
        from .rotations import exp_so3

        return exp_so3(np.deg2rad(a) if degrees else a)
    if degrees:
        a = np.deg2rad(a)
    seq = {
        "relion": "ZYZ",
        "spider": "ZYZ",
        "mrc": "ZYZ",
        "eman": "ZXZ",
        "imagic": "ZXZ",
        "xyz": "XYZ",
    }
    return np.swapaxes(euler_to_matrix(a, seq[convention]), -1, -2)


def matrix_to_em(R: ArrayLike, convention: str, degrees: bool | None = None) -> Array:
    """Orientation parameters of a package from its matrix (inverse of :func:`em_to_matrix`).

    Ranges: for the ZYZ and ZXZ conventions the middle angle (tilt, theta, alt, beta) is in
    [0, 180] degrees, as RELION and EMAN2 report it (for ``xyz``, ytilt is in [-90, 90]);
    the other angles are in (-180, 180].
    ``spin`` returns ``omega`` in [0, 180] and a unit axis. At the poles (tilt 0 or 180)
    only a sum or difference of the outer angles is defined: for ``eman``/``imagic`` we
    report ``az = 0`` as EMAN2 does; for the ZYZ conventions ``psi = 0``.

    Parameters
    ----------
    R : array_like, shape (..., 3, 3)
        Rotation matrices.
    convention : str
        A key of :data:`EM_CONVENTIONS` (``"relion"``, ``"spider"``, ``"eman"``, ...).
    degrees : bool, optional
        Return degrees (default: the package's own unit, degrees except cryoSPARC).

    Returns
    -------
    ndarray, shape (..., 3) (``spin``: (..., 4))
        The package's orientation parameters.

    Examples
    --------
    >>> R = em_to_matrix([30.0, 40.0, 50.0], "relion")
    >>> np.round(matrix_to_em(R, "eman"), 9)       # az = rot + 90, alt = tilt, phi = psi - 90
    array([120.,  40., -40.])
    """
    convention = _check_convention(convention)
    if degrees is None:
        degrees = convention != "cryosparc"
    R = check_rotation_matrix(R)
    from .rotations import log_so3, matrix_to_axis_angle

    if convention == "cryosparc":
        w = log_so3(R)
        return np.rad2deg(w) if degrees else w
    if convention == "spin":
        axis, omega = matrix_to_axis_angle(np.swapaxes(R, -1, -2))
        omega = np.rad2deg(omega) if degrees else omega
        return np.concatenate([omega[..., None], axis], axis=-1)
    seq = {
        "relion": "ZYZ",
        "spider": "ZYZ",
        "mrc": "ZYZ",
        "eman": "ZXZ",
        "imagic": "ZXZ",
        "xyz": "XYZ",
    }
    ang = matrix_to_euler(np.swapaxes(R, -1, -2), seq[convention])
    if convention in ("eman", "imagic"):
        # matrix_to_euler puts the free angle into az and sets phi = 0 at the poles; EMAN2
        # reports az = 0: at alt = 0, Z(phi) Z(az) = Z(phi + az); at alt = 180,
        # Z(0) X(180) Z(a) = Z(-a) X(180)
        pole = np.isclose(np.sin(ang[..., 1]), 0.0, atol=1e-12) & (ang[..., 2] == 0.0)
        south = ang[..., 1] > np.pi / 2
        moved = np.where(south, -ang[..., 0], ang[..., 0])
        ang = np.stack(
            [
                np.where(pole, 0.0, ang[..., 0]),
                ang[..., 1],
                np.where(pole, _wrap(moved), ang[..., 2]),
            ],
            axis=-1,
        )
    return np.rad2deg(ang) if degrees else ang


def _wrap(a: Array) -> Array:
    """Wrap radians into (-pi, pi]."""
    return np.pi - np.mod(np.pi - a, 2 * np.pi)
