import numpy as np
import pytest
from scipy import integrate, stats

from helpers import denoising as dn


def test_gaussian_posterior_against_numerical_integration():
    y, m, v, s = 1.3, -0.4, 0.8, 0.5
    x = np.linspace(-10, 10, 200001)
    post = stats.norm.pdf(x, m, np.sqrt(v)) * stats.norm.pdf(y, x, np.sqrt(s))
    Z = integrate.trapezoid(post, x)
    mean = integrate.trapezoid(x * post, x) / Z
    var = integrate.trapezoid((x - mean) ** 2 * post, x) / Z
    pm, pv = dn.gaussian_posterior(y, m, v, s)
    np.testing.assert_allclose([pm, pv], [mean, var], rtol=1e-6)
    np.testing.assert_allclose(np.exp(-dn.gaussian_marginal_nll(y, m, v, s)), Z, rtol=1e-6)


@pytest.mark.parametrize(
    "alpha, beta, y, d", [(2.0, 1.0, 3, 1.0), (0.5, 4.0, 0, 2.5), (20.0, 2.0, 17, 0.3)]
)
def test_poisson_gamma_against_brute_force(alpha, beta, y, d):
    def unnormalised(lam):
        return stats.gamma.pdf(lam, alpha, scale=1 / beta) * stats.poisson.pmf(y, d * lam)

    # adaptive quadrature copes with the integrable singularity at 0 when alpha < 1
    Z = integrate.quad(unnormalised, 0, np.inf, limit=200)[0]
    mean = integrate.quad(lambda lam: lam * unnormalised(lam), 0, np.inf, limit=200)[0] / Z
    a_post, b_post = dn.poisson_gamma_posterior(y, alpha, beta, d)
    lam = np.linspace(0.05, 30, 500)
    np.testing.assert_allclose(
        unnormalised(lam) / Z, stats.gamma.pdf(lam, a_post, scale=1 / b_post), rtol=1e-6, atol=1e-12
    )
    np.testing.assert_allclose(dn.poisson_gamma_posterior_mean(y, alpha, beta, d), mean, rtol=1e-7)
    np.testing.assert_allclose(np.exp(-dn.negative_binomial_nll(y, alpha, beta, d)), Z, rtol=1e-7)
    np.testing.assert_allclose(
        dn.negative_binomial_nll(y, alpha, beta, d),
        -stats.nbinom.logpmf(y, alpha, beta / (beta + d)),
        atol=1e-12,
    )


def test_worked_example_and_shrinkage_form():
    assert dn.poisson_gamma_posterior(3, 2.0, 1.0) == (5.0, 2.0)
    a, b, y, d = 3.0, 2.0, np.arange(10), 4.0
    w = d / (b + d)
    np.testing.assert_allclose(
        dn.poisson_gamma_posterior_mean(y, a, b, d), w * y / d + (1 - w) * a / b
    )


def test_gamma_prior_from_mean_var_round_trip():
    a, b = dn.gamma_prior_from_mean_var(3.0, 0.5)
    np.testing.assert_allclose([a / b, a / b**2], [3.0, 0.5])


def test_broadcasting_over_images():
    counts = np.random.default_rng(0).poisson(2.0, size=(16, 16))
    assert dn.poisson_gamma_posterior_mean(counts, np.ones((16, 16)), 1.0).shape == (16, 16)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: dn.poisson_gamma_posterior(-1, 1.0, 1.0), "non-negative integers"),
        (lambda: dn.poisson_gamma_posterior(1.5, 1.0, 1.0), "non-negative integers"),
        (lambda: dn.poisson_gamma_posterior(1, 0.0, 1.0), "alpha must be positive"),
        (lambda: dn.toy_micrograph(32, 3, None), "rng"),
        (lambda: dn.toy_micrograph(32, 3, np.random.default_rng(0), contrast=1.5), "contrast"),
        (lambda: dn.gaussian_posterior(0.0, 0.0, -1.0, 1.0), "prior_var must be positive"),
        (lambda: dn.negative_binomial_nll(1, 1.0, 1.0, exposure=0.0), "exposure"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_blind_spot_prior_never_sees_the_pixel_itself():
    rng = np.random.default_rng(1)
    counts = rng.poisson(5.0, size=(20, 20)).astype(float)
    a, b = dn.blind_spot_prior(counts, exposure=2.0, strength=3.0)
    bumped = counts.copy()
    bumped[10, 10] += 100
    a2, _ = dn.blind_spot_prior(bumped, exposure=2.0, strength=3.0)
    assert a2[10, 10] == a[10, 10]  # its own count does not enter its prior
    assert a2[9, 10] > a[9, 10]  # but it enters its neighbours'
    np.testing.assert_allclose(
        a[10, 10] / b[10, 10], np.mean(np.delete(counts[9:12, 9:12].ravel(), 4)) / 2.0
    )


def test_toy_micrograph_and_denoising_beats_raw_counts():
    rng = np.random.default_rng(2)
    lam = dn.toy_micrograph(96, 10, rng)
    assert lam.shape == (96, 96) and lam.min() > 0.3 and lam.max() <= 1.0
    d = 3.0
    counts = rng.poisson(d * lam)
    a, b = dn.blind_spot_prior(counts, d, 4.0)
    den = dn.poisson_gamma_posterior_mean(counts, a, b, d)
    assert np.mean((den - lam) ** 2) < 0.5 * np.mean((counts / d - lam) ** 2)


def test_blind_spot_prior_floor_is_half_a_count():
    counts = np.zeros((6, 6))
    counts[0, 0] = 3
    a, b = dn.blind_spot_prior(counts, exposure=0.5, strength=2.0)
    np.testing.assert_allclose((a / b)[4, 4], 0.5 / (8 * 0.5))  # all neighbours zero
    np.testing.assert_allclose((a / b)[1, 1], 3 / 8 / 0.5)  # one neighbour counted 3
