"""Linear latent-variable models of particle images: probabilistic PCA as a linear VAE.

Probabilistic PCA (Tipping and Bishop) is the generative model

    z ~ N(0, I_k),   y | z ~ N(W z + mu, sigma^2 I_D),

so ``y ~ N(mu, W W^T + sigma^2 I)``. Its maximum-likelihood parameters are closed-form
(an eigendecomposition of the sample covariance), and its exact posterior
``z | y ~ N(M^{-1} W^T (y - mu), sigma^2 M^{-1})`` with ``M = W^T W + sigma^2 I`` is a
*linear amortised encoder*: one matrix maps any image to its latent. A linear VAE with a
Gaussian encoder reaches the same optimum, with the ELBO equal to the log-likelihood.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import atomic
from ._checks import as_float_array, check_int, check_positive
from .rotations import axis_angle_to_matrix

Array = NDArray[np.float64]

__all__ = ["PPCA", "fit_ppca", "hinge_images", "rotate_in_plane", "HINGE_DEG"]

HINGE_DEG = 40.0  # conformation z in [-1, 1] turns the second helix by z * 40 degrees


@dataclass(frozen=True)
class PPCA:
    """Fitted probabilistic PCA: mean ``mu`` (D,), loadings ``W`` (D, k), noise ``sigma2``."""

    mu: Array
    W: Array
    sigma2: float

    @property
    def k(self) -> int:
        return self.W.shape[1]

    def _M(self) -> Array:
        return self.W.T @ self.W + self.sigma2 * np.eye(self.k)

    def _rows(self, Y: ArrayLike) -> Array:
        Yf = as_float_array(Y, "Y")
        Yf = Yf.reshape(len(Yf), -1) if Yf.ndim > 2 else Yf
        if Yf.ndim != 2 or Yf.shape[1] != len(self.mu):
            raise ValueError(f"Y must have {len(self.mu)} values per row, got shape {Yf.shape}")
        return Yf

    def encode(self, Y: ArrayLike) -> tuple[Array, Array]:
        """Posterior mean (n, k) and covariance (k, k) of the latent for each row of ``Y``."""
        Yf = self._rows(Y)
        Minv = np.linalg.inv(self._M())
        return (Yf - self.mu) @ self.W @ Minv.T, self.sigma2 * Minv

    def decode(self, Z: ArrayLike) -> Array:
        """Mean image ``W z + mu`` for each row of ``Z`` (n, k) -> (n, D)."""
        Zf = as_float_array(Z, "Z").reshape(-1, self.k)
        return Zf @ self.W.T + self.mu

    def loglik(self, Y: ArrayLike) -> Array:
        """Exact log-likelihood of each row under ``N(mu, W W^T + sigma2 I)``, shape (n,).

        Uses the matrix determinant lemma and Woodbury identity, so the cost is
        ``O(n D k)`` rather than ``O(D^3)``.
        """
        Yf = self._rows(Y)
        D = Yf.shape[1]
        M = self._M()
        r = Yf - self.mu
        proj = r @ self.W
        quad = (
            np.sum(r * r, axis=1) - np.einsum("ni,ij,nj->n", proj, np.linalg.inv(M), proj)
        ) / self.sigma2
        logdet = (D - self.k) * np.log(self.sigma2) + np.linalg.slogdet(M)[1]
        return -0.5 * (D * np.log(2 * np.pi) + logdet + quad)

    def elbo(self, Y: ArrayLike, means: ArrayLike, cov: ArrayLike) -> Array:
        """ELBO of each row for a Gaussian encoder ``q(z | y) = N(means[i], cov)``.

        ``E_q[log p(y | z)] - KL(q || N(0, I))``, in closed form. Equals :meth:`loglik`
        when ``(means, cov)`` is the exact posterior from :meth:`encode`.
        """
        Yf = self._rows(Y)
        m = as_float_array(means, "means").reshape(len(Yf), self.k)
        S = as_float_array(cov, "cov")
        if S.shape != (self.k, self.k):
            raise ValueError(f"cov must have shape ({self.k}, {self.k}), got {S.shape}")
        D = Yf.shape[1]
        r = Yf - self.mu - m @ self.W.T
        expected = -0.5 * (
            D * np.log(2 * np.pi * self.sigma2)
            + (np.sum(r * r, axis=1) + np.trace(self.W.T @ self.W @ S)) / self.sigma2
        )
        kl = 0.5 * (np.trace(S) + np.sum(m * m, axis=1) - self.k - np.linalg.slogdet(S)[1])
        return expected - kl


def fit_ppca(Y: ArrayLike, k: int) -> PPCA:
    """Maximum-likelihood probabilistic PCA with ``k`` latent dimensions (closed form).

    ``sigma2`` is the mean of the discarded covariance eigenvalues and
    ``W = U_k (Lambda_k - sigma2 I)^{1/2}`` (choosing the rotation ``R = I``).

    Parameters
    ----------
    Y : array_like, shape (n, D) or (n, ny, nx)
        Data, one row (or image) per sample; needs ``n > k`` and ``D > k``.
    k : int
        Latent dimension.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> W = rng.normal(size=(20, 2)); Z = rng.normal(size=(5000, 2))
    >>> Y = Z @ W.T + 0.1 * rng.normal(size=(5000, 20))
    >>> model = fit_ppca(Y, 2)
    >>> round(model.sigma2, 3)
    0.01
    """
    Yf = as_float_array(Y, "Y")
    Yf = Yf.reshape(len(Yf), -1) if Yf.ndim > 2 else Yf
    if Yf.ndim != 2:
        raise ValueError(f"Y must have shape (n, D) or (n, ny, nx), got {Yf.shape}")
    n, D = Yf.shape
    k = check_int(k, "k", low=1)
    if int(k) != k or not 1 <= k < min(n, D):
        raise ValueError(f"k must be an integer with 1 <= k < min(n, D) = {min(n, D)}, got {k}")
    mu = Yf.mean(axis=0)
    # eigenvalues of the sample covariance from the SVD of the centred data
    _, s, Vt = np.linalg.svd(Yf - mu, full_matrices=False)
    lam = s**2 / n
    total = np.sum((Yf - mu) ** 2) / n  # trace of the covariance, including zero eigenvalues
    sigma2 = float((total - lam[:k].sum()) / (D - k))
    if sigma2 <= 0:
        raise ValueError("the data have no variance outside the first k components; reduce k")
    W = Vt[:k].T * np.sqrt(np.maximum(lam[:k] - sigma2, 0.0))
    return PPCA(mu, W, sigma2)


def hinge_images(
    z: ArrayLike,
    in_plane_deg: ArrayLike = 0.0,
    n: int = 32,
    pixel_size: float = 1.5,
    sigma: float = 2.0,
) -> Array:
    """Clean projections of :func:`helpers.atomic.toy_chain` at conformations ``z`` in [-1, 1].

    Conformation ``z`` turns the second helix by ``z * 40`` degrees about the beam axis
    through the loop; ``in_plane_deg`` then turns the whole particle in the image plane.
    Returns images of shape (m, n, n).

    Examples
    --------
    >>> hinge_images([-1.0, 0.0, 1.0]).shape
    (3, 32, 32)
    """
    zz = as_float_array(z, "z").reshape(-1)
    n = check_int(n, "n", low=1)
    pixel_size = check_positive(pixel_size, "pixel_size")
    sigma = check_positive(sigma, "sigma")
    if np.any(np.abs(zz) > 1):
        raise ValueError("z must lie in [-1, 1]")
    psi = np.deg2rad(np.broadcast_to(as_float_array(in_plane_deg, "in_plane_deg"), zz.shape))
    X = atomic.toy_chain()
    pivot = X[13]
    beam = np.array([0.0, 0.0, 1.0])
    Rz = axis_angle_to_matrix(beam, np.deg2rad(HINGE_DEG) * zz)  # (m, 3, 3)
    coords = np.broadcast_to(X, (len(zz),) + X.shape).copy()
    coords[:, 14:] = np.einsum("mij,aj->mai", Rz, X[14:] - pivot) + pivot
    views = axis_angle_to_matrix(beam, psi)
    return atomic.project_atoms(coords, views, n, pixel_size, sigma)


def rotate_in_plane(images: ArrayLike, angles_deg: ArrayLike) -> Array:
    """Turn each image about its centre pixel ``n // 2`` by ``angles_deg`` (linear interpolation).

    The sense matches :func:`hinge_images`: ``rotate_in_plane(hinge_images(z, 0), a)`` is
    close to ``hinge_images(z, a)``, so turning by ``-a`` undoes an in-plane turn ``a``.

    Examples
    --------
    >>> imgs = hinge_images([0.3, -0.5], [40.0, -75.0])
    >>> back = rotate_in_plane(imgs, [-40.0, 75.0])
    >>> bool(np.abs(back - hinge_images([0.3, -0.5])).max() < 0.05 * imgs.max())
    True
    """
    from scipy import ndimage

    imgs = as_float_array(images, "images")
    a = np.deg2rad(as_float_array(angles_deg, "angles_deg")).reshape(-1)
    if imgs.ndim != 3 or len(a) != len(imgs):
        raise ValueError(f"images must be (m, n, n) with m angles; got {imgs.shape}, {a.shape}")
    centre = np.array(imgs.shape[1:]) // 2
    out = np.empty_like(imgs)
    for i, th in enumerate(a):  # one affine resampling per image (not per pixel)
        c, s = np.cos(th), np.sin(th)
        M = np.array([[c, -s], [s, c]])  # [y, x] index map out(p) = in(M p)
        out[i] = ndimage.affine_transform(imgs[i], M, offset=centre - M @ centre, order=1)
    return out
