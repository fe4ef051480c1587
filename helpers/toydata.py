"""Toy data sets for the book's demonstrations and live panels, in one place.

Each builder draws from a ``numpy.random.Generator`` passed in by the caller (a panel
creates its generator from a declared seed, so its picture is reproducible):

- :func:`rotation_cloud`: rotations scattered about a centre, with uniform outliers
  (rotation averaging);
- :func:`flexible_pair`: a C-alpha-like chain and a moved copy with a disordered loop
  and gross errors (superposition);
- :func:`sample_sphere`: directions from one of :data:`SAMPLING_METHODS` at a spacing
  (sampling schemes);
- :func:`noisy_atom_views`: noisy projections of an atomic model at random poses
  (atomic-model fitting);
- :func:`hyper_line_data`: noisy line projections of the 2-D hinged hyper-molecule at
  random conformations (hyper-molecules);
- :func:`ctf_training_set`: CTF-modulated noisy projections of the toy protein at
  random orientations and defoci (orientation regression).

This is a mathematics module: it never imports matplotlib or ipywidgets.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_float_array, check_int, check_nonnegative, check_positive, check_scalar

__all__ = [
    "RotationCloud",
    "rotation_cloud",
    "FlexiblePair",
    "flexible_pair",
    "SAMPLING_METHODS",
    "sample_sphere",
    "AtomViews",
    "noisy_atom_views",
    "HyperLineData",
    "hyper_line_data",
    "TrainingSet",
    "ctf_training_set",
]


def _check_rng(rng: object) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


class RotationCloud(NamedTuple):
    """A rotation cloud (returned by :func:`rotation_cloud`).

    Attributes
    ----------
    center : numpy.ndarray, shape (3, 3)
        The true centre.
    rotations : numpy.ndarray, shape (n, 3, 3)
        The rotations.
    """

    center: np.ndarray
    rotations: np.ndarray


def rotation_cloud(
    spread: float,
    outlier_fraction: float,
    rng: np.random.Generator,
    n: int = 40,
    degrees: bool = False,
) -> RotationCloud:
    """Rotations about a random centre with Gaussian rotation vectors, and some outliers.

    ``rotations[i] = center exp(w_i)`` with ``w_i`` Gaussian of standard deviation
    ``spread`` per axis, except the first ``round(outlier_fraction * n)``, which are
    replaced by uniform random rotations.

    Parameters
    ----------
    spread : float
        Standard deviation of each rotation-vector component, radians (degrees if
        ``degrees``), >= 0.
    outlier_fraction : float
        Fraction of uniform outliers, in [0, 1].
    rng : numpy.random.Generator
        Source of the draws (the centre first, then the spread, then the outliers).
    n : int
        Number of rotations.
    degrees : bool
        Read ``spread`` in degrees.

    Returns
    -------
    RotationCloud

    Examples
    --------
    >>> cloud = rotation_cloud(10.0, 0.1, np.random.default_rng(25), degrees=True)
    >>> cloud.rotations.shape, cloud.center.shape
    ((40, 3, 3), (3, 3))
    """
    from .rotations import exp_so3
    from .sampling import uniform_rotations

    spread = check_nonnegative(spread, "spread")
    outlier_fraction = check_scalar(outlier_fraction, "outlier_fraction", 0.0, 1.0)
    rng = _check_rng(rng)
    n = check_int(n, "n", low=1)
    if degrees:
        spread = np.deg2rad(spread)
    center = uniform_rotations(1, rng)[0]
    w = spread * rng.standard_normal((n, 3))
    Rs = center @ exp_so3(w)
    k = int(round(outlier_fraction * n))
    Rs[:k] = uniform_rotations(n, rng)[:k]
    return RotationCloud(center, Rs)


class FlexiblePair(NamedTuple):
    """A reference and a moved copy (returned by :func:`flexible_pair`).

    Attributes
    ----------
    X, Y : numpy.ndarray, shape (n, 3)
        Reference and copy, with ``X ~ Y @ R_true.T + t_true`` away from the loop.
    R_true : numpy.ndarray, shape (3, 3)
        The rotation.
    t_true : numpy.ndarray, shape (3,)
        The translation, Å.
    loop : numpy.ndarray of bool, shape (n,)
        The disordered atoms.
    """

    X: np.ndarray
    Y: np.ndarray
    R_true: np.ndarray
    t_true: np.ndarray
    loop: np.ndarray


def flexible_pair(
    loop_sd: float, outlier_fraction: float, rng: np.random.Generator, n: int = 70
) -> FlexiblePair:
    """A C-alpha-like chain and a rotated, shifted copy whose loop is disordered.

    A random walk of 3.8 Å steps is the copy ``Y``; the reference is ``X = (Y + noise)
    @ R_true.T + t_true`` with ``R_true`` 40° about (0.3, -0.8, 0.5) and ``t_true`` =
    (5, -3, 2) Å. Atoms 45-59 (the loop) get Gaussian noise of ``loop_sd`` Å; a fraction
    ``outlier_fraction`` of the other atoms is displaced by 8 Å (gross errors); all
    atoms get 0.2 Å noise.

    Parameters
    ----------
    loop_sd : float
        Standard deviation of the loop's displacement per coordinate, Å, >= 0.
    outlier_fraction : float
        Fraction of non-loop atoms displaced by 8 Å, in [0, 1].
    rng : numpy.random.Generator
        Source of the chain and the noise.
    n : int
        Number of atoms (at least 61, so that the loop exists).

    Returns
    -------
    FlexiblePair
        ``X``, ``Y`` (n, 3), ``R_true`` (3, 3), ``t_true`` (3,), ``loop`` (n,) bool.

    Examples
    --------
    >>> pair = flexible_pair(3.0, 0.1, np.random.default_rng(11))
    >>> pair.X.shape, int(pair.loop.sum())
    ((70, 3), 15)
    """
    from .rotations import exp_so3

    loop_sd = check_nonnegative(loop_sd, "loop_sd")
    outlier_fraction = check_scalar(outlier_fraction, "outlier_fraction", 0.0, 1.0)
    rng = _check_rng(rng)
    n = check_int(n, "n", low=61)
    steps = rng.normal(size=(n, 3))
    steps *= 3.8 / np.linalg.norm(steps, axis=1, keepdims=True)
    Y = np.cumsum(steps, axis=0)
    Y -= Y.mean(0)
    R_true = exp_so3(np.deg2rad(40) * np.array([0.3, -0.8, 0.5]))
    t_true = np.array([5.0, -3.0, 2.0])
    loop = np.zeros(n, bool)
    loop[45:60] = True
    noise = 0.2 * rng.standard_normal((n, 3))
    noise[loop] += loop_sd * rng.standard_normal((loop.sum(), 3))
    others = np.flatnonzero(~loop)
    k = int(round(outlier_fraction * len(others)))
    bad = rng.permutation(others)[:k]
    dirs = rng.standard_normal((k, 3))
    noise[bad] += 8.0 * dirs / np.linalg.norm(dirs, axis=1, keepdims=True)
    X = (Y + noise) @ R_true.T + t_true
    return FlexiblePair(X, Y, R_true, t_true, loop)


SAMPLING_METHODS = ("even angles (P)", "spiral (S)", "Fibonacci", "HEALPix", "random")


def sample_sphere(
    method: str,
    spacing: float,
    rng: np.random.Generator | None = None,
    degrees: bool = False,
) -> np.ndarray:
    """Directions on the whole sphere from one of :data:`SAMPLING_METHODS` at a spacing.

    The even-angle (SPIDER's "P") and spiral ("S") schemes take the spacing directly;
    Fibonacci and random use the same number of points as the even-angle grid; HEALPix
    the ``nside`` with ``12 nside^2`` nearest that number.

    Parameters
    ----------
    method : str
        One of :data:`SAMPLING_METHODS`.
    spacing : float
        Angular spacing, radians (degrees if ``degrees``), in (0, π/2].
    rng : numpy.random.Generator, optional
        Needed by ``"random"`` only.
    degrees : bool
        Read ``spacing`` in degrees.

    Returns
    -------
    numpy.ndarray, shape (n, 3)
        Unit vectors.

    Examples
    --------
    >>> sample_sphere("Fibonacci", 15.0, degrees=True).shape
    (188, 3)
    >>> sample_sphere("random", np.pi / 12, np.random.default_rng(0)).shape
    (188, 3)
    """
    from .sampling import (
        direction_from_angles,
        even_angles,
        fibonacci_sphere,
        healpix_directions,
        random_sphere,
    )

    if method not in SAMPLING_METHODS:
        raise ValueError(f"method must be one of {SAMPLING_METHODS}, got {method!r}")
    spacing = check_positive(spacing, "spacing")
    # rounded: the radian round trip of a slider's 15° must give SPIDER's grid for 15°
    spacing_deg = round(spacing if degrees else float(np.rad2deg(spacing)), 9)
    if spacing_deg > 90.0:
        raise ValueError(f"spacing must be at most 90 degrees, got {spacing_deg} degrees")
    if method == "random":
        rng = _check_rng(rng)
    ea = even_angles(spacing_deg, theta2=180.0, degrees=True)
    n = len(ea)
    if method == "even angles (P)":
        return direction_from_angles(ea[:, 1], ea[:, 0], degrees=True)
    if method == "spiral (S)":
        sp = even_angles(spacing_deg, theta2=180.0, method="S", degrees=True)
        return direction_from_angles(sp[:, 1], sp[:, 0], degrees=True)
    if method == "Fibonacci":
        return fibonacci_sphere(n)
    if method == "HEALPix":
        return healpix_directions(max(1, int(round(np.sqrt(n / 12.0)))))
    return random_sphere(n, rng)


class AtomViews(NamedTuple):
    """Noisy projections of a model (returned by :func:`noisy_atom_views`).

    Attributes
    ----------
    rotations : numpy.ndarray, shape (m, 3, 3)
        The poses.
    images : numpy.ndarray, shape (m, n, n)
        The noisy projections.
    """

    rotations: np.ndarray
    images: np.ndarray


def noisy_atom_views(
    coords: ArrayLike,
    n_views: int,
    n: int,
    pixel_size: float,
    sigma: float,
    snr: float,
    rng: np.random.Generator,
) -> AtomViews:
    """Projections of a Gaussian-atom model at uniform random poses, with white noise.

    Draws the poses first, then the noise image by image
    (:func:`helpers.imaging.add_noise` at ``snr``).

    Parameters
    ----------
    coords : array_like, shape (k, 3)
        Atom coordinates, Å.
    n_views : int
        Number of images.
    n : int
        Image side, pixels.
    pixel_size : float
        Å per pixel.
    sigma : float
        Width of each Gaussian atom, Å.
    snr : float
        Signal-to-noise ratio (variance ratio) of each image.
    rng : numpy.random.Generator
        Source of the poses and the noise.

    Returns
    -------
    AtomViews

    Examples
    --------
    >>> from helpers.atomic import toy_chain
    >>> views = noisy_atom_views(toy_chain(), 3, 16, 2.0, 2.0, 1.0, np.random.default_rng(0))
    >>> views.images.shape
    (3, 16, 16)
    """
    from .atomic import project_atoms
    from .imaging import add_noise
    from .sampling import uniform_rotations

    n_views = check_int(n_views, "n_views", low=1)
    snr = check_positive(snr, "snr")
    rng = _check_rng(rng)
    Rs = uniform_rotations(n_views, rng)
    clean = project_atoms(coords, Rs, n, pixel_size, sigma)
    return AtomViews(Rs, np.stack([add_noise(c, snr, rng) for c in clean]))


class HyperLineData(NamedTuple):
    """Noisy line projections (returned by :func:`hyper_line_data`).

    Attributes
    ----------
    y : numpy.ndarray, shape (m, bins)
        The projections.
    theta : numpy.ndarray, shape (m,)
        Projection angles, radians.
    t : numpy.ndarray, shape (m,)
        Conformations in [-1, 1].
    """

    y: np.ndarray
    theta: np.ndarray
    t: np.ndarray


def hyper_line_data(
    n_lines: int,
    noise: float,
    rng: np.random.Generator,
    n_bins: int = 40,
    bin_size: float = 0.9,
) -> HyperLineData:
    """Line projections of :func:`helpers.hyper.hinge_molecule_2d` with white noise.

    Angles uniform in [0, π), conformations uniform in [-1, 1]; the noise has standard
    deviation ``noise`` times that of the clean projections.

    Parameters
    ----------
    n_lines : int
        Number of projections.
    noise : float
        Noise level relative to the signal's standard deviation, >= 0.
    rng : numpy.random.Generator
        Source of the angles, conformations and noise (in that order).
    n_bins : int
        Bins per projection.
    bin_size : float
        Bin width, Å.

    Returns
    -------
    HyperLineData

    Examples
    --------
    >>> data = hyper_line_data(10, 0.5, np.random.default_rng(0))
    >>> data.y.shape
    (10, 40)
    """
    from .hyper import hinge_molecule_2d, line_projections

    n_lines = check_int(n_lines, "n_lines", low=1)
    noise = check_nonnegative(noise, "noise")
    rng = _check_rng(rng)
    th, tt = rng.uniform(0, np.pi, n_lines), rng.uniform(-1, 1, n_lines)
    clean = line_projections(hinge_molecule_2d(tt), th, n_bins, bin_size, 2.0)
    y = clean + noise * clean.std() * rng.normal(size=clean.shape)
    return HyperLineData(y, th, tt)


class TrainingSet(NamedTuple):
    """A simulated training set (returned by :func:`ctf_training_set`).

    Attributes
    ----------
    images : numpy.ndarray, shape (m, n, n)
        CTF-modulated noisy projections.
    rotations : numpy.ndarray, shape (m, 3, 3)
        Their poses.
    defocus : numpy.ndarray, shape (m,)
        Their defoci, Å.
    """

    images: np.ndarray
    rotations: np.ndarray
    defocus: np.ndarray


def ctf_training_set(
    coords: ArrayLike,
    n_images: int,
    rng: np.random.Generator,
    n: int = 24,
    pixel_size: float = 2.5,
    defocus_range: ArrayLike = (8000.0, 12000.0),
    snr: float = 10.0,
) -> TrainingSet:
    """CTF-modulated projections of a Gaussian-atom model at random poses, with noise.

    Poses uniform on SO(3), defocus uniform in ``defocus_range`` (300 kV, the defaults of
    :func:`helpers.imaging.ctf`), atoms of width 2.5 Å; each image gets white noise at
    ``snr`` relative to its own variance.

    Parameters
    ----------
    coords : array_like, shape (k, 3)
        Atom coordinates, Å.
    n_images : int
        Number of images.
    rng : numpy.random.Generator
        Source of the poses, defoci and noise (in that order).
    n : int
        Image side, pixels.
    pixel_size : float
        Å per pixel.
    defocus_range : (float, float)
        Lowest and highest defocus, Å.
    snr : float
        Signal-to-noise ratio of each image.

    Returns
    -------
    TrainingSet

    Examples
    --------
    >>> from helpers.volumes import toy_protein
    >>> data = ctf_training_set(toy_protein(), 4, np.random.default_rng(0))
    >>> data.images.shape
    (4, 24, 24)
    """
    from .atomic import project_atoms
    from .imaging import ctf, fourier_filter, frequency_grid
    from .sampling import uniform_rotations

    n_images = check_int(n_images, "n_images", low=1)
    snr = check_positive(snr, "snr")
    lo, hi = as_float_array(defocus_range, "defocus_range", (2,))
    if not 0 < lo <= hi:
        raise ValueError(f"defocus_range must satisfy 0 < low <= high, got {(lo, hi)}")
    rng = _check_rng(rng)
    R = uniform_rotations(n_images, rng)
    defocus = rng.uniform(lo, hi, n_images)
    k = frequency_grid(n, pixel_size)
    clean = fourier_filter(
        project_atoms(coords, R, n, pixel_size, sigma=2.5), ctf(k[None], defocus[:, None, None])
    )
    sd = np.sqrt(clean.var(axis=(1, 2), keepdims=True) / snr)
    return TrainingSet(clean + sd * rng.normal(size=clean.shape), R, defocus)
