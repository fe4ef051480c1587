"""Centred discrete Fourier transforms and their frequency grids.

Every map and image in the book has its origin at the centre pixel ``n // 2`` (see
``book/conventions.md``), and so does every transform: index ``n // 2`` of a transform is
zero frequency and index ``n // 2 + k`` is frequency ``k`` (in Fourier pixels, cycles per
box), i.e. ``k / (n * pixel_size)`` in 1/Å. With that convention the transform carries no
phase ramp from the choice of origin: a real object symmetric about the centre pixel has a
real transform, and a compact object's transform samples its continuous transform (up to
aliasing) at the grid frequencies. This module holds the pieces that convention needs:

- :func:`centered_fft`, :func:`centered_ifft`: the transforms (``ifftshift``, FFT,
  ``fftshift``) over chosen axes, so a stack of images is transformed in one call;
- :func:`centered_indices`, :func:`frequency_components`, :func:`frequency_grid`: the
  frequency of every index, per axis or as the radius ``|k|``, in Fourier pixels or, given
  the pixel (voxel) size, in 1/Å;
- :func:`pad_centered`, :func:`crop_centered`: zero-padding and cropping that keep the
  origin at ``n // 2``;
- :func:`sinc2_apodization`, :func:`padded_transform`: the gridding correction of
  Fourier-space trilinear interpolation and the padded, corrected 3-D transform that
  :func:`helpers.imaging.fourier_slices` and :mod:`helpers.posesearch` slice.

All functions check their input and raise ``ValueError`` naming the bad argument.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array, check_bool, check_int, check_positive

__all__ = [
    "centered_fft",
    "centered_ifft",
    "centered_indices",
    "frequency_components",
    "frequency_grid",
    "pad_centered",
    "crop_centered",
    "sinc2_apodization",
    "PaddedTransform",
    "padded_transform",
]

Array = NDArray[np.float64]
Complex = NDArray[np.complex128]


def _as_array(x: ArrayLike, name: str) -> NDArray:
    """``x`` as a finite float64 or complex128 array (complex input stays complex)."""
    if np.iscomplexobj(x):
        arr = np.asarray(x, dtype=np.complex128)
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be finite (no NaN or inf)")
        return arr
    return as_float_array(x, name)


def _axes(axes: int | tuple[int, ...] | None, ndim: int) -> tuple[int, ...]:
    if ndim == 0:
        raise ValueError("x must have at least one axis, got a scalar")
    if axes is None:
        return tuple(range(ndim))
    raw = (axes,) if isinstance(axes, (int, np.integer)) else axes
    try:
        out = tuple(check_int(a, "axes", low=-ndim, high=ndim - 1) % ndim for a in raw)
    except TypeError as err:
        raise ValueError(f"axes must be an int or a tuple of ints, got {axes!r}") from err
    if not out or len(set(out)) != len(out):
        raise ValueError(f"axes must name distinct axes, got {axes!r}")
    return out


def centered_fft(x: ArrayLike, axes: int | tuple[int, ...] | None = None) -> Complex:
    """Discrete Fourier transform with the origin at index ``n // 2`` in both domains.

    ``fftshift(fftn(ifftshift(x)))`` over ``axes``: sample ``x[n // 2 + j]`` sits at
    position ``j`` and coefficient ``F[n // 2 + k]`` is frequency ``k``,
    ``F[k] = sum_j x[j] exp(-2 pi i k j / n)`` (no normalisation, as numpy).

    Parameters
    ----------
    x : array_like
        Real or complex array.
    axes : int or tuple of int, optional
        Axes to transform; default all (``(-2, -1)`` transforms a stack of images).

    Returns
    -------
    ndarray of complex128, the shape of ``x``
        The centred transform.

    Examples
    --------
    >>> centered_fft([0.0, 0.0, 1.0, 0.0])   # a delta at the origin: a flat transform
    array([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])
    >>> img = np.zeros((2, 5, 5)); img[:, 2, 2] = 1.0
    >>> centered_fft(img, axes=(-2, -1)).shape
    (2, 5, 5)
    """
    a = _as_array(x, "x")
    ax = _axes(axes, a.ndim)
    return np.fft.fftshift(np.fft.fftn(np.fft.ifftshift(a, axes=ax), axes=ax), axes=ax)


def centered_ifft(F: ArrayLike, axes: int | tuple[int, ...] | None = None) -> Complex:
    """Inverse of :func:`centered_fft`: ``fftshift(ifftn(ifftshift(F)))`` over ``axes``.

    The result is complex; take ``.real`` for the transform of a real array.

    Parameters
    ----------
    F : array_like
        Centred transform (complex or real).
    axes : int or tuple of int, optional
        Axes to transform back; default all.

    Returns
    -------
    ndarray of complex128, the shape of ``F``
        The array whose centred transform is ``F``.

    Examples
    --------
    >>> x = np.random.default_rng(0).normal(size=(4, 6))
    >>> bool(np.allclose(centered_ifft(centered_fft(x)).real, x))
    True
    """
    a = _as_array(F, "F")
    ax = _axes(axes, a.ndim)
    return np.fft.fftshift(np.fft.ifftn(np.fft.ifftshift(a, axes=ax), axes=ax), axes=ax)


def centered_indices(n: int) -> Array:
    """Signed offsets ``j - n // 2`` of the indices ``j = 0, ..., n - 1`` from the centre.

    In real space the position of a pixel in pixels; in a centred transform its frequency
    in Fourier pixels (cycles per box). For even ``n`` they run from ``-n / 2`` to
    ``n / 2 - 1``, as ``np.fft.fftshift(np.fft.fftfreq(n, 1 / n))``.

    Parameters
    ----------
    n : int
        Number of samples, at least 1.

    Returns
    -------
    ndarray, shape (n,)
        The offsets, as floats.

    Examples
    --------
    >>> centered_indices(4)
    array([-2., -1.,  0.,  1.])
    """
    n = check_int(n, "n", low=1)
    return np.arange(n) - float(n // 2)


def _check_spacing(pixel_size: float | None) -> float | None:
    return None if pixel_size is None else check_positive(pixel_size, "pixel_size")


def frequency_components(
    n: int, pixel_size: float | None = None, ndim: int = 2
) -> tuple[Array, ...]:
    """Frequency components of every point of a centred ``n^ndim`` grid, one array per axis.

    Parameters
    ----------
    n : int
        Grid size along each axis.
    pixel_size : float, optional
        Pixel (voxel) size in Å: the components are in 1/Å,
        ``k / (n * pixel_size)``. Without it they are in Fourier pixels ``k``.
    ndim : int
        2 (an image) or 3 (a map); 1 is allowed.

    Returns
    -------
    tuple of ndim ndarrays, each of shape (n,) * ndim
        ``(ky, kx)`` or ``(kz, ky, kx)``: the component along each array axis, in the
        order of the axes (``[z, y, x]``).

    Examples
    --------
    >>> ky, kx = frequency_components(4)
    >>> kx[0], ky[:, 0]
    (array([-2., -1.,  0.,  1.]), array([-2., -1.,  0.,  1.]))
    >>> float(frequency_components(4, 2.0)[1][0, -1])   # 1 / (4 * 2 Å)
    0.125
    """
    n = check_int(n, "n", low=1)
    spacing = _check_spacing(pixel_size)
    ndim = check_int(ndim, "ndim", low=1, high=3)
    f = centered_indices(n)
    if spacing is not None:
        f = f / (n * spacing)
    return tuple(np.meshgrid(*([f] * ndim), indexing="ij"))


def frequency_grid(n: int, pixel_size: float | None = None, ndim: int = 2) -> Array:
    """Frequency magnitudes ``|k|`` of a centred ``n^ndim`` grid (1/Å, or Fourier pixels).

    Index ``n // 2`` along every axis is zero frequency, as for :func:`centered_fft`.

    Parameters
    ----------
    n : int
        Grid size along each axis.
    pixel_size : float, optional
        Pixel (voxel) size in Å: ``|k|`` in 1/Å. Without it, in Fourier pixels (so
        ``np.rint(frequency_grid(n))`` is the shell index of each point).
    ndim : int
        2 (an image) or 3 (a map); 1 is allowed.

    Returns
    -------
    ndarray, shape (n,) * ndim
        The radius of every grid point.

    Examples
    --------
    >>> frequency_grid(4, 1.0)[2, 2]
    np.float64(0.0)
    >>> float(frequency_grid(4)[0, 0])   # the corner (-2, -2): 2 sqrt 2
    2.8284271247461903
    """
    comps = frequency_components(n, pixel_size, ndim)
    return np.sqrt(sum(c * c for c in comps))


def _check_size(size: int | tuple[int, ...], ndim: int, name: str) -> tuple[int, ...]:
    if isinstance(size, (int, np.integer, float)) and not isinstance(size, bool):
        size = (size,) * ndim
    try:
        out = tuple(check_int(s, name, low=1) for s in size)
    except TypeError as err:
        raise ValueError(f"{name} must be an int or a tuple of ints, got {size!r}") from err
    if len(out) != ndim:
        raise ValueError(f"{name} must have {ndim} entries (one per axis), got {len(out)}")
    return out


def pad_centered(x: ArrayLike, size: int | tuple[int, ...]) -> Array:
    """Zero-pad ``x`` to ``size`` along every axis, keeping its centre at ``size // 2``.

    The sample at index ``n // 2`` of ``x`` lands at index ``size // 2``, so the padded
    array describes the same object about the same origin.

    Parameters
    ----------
    x : array_like
        The array (an image, a map, or any real array).
    size : int or tuple of int
        New size per axis (one int for all), each ``>=`` the old size.

    Returns
    -------
    ndarray, shape size
        The padded array.

    Examples
    --------
    >>> pad_centered([1.0, 2.0, 3.0], 6)   # the centre 2.0 moves to index 3
    array([0., 0., 1., 2., 3., 0.])
    """
    a = as_float_array(x, "x")
    if a.ndim == 0:
        raise ValueError("x must have at least one axis, got a scalar")
    new = _check_size(size, a.ndim, "size")
    if any(N < n for N, n in zip(new, a.shape)):
        raise ValueError(f"size must be at least the shape {a.shape} of x, got {new}")
    out = np.zeros(new)
    out[tuple(slice(N // 2 - n // 2, N // 2 - n // 2 + n) for N, n in zip(new, a.shape))] = a
    return out


def crop_centered(x: ArrayLike, size: int | tuple[int, ...]) -> NDArray:
    """The centred ``size`` block of ``x``: the inverse of :func:`pad_centered`.

    Index ``size // 2`` of the result is index ``n // 2`` of ``x``. Cropping a centred
    transform is Fourier cropping (a low-pass to the new Nyquist frequency).

    Parameters
    ----------
    x : array_like
        Real or complex array.
    size : int or tuple of int
        New size per axis (one int for all), each ``<=`` the old size.

    Returns
    -------
    ndarray, shape size
        A copy of the block, real or complex as ``x``.

    Examples
    --------
    >>> crop_centered(np.arange(6.0), 3)
    array([2., 3., 4.])
    >>> x = np.random.default_rng(0).normal(size=(5, 7))
    >>> bool(np.array_equal(crop_centered(pad_centered(x, 9), (5, 7)), x))
    True
    """
    a = _as_array(x, "x")
    if a.ndim == 0:
        raise ValueError("x must have at least one axis, got a scalar")
    new = _check_size(size, a.ndim, "size")
    if any(m > n for m, n in zip(new, a.shape)):
        raise ValueError(f"size must be at most the shape {a.shape} of x, got {new}")
    return a[
        tuple(slice(n // 2 - m // 2, n // 2 - m // 2 + m) for m, n in zip(new, a.shape))
    ].copy()


def sinc2_apodization(N: int, interpolated: tuple[bool, bool, bool] = (True, True, True)) -> Array:
    """The real-space weight that trilinear interpolation of a centred 3-D transform applies.

    Interpolating the transform of an ``N^3`` map linearly along an axis multiplies the map
    by ``sinc^2(j / N)`` along that axis (``j`` the offset from the centre voxel, ``sinc``
    normalised as ``np.sinc``): the transform of the triangle kernel. Dividing the map by
    this weight before transforming (the gridding correction) undoes it; along axes where
    the sampled points fall on grid points no interpolation happens and the weight is 1.

    Parameters
    ----------
    N : int
        Box size of the (padded) map.
    interpolated : tuple of 3 bool
        ``(x, y, z)``: along which axes the interpolation happens.

    Returns
    -------
    ndarray, shape (N, N, N)
        The weight, indexed ``[z, y, x]``, 1 at the centre voxel.

    Examples
    --------
    >>> w = sinc2_apodization(4)
    >>> float(w[2, 2, 2]), round(float(w[2, 2, 0]), 6)   # the centre; x = -2 of 4: sinc^2(1/2)
    (1.0, 0.405285)
    >>> float(sinc2_apodization(4, (False, True, True))[2, 2, 0])   # none along x
    1.0
    """
    N = check_int(N, "N", low=1)
    if (
        not isinstance(interpolated, (tuple, list))
        or len(interpolated) != 3
        or not all(isinstance(u, (bool, np.bool_)) for u in interpolated)
    ):
        raise ValueError(f"interpolated must be 3 booleans (x, y, z), got {interpolated!r}")
    a = np.sinc(centered_indices(N) / N) ** 2
    one = np.ones(N)
    ax, ay, az = (a if use else one for use in interpolated)
    return az[:, None, None] * ay[None, :, None] * ax[None, None, :]


class PaddedTransform(NamedTuple):
    """The result of :func:`padded_transform`.

    Attributes
    ----------
    transform : ndarray of complex
        The ``(N, N, N)`` centred transform of the padded, corrected map.
    size : int
        ``N = pad n``.
    offset : int
        Index ``N // 2 - n // 2`` of the map's first voxel in the padded box.
    """

    transform: Complex  # (N, N, N) centred transform of the padded, corrected map
    size: int  # N = pad * n
    offset: int  # index of the map's first voxel in the padded box: N // 2 - n // 2


def padded_transform(
    vol: ArrayLike,
    pad: int = 2,
    interpolated: tuple[bool, bool, bool] = (True, True, True),
    gridding_correction: bool = True,
) -> PaddedTransform:
    """Centred transform of a cubic map zero-padded ``pad`` times, ready to be sliced.

    The map is padded to ``N = pad n`` (:func:`pad_centered`), divided by
    :func:`sinc2_apodization` along the ``interpolated`` axes (unless
    ``gridding_correction=False``) and transformed (:func:`centered_fft`). Padding makes
    trilinear interpolation of the transform accurate; the division undoes the
    apodization that interpolation applies.

    Parameters
    ----------
    vol : array_like, shape (n, n, n)
        The map, indexed ``[z, y, x]``.
    pad : int
        Padding factor, at least 1.
    interpolated : tuple of 3 bool
        ``(x, y, z)``: axes along which the transform will be interpolated.
    gridding_correction : bool
        Divide by the apodization (``False``: to show what the correction does).

    Returns
    -------
    PaddedTransform
        ``(transform, size, offset)``: the ``(N, N, N)`` transform, ``N``, and the index
        ``N // 2 - n // 2`` of the map's first voxel in the padded box.

    Examples
    --------
    >>> vol = np.zeros((8, 8, 8)); vol[4, 4, 4] = 1.0
    >>> F, N, s = padded_transform(vol)
    >>> F.shape, N, s, bool(np.allclose(F, 1.0))   # a centred delta: flat
    ((16, 16, 16), 16, 4, True)
    """
    v = as_float_array(vol, "vol")
    if v.ndim != 3 or len(set(v.shape)) != 1:
        raise ValueError(f"vol must be a cubic 3-D map, got shape {v.shape}")
    pad = check_int(pad, "pad", low=1)
    gridding_correction = check_bool(gridding_correction, "gridding_correction")
    n = v.shape[0]
    N = n * pad
    big = pad_centered(v, N)
    if gridding_correction:
        big = big / sinc2_apodization(N, interpolated)
    else:
        sinc2_apodization(1, interpolated)  # checks interpolated all the same
    return PaddedTransform(centered_fft(big), N, N // 2 - n // 2)
