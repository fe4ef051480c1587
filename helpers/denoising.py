"""Conjugate posteriors for pixel denoising: Gaussian-Gaussian and Poisson-Gamma.

A blind-spot denoiser (Huang et al. 2021, after Laine et al. 2019) predicts, from a
pixel's neighbourhood, a *prior* for the clean value; the noisy pixel is the
*likelihood*; the denoised pixel is the *posterior mean*. With conjugate pairs all three
steps are closed-form. Everything here is elementwise and broadcasts.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln

from ._checks import as_float_array, check_int, check_positive

__all__ = [
    "GaussianPosterior",
    "GammaParams",
    "gaussian_posterior",
    "gaussian_marginal_nll",
    "poisson_gamma_posterior",
    "poisson_gamma_posterior_mean",
    "negative_binomial_nll",
    "gamma_prior_from_mean_var",
    "toy_micrograph",
    "blind_spot_prior",
]

Array = NDArray[np.float64]


class GaussianPosterior(NamedTuple):
    """Mean and variance of a Gaussian posterior.

    Attributes
    ----------
    mean : ndarray
        Posterior mean.
    var : ndarray
        Posterior variance.
    """

    mean: Array
    var: Array


class GammaParams(NamedTuple):
    """Shape ``alpha`` and rate ``beta`` of a Gamma distribution.

    Attributes
    ----------
    alpha : ndarray
        Shape.
    beta : ndarray
        Rate.
    """

    alpha: Array
    beta: Array


def _positive(x: ArrayLike, name: str) -> Array:
    x = as_float_array(x, name)
    if np.any(x <= 0):
        raise ValueError(f"{name} must be positive")
    return x


def _positive_scalar(x, name: str) -> float:
    return check_positive(x, name)


def gaussian_posterior(
    y: ArrayLike, prior_mean: ArrayLike, prior_var: ArrayLike, noise_var: ArrayLike
) -> GaussianPosterior:
    """Posterior of a clean value ``x`` with prior ``N(prior_mean, prior_var)`` after ``y ~ N(x, noise_var)``.

    ``mean = (prior_var y + noise_var prior_mean) / (prior_var + noise_var)``,
    ``var = prior_var noise_var / (prior_var + noise_var)``: a precision-weighted average.

    Parameters
    ----------
    y : array_like
        Observations.
    prior_mean : array_like
        Prior mean (broadcasts against ``y``).
    prior_var : array_like
        Prior variance, positive.
    noise_var : array_like
        Noise variance, positive.

    Returns
    -------
    GaussianPosterior
        Posterior mean and variance, elementwise.

    Examples
    --------
    >>> [float(v) for v in gaussian_posterior(2.0, 0.0, 1.0, 1.0)]
    [1.0, 0.5]
    """
    y = as_float_array(y, "y")
    m = as_float_array(prior_mean, "prior_mean")
    v = _positive(prior_var, "prior_var")
    s = _positive(noise_var, "noise_var")
    return GaussianPosterior((v * y + s * m) / (v + s), v * s / (v + s))


def gaussian_marginal_nll(
    y: ArrayLike, prior_mean: ArrayLike, prior_var: ArrayLike, noise_var: ArrayLike
) -> Array:
    """``-log p(y)`` with ``x`` integrated out: ``y ~ N(prior_mean, prior_var + noise_var)``.

    This is the self-supervised training loss of the Bayesian blind-spot denoiser: it
    needs only the noisy image.

    Parameters
    ----------
    y : array_like
        Observations.
    prior_mean : array_like
        Prior mean (broadcasts against ``y``).
    prior_var : array_like
        Prior variance, positive.
    noise_var : array_like
        Noise variance, positive.

    Returns
    -------
    ndarray
        ``-log p(y)`` elementwise.

    Examples
    --------
    >>> round(float(gaussian_marginal_nll(0.0, 0.0, 0.5, 0.5)), 6)   # 0.5 log(2 pi)
    0.918939
    """
    y = as_float_array(y, "y")
    m = as_float_array(prior_mean, "prior_mean")
    total = _positive(prior_var, "prior_var") + _positive(noise_var, "noise_var")
    return 0.5 * (np.log(2 * np.pi * total) + (y - m) ** 2 / total)


def poisson_gamma_posterior(
    counts: ArrayLike, alpha: ArrayLike, beta: ArrayLike, exposure: ArrayLike = 1.0
) -> GammaParams:
    """Gamma posterior of a rate ``lam`` after Poisson counts.

    Prior ``lam ~ Gamma(alpha, beta)`` (shape, rate; density ``∝ lam^(alpha-1) e^(-beta lam)``),
    likelihood ``counts ~ Poisson(exposure * lam)``; posterior
    ``Gamma(alpha + counts, beta + exposure)``. The data come first, as in
    :func:`negative_binomial_nll` and the Gaussian functions.

    Parameters
    ----------
    counts : array_like
        Observed counts, non-negative.
    alpha : array_like
        Prior shape, positive.
    beta : array_like
        Prior rate, positive.
    exposure : array_like, default 1.0
        Exposure (dose) per count, positive: ``counts ~ Poisson(exposure lam)``.

    Returns
    -------
    GammaParams
        ``alpha`` and ``beta`` of the posterior.

    Examples
    --------
    >>> [float(v) for v in poisson_gamma_posterior(3, 2.0, 1.0)]
    [5.0, 2.0]
    """
    a = _positive(alpha, "alpha")
    b = _positive(beta, "beta")
    y = as_float_array(counts, "counts")
    d = _positive(exposure, "exposure")
    if np.any(y < 0) or np.any(y != np.round(y)):
        raise ValueError("counts must be non-negative integers")
    return GammaParams(a + y, b + d)


def poisson_gamma_posterior_mean(
    counts: ArrayLike, alpha: ArrayLike, beta: ArrayLike, exposure: ArrayLike = 1.0
) -> Array:
    """Posterior mean ``(alpha + counts) / (beta + exposure)`` of the rate.

    It equals ``w (counts / exposure) + (1 - w) (alpha / beta)`` with
    ``w = exposure / (beta + exposure)``: the raw estimate shrunk toward the prior mean.

    Parameters
    ----------
    counts : array_like
        Observed counts, non-negative.
    alpha : array_like
        Prior shape, positive.
    beta : array_like
        Prior rate, positive.
    exposure : array_like, default 1.0
        Exposure per count, positive.

    Returns
    -------
    ndarray
        The posterior mean rate, elementwise.

    Examples
    --------
    >>> float(poisson_gamma_posterior_mean(3, 2.0, 1.0))
    2.5
    """
    a, b = poisson_gamma_posterior(counts, alpha, beta, exposure)
    return a / b


def negative_binomial_nll(
    counts: ArrayLike, alpha: ArrayLike, beta: ArrayLike, exposure: ArrayLike = 1.0
) -> Array:
    """``-log P(counts)`` with the Gamma rate integrated out: a negative binomial.

    ``P(y) = Gamma(y + alpha) / (Gamma(alpha) y!) (beta/(beta+d))^alpha (d/(beta+d))^y``,
    the Poisson-Gamma analogue of :func:`gaussian_marginal_nll`.

    Parameters
    ----------
    counts : array_like
        Observed counts, non-negative.
    alpha : array_like
        Prior shape, positive.
    beta : array_like
        Prior rate, positive.
    exposure : array_like, default 1.0
        Exposure per count, positive.

    Returns
    -------
    ndarray
        ``-log P(counts)`` elementwise.

    Examples
    --------
    >>> round(float(negative_binomial_nll(0, 1.0, 1.0)), 6)   # P(0) = 1/2
    0.693147
    """
    a = _positive(alpha, "alpha")
    b = _positive(beta, "beta")
    d = _positive(exposure, "exposure")
    y = as_float_array(counts, "counts")
    if np.any(y < 0):
        raise ValueError("counts must be non-negative")
    logp = (
        gammaln(y + a)
        - gammaln(a)
        - gammaln(y + 1)
        + a * np.log(b / (b + d))
        + y * np.log(d / (b + d))
    )
    return -logp


def gamma_prior_from_mean_var(mean: ArrayLike, var: ArrayLike) -> GammaParams:
    """Shape and rate of the Gamma distribution with the given mean and variance.

    Parameters
    ----------
    mean : array_like
        Mean, positive.
    var : array_like
        Variance, positive.

    Returns
    -------
    GammaParams
        ``alpha = mean^2 / var`` and ``beta = mean / var``.

    Examples
    --------
    >>> [float(v) for v in gamma_prior_from_mean_var(2.0, 2.0)]
    [2.0, 1.0]
    """
    m = _positive(mean, "mean")
    v = _positive(var, "var")
    return GammaParams(m * m / v, m / v)


def toy_micrograph(
    size: int, n_particles: int, rng: np.random.Generator, contrast: float = 0.6
) -> Array:
    """A clean, dose-normalised intensity image: background 1 with darker "particles".

    Each particle is an elongated Gaussian dip of depth ``contrast`` at a random position
    and orientation. Real cryo-EM contrast is weak *phase* contrast, a few per cent after
    the CTF; the default 0.6 exaggerates it so that the toy is legible at a glance.

    Parameters
    ----------
    size : int
        Image side in pixels.
    n_particles : int
        Number of particles.
    rng : numpy.random.Generator
        Source of the random draws, seeded by the caller.
    contrast : float, default 0.6
        Depth of each particle's dip, in ``[0, 1]``.

    Returns
    -------
    ndarray, shape (size, size)
        Intensities in ``[1 - contrast, 1]``.

    Examples
    --------
    >>> img = toy_micrograph(64, 5, np.random.default_rng(0), contrast=0.05)
    >>> img.shape, round(float(img.min()), 3), float(img.max()) <= 1.0
    ((64, 64), 0.95, True)
    """
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 8:
        raise ValueError(f"size must be an integer >= 8, got {size!r}")
    n_particles = check_int(n_particles, "n_particles", low=0)
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator")
    if not np.isfinite(contrast) or not 0 <= contrast < 1:
        raise ValueError(f"contrast must be in [0, 1), got {contrast!r}")
    yy, xx = np.mgrid[0:size, 0:size].astype(float)
    dip = np.zeros((size, size))
    for _ in range(n_particles):
        cy, cx = rng.uniform(0.1 * size, 0.9 * size, 2)
        ang = rng.uniform(0, np.pi)
        a, b = size / 18, size / 36
        u = (xx - cx) * np.cos(ang) + (yy - cy) * np.sin(ang)
        v = -(xx - cx) * np.sin(ang) + (yy - cy) * np.cos(ang)
        dip = np.maximum(dip, np.exp(-0.5 * ((u / a) ** 2 + (v / b) ** 2)))
    return 1.0 - contrast * dip


def blind_spot_prior(counts: ArrayLike, exposure: float, strength: float) -> GammaParams:
    """A Gamma prior for every pixel from its 8 neighbours only (a fixed linear "blind-spot network").

    The prior mean is the mean of the 8 neighbours' rate estimates ``counts / exposure``
    (the pixel itself is never used, as in a blind-spot network); ``strength`` ``k``
    sets the prior's weight: ``Gamma(alpha = k mean, beta = k)``, i.e. variance
    ``mean / k``. Edges are handled by reflection. Where all 8 neighbours counted
    nothing, the mean is floored at half a count among them, ``1 / (16 exposure)``: a
    zero-count neighbourhood says the rate is small, not zero, and a prior mean near 0
    would also make a Gaussian stand-in's variance collapse.

    Parameters
    ----------
    counts : array_like, shape (ny, nx)
        Observed counts.
    exposure : float
        Exposure per count, positive.
    strength : float
        Prior weight ``k``: ``Gamma(k mean, k)``, positive.

    Returns
    -------
    GammaParams
        ``alpha`` and ``beta``, each of the image's shape.

    Examples
    --------
    >>> a, b = blind_spot_prior(np.ones((4, 4)), exposure=1.0, strength=2.0)
    >>> float(a[0, 0]), float(b[0, 0])
    (2.0, 2.0)
    """
    from scipy.ndimage import convolve

    y = as_float_array(counts, "counts")
    if y.ndim != 2:
        raise ValueError(f"counts must be a 2-D image, got shape {y.shape}")
    d = _positive_scalar(exposure, "exposure")
    k = _positive_scalar(strength, "strength")
    kernel = np.ones((3, 3)) / 8.0
    kernel[1, 1] = 0.0
    mean = np.maximum(convolve(y / d, kernel, mode="reflect"), 0.5 / (8 * d))
    return GammaParams(k * mean, np.full_like(mean, k))
