"""helpers.fourier against numpy.fft / scipy.fft and the continuous transform it samples."""

import numpy as np
import pytest
import scipy.fft
from hypothesis import given
from hypothesis import strategies as st

from helpers import fourier, imaging, posesearch

sizes = st.integers(1, 9)


@st.composite
def arrays(draw, max_dims=3):
    shape = tuple(draw(st.lists(sizes, min_size=1, max_size=max_dims)))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    if draw(st.booleans()):
        x = x + 1j * rng.normal(size=shape)
    return x


@given(arrays())
def test_centered_fft_is_the_dft_about_the_centre_index(x):
    # F[n//2 + k] = sum_j x[n//2 + j] exp(-2 pi i k j / n): the scipy transform of the array
    # rolled so that index n // 2 becomes index 0, rolled back
    shifts = [-(n // 2) for n in x.shape]
    ref = np.roll(
        scipy.fft.fftn(np.roll(x, shifts, axis=range(x.ndim))),
        [-s for s in shifts],
        axis=range(x.ndim),
    )
    np.testing.assert_allclose(fourier.centered_fft(x), ref, atol=1e-9 * max(1, x.size))


@given(arrays(), st.data())
def test_centered_ifft_inverts_and_axes_act_alone(x, data):
    np.testing.assert_allclose(fourier.centered_ifft(fourier.centered_fft(x)), x, atol=1e-12)
    ax = data.draw(st.integers(-x.ndim, x.ndim - 1))
    one = fourier.centered_fft(x, axes=ax)
    ref = np.fft.fftshift(np.fft.fft(np.fft.ifftshift(x, axes=ax), axis=ax), axes=ax)
    np.testing.assert_allclose(one, ref, atol=1e-12 * max(1, x.size))
    # the other axes are untouched: transforming them after gives the full transform
    rest = tuple(a for a in range(x.ndim) if a != ax % x.ndim)
    if rest:
        both = fourier.centered_fft(one, axes=rest)
        np.testing.assert_allclose(both, fourier.centered_fft(x), atol=1e-9 * max(1, x.size))


@given(st.integers(1, 40), st.floats(0.1, 10.0))
def test_frequencies_match_numpy_fftfreq(n, px):
    ref = np.fft.fftshift(np.fft.fftfreq(n, px))
    np.testing.assert_allclose(
        fourier.frequency_components(n, px, 1)[0], ref, rtol=1e-12, atol=1e-15
    )
    np.testing.assert_allclose(
        fourier.centered_indices(n), np.fft.fftshift(np.fft.fftfreq(n, 1 / n)), atol=1e-9
    )
    ky, kx = fourier.frequency_components(n, px)
    np.testing.assert_allclose(kx[0], ref, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ky[:, 0], ref, rtol=1e-12, atol=1e-15)
    k3 = fourier.frequency_grid(n, px, 3)
    kz, ky, kx = np.meshgrid(ref, ref, ref, indexing="ij")
    np.testing.assert_allclose(k3, np.sqrt(kx**2 + ky**2 + kz**2), rtol=1e-12, atol=1e-15)
    # without a pixel size: Fourier pixels, i.e. the 1/Å values times n * pixel_size
    np.testing.assert_allclose(
        fourier.frequency_grid(n, ndim=3), k3 * n * px, rtol=1e-9, atol=1e-12
    )


def test_a_shifted_delta_gives_the_phase_ramp_of_its_frequency_grid():
    # the continuous convention: a point at (x, y) = (2, -1) pixels has transform
    # exp(-2 pi i (kx x + ky y)) on the grid of frequency_components
    n, px = 12, 1.5
    img = np.zeros((n, n))
    img[n // 2 - 1, n // 2 + 2] = 1.0
    ky, kx = fourier.frequency_components(n, px)
    ramp = np.exp(-2j * np.pi * (kx * 2 * px + ky * (-1) * px))
    np.testing.assert_allclose(fourier.centered_fft(img), ramp, atol=1e-12)


@given(arrays(), st.data())
def test_pad_then_crop_is_the_identity_and_keeps_the_centre(x, data):
    x = x.real
    extra = data.draw(st.lists(st.integers(0, 5), min_size=x.ndim, max_size=x.ndim))
    big_shape = tuple(n + e for n, e in zip(x.shape, extra))
    big = fourier.pad_centered(x, big_shape)
    assert big.shape == big_shape
    assert big[tuple(N // 2 for N in big_shape)] == x[tuple(n // 2 for n in x.shape)]
    np.testing.assert_array_equal(fourier.crop_centered(big, x.shape), x)
    assert big.sum() == pytest.approx(x.sum())


def test_padding_in_real_space_interpolates_the_transform():
    # a centred zero-pad by 2 samples the same continuous transform twice as finely:
    # every second coefficient of the padded transform is the original one
    x = np.random.default_rng(3).normal(size=(6, 6))
    F = fourier.centered_fft(x)
    F2 = fourier.centered_fft(fourier.pad_centered(x, 12))
    np.testing.assert_allclose(F2[::2, ::2], F, atol=1e-12)


@pytest.mark.parametrize("N", [7, 8])
def test_sinc2_apodization_is_the_transform_of_the_triangle_kernel(N):
    # linear interpolation convolves the transform with the triangle tri(k) = max(0, 1 - |k|)
    # (k in Fourier pixels), which multiplies the object by the kernel's continuous
    # transform: integral tri(k) exp(2 pi i k x / N) dk, computed here by quadrature
    k = np.linspace(-1.0, 1.0, 20001)
    tri = 1.0 - np.abs(k)
    j = fourier.centered_indices(N)
    ref = np.array([np.trapezoid(tri * np.cos(2 * np.pi * k * x / N), k) for x in j])
    w = fourier.sinc2_apodization(N)
    np.testing.assert_allclose(w[:, N // 2, N // 2], ref, atol=1e-8)
    np.testing.assert_allclose(w[N // 2, :, N // 2], ref, atol=1e-8)
    np.testing.assert_allclose(w[N // 2, N // 2, :], ref, atol=1e-8)
    np.testing.assert_allclose(w, ref[:, None, None] * ref[None, :, None] * ref[None, None, :])
    assert np.all(fourier.sinc2_apodization(N, (False, False, False)) == 1.0)
    only_x = fourier.sinc2_apodization(N, (True, False, False))
    np.testing.assert_allclose(only_x, np.broadcast_to(ref, (N, N, N)), atol=1e-8)


def test_the_gridding_correction_brings_interpolated_values_closer_to_the_exact_transform():
    # linear interpolation of the padded transform along x, at 200 off-grid frequencies,
    # against the exact transform sum_j g_j exp(-2 pi i k x_j / n) of a Gaussian blob:
    # dividing by sinc^2 first (the default) halves the error (0.9 % against 2.1 %)
    n, pad = 16, 2
    x = fourier.centered_indices(n)
    g = np.exp(
        -0.5
        * ((x[None, None, :] - 1.3) ** 2 + x[None, :, None] ** 2 + (x[:, None, None] + 0.7) ** 2)
        / 2.0**2
    )
    kx = np.random.default_rng(0).uniform(-n / 2 + 1, n / 2 - 1, 200)
    exact = np.einsum("zyx,kx->k", g + 0j, np.exp(-2j * np.pi * kx[:, None] * x[None, :] / n))
    errors = {}
    for corrected in (True, False):
        F, N, s = fourier.padded_transform(g, pad, (True, False, False), corrected)
        assert (N, s) == (n * pad, N // 2 - n // 2)
        pos = kx * pad + N // 2
        i0 = np.floor(pos).astype(int)
        t = pos - i0
        line = F[N // 2, N // 2, :]  # ky = kz = 0: on grid, no interpolation there
        values = (1 - t) * line[i0] + t * line[i0 + 1]
        errors[corrected] = np.linalg.norm(values - exact) / np.linalg.norm(exact)
    assert errors[True] < 0.012 and errors[True] < 0.6 * errors[False]


def test_the_helpers_that_use_the_module_agree_with_plain_numpy():
    rng = np.random.default_rng(5)
    imgs = rng.normal(size=(3, 10, 10))
    w = rng.random((10, 10))
    ref = np.fft.fftshift(
        np.fft.ifft2(
            np.fft.ifftshift(
                np.fft.fftshift(np.fft.fft2(np.fft.ifftshift(imgs, axes=(1, 2))), axes=(1, 2)) * w,
                axes=(1, 2),
            )
        ),
        axes=(1, 2),
    ).real
    np.testing.assert_allclose(imaging.fourier_filter(imgs, w), ref, atol=1e-12)
    mask = posesearch.band_limit_mask(10, 3.0)
    k = np.arange(10) - 5
    np.testing.assert_array_equal(mask, k[:, None] ** 2 + k[None, :] ** 2 <= 9.0)
    assert imaging.frequency_grid is fourier.frequency_grid


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: fourier.centered_fft([np.nan, 1.0]), "x"),
        (lambda: fourier.centered_fft("abc"), "x"),
        (lambda: fourier.centered_fft(3.0), "x"),
        (lambda: fourier.centered_fft(np.ones((2, 2)), axes=2), "axes"),
        (lambda: fourier.centered_fft(np.ones((2, 2)), axes=(0, 0)), "axes"),
        (lambda: fourier.centered_fft(np.ones((2, 2)), axes=1.5), "axes"),
        (lambda: fourier.centered_ifft([1.0, np.inf * 1j]), "F"),
        (lambda: fourier.centered_indices(0), "n"),
        (lambda: fourier.centered_indices(2.5), "n"),
        (lambda: fourier.frequency_grid(4, -1.0), "pixel_size"),
        (lambda: fourier.frequency_grid(4, np.nan), "pixel_size"),
        (lambda: fourier.frequency_grid(4, 1.0, 4), "ndim"),
        (lambda: fourier.frequency_components("4"), "n"),
        (lambda: fourier.pad_centered(np.ones(4), 3), "size"),
        (lambda: fourier.pad_centered(np.ones((2, 2)), (4,)), "size"),
        (lambda: fourier.pad_centered([np.nan], 3), "x"),
        (lambda: fourier.crop_centered(np.ones(4), 5), "size"),
        (lambda: fourier.crop_centered(np.ones(4), 0), "size"),
        (lambda: fourier.sinc2_apodization(0), "N"),
        (lambda: fourier.sinc2_apodization(4, (True, 1, True)), "interpolated"),
        (lambda: fourier.padded_transform(np.ones((4, 4, 5))), "vol"),
        (lambda: fourier.padded_transform(np.ones((4, 4, 4)), 0), "pad"),
        (
            lambda: fourier.padded_transform(np.ones((4, 4, 4)), gridding_correction=None),
            "gridding_correction",
        ),
    ],
)
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call()
