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
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import atomic
from ._checks import as_float_array, check_bool, check_int, check_nonnegative, check_positive
from .rotations import axis_angle_to_matrix

Array = NDArray[np.float64]

__all__ = [
    "LatentPosterior",
    "PPCA",
    "fit_ppca",
    "ProjectedPPCA",
    "fit_projected_ppca",
    "MLP",
    "fit_mlp",
    "Autoencoder",
    "fit_autoencoder",
    "hinge_images",
    "rotate_in_plane",
    "HINGE_ANGLE",
]

HINGE_ANGLE = float(np.deg2rad(40.0))  # conformation z in [-1, 1] turns the second helix by z * 40°


class LatentPosterior(NamedTuple):
    """Gaussian posterior of the latent, from :meth:`PPCA.encode`.

    Attributes
    ----------
    means : ndarray, shape (n, k)
        Posterior mean of each row.
    cov : ndarray, shape (k, k)
        Posterior covariance (the same for every row).
    """

    means: Array
    cov: Array


@dataclass(frozen=True)
class PPCA:
    """Fitted probabilistic PCA: mean ``mu`` (D,), loadings ``W`` (D, k), noise ``sigma2``.

    Attributes
    ----------
    mu : ndarray
        Mean, shape (D,).
    W : ndarray
        Loadings, shape (D, k).
    sigma2 : float
        Noise variance.
    """

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

    def encode(self, Y: ArrayLike) -> LatentPosterior:
        """Posterior mean (n, k) and covariance (k, k) of the latent for each row of ``Y``.

        Parameters
        ----------
        Y : array_like, shape (n, D)
            Data rows.

        Returns
        -------
        LatentPosterior
            ``means`` (n, k) and ``cov`` (k, k), the same for every row.

        Examples
        --------
        >>> m = fit_ppca(np.random.default_rng(0).normal(size=(50, 4)), 2)
        >>> [a.shape for a in m.encode(np.zeros((3, 4)))]
        [(3, 2), (2, 2)]
        """
        Yf = self._rows(Y)
        Minv = np.linalg.inv(self._M())
        return LatentPosterior((Yf - self.mu) @ self.W @ Minv.T, self.sigma2 * Minv)

    def decode(self, Z: ArrayLike) -> Array:
        """Mean image ``W z + mu`` for each row of ``Z`` (n, k) -> (n, D).

        Parameters
        ----------
        Z : array_like, shape (n, k)
            Latents.

        Returns
        -------
        ndarray, shape (n, D)
            The mean images ``W z + mu``.

        Examples
        --------
        >>> m = fit_ppca(np.random.default_rng(0).normal(size=(50, 4)), 2)
        >>> bool(np.allclose(m.decode(np.zeros((1, 2)))[0], m.mu))
        True
        """
        Zf = as_float_array(Z, "Z").reshape(-1, self.k)
        return Zf @ self.W.T + self.mu

    def loglik(self, Y: ArrayLike) -> Array:
        """Exact log-likelihood of each row under ``N(mu, W W^T + sigma2 I)``, shape (n,).

        Uses the matrix determinant lemma and Woodbury identity, so the cost is
        ``O(n D k)`` rather than ``O(D^3)``.

        Parameters
        ----------
        Y : array_like, shape (n, D)
            Data rows.

        Returns
        -------
        ndarray, shape (n,)
            Log-likelihood of each row.

        Examples
        --------
        >>> Y = np.random.default_rng(0).normal(size=(50, 4))
        >>> fit_ppca(Y, 2).loglik(Y).shape
        (50,)
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

        Parameters
        ----------
        Y : array_like, shape (n, D)
            Data rows.
        means : array_like, shape (n, k)
            Encoder means.
        cov : array_like, shape (k, k)
            Encoder covariance (shared).

        Returns
        -------
        ndarray, shape (n,)
            The ELBO of each row; equal to :meth:`loglik` at the exact posterior.

        Examples
        --------
        >>> Y = np.random.default_rng(0).normal(size=(50, 4))
        >>> m = fit_ppca(Y, 2); mean, cov = m.encode(Y)
        >>> bool(np.allclose(m.elbo(Y, mean, cov), m.loglik(Y)))
        True
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


def fit_ppca(Y: ArrayLike, k: int, method: str = "svd") -> PPCA:
    """Maximum-likelihood probabilistic PCA with ``k`` latent dimensions (closed form).

    ``sigma2`` is the mean of the discarded covariance eigenvalues and
    ``W = U_k (Lambda_k - sigma2 I)^{1/2}`` (choosing the rotation ``R = I``).

    Parameters
    ----------
    Y : array_like, shape (n, D) or (n, ny, nx)
        Data, one row (or image) per sample; needs ``n > k`` and ``D > k``.
    k : int
        Latent dimension.
    method : {"svd", "gram"}
        How the leading eigenvectors of the covariance are found: the SVD of the centred
        data, or the eigenvectors of the ``n x n`` Gram matrix (several times faster when
        ``n`` is well below ``D``, e.g. 300 images of 32 x 32 pixels). The fitted model is
        the same up to the sign of each column of ``W`` (a PPCA latent's sign is
        arbitrary) and rounding.

    Returns
    -------
    PPCA
        The fitted model.

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
    if method not in ("svd", "gram"):
        raise ValueError(f"method must be 'svd' or 'gram', got {method!r}")
    mu = Yf.mean(axis=0)
    Yc = Yf - mu
    if method == "svd":
        # eigenvalues of the sample covariance from the SVD of the centred data
        _, s, Vt = np.linalg.svd(Yc, full_matrices=False)
        lam = s**2 / n
    else:
        # the covariance's leading eigenvectors from those of the Gram matrix Yc Yc^T
        g, U = np.linalg.eigh(Yc @ Yc.T)
        top = np.argsort(g)[::-1][:k]
        lam = np.maximum(g[top], 0.0) / n
        Vt = (Yc.T @ U[:, top] / np.sqrt(np.maximum(g[top], 1e-300))).T
    total = np.sum(Yc**2) / n  # trace of the covariance, including zero eigenvalues
    sigma2 = float((total - lam[:k].sum()) / (D - k))
    if sigma2 <= 0:
        raise ValueError("the data have no variance outside the first k components; reduce k")
    W = Vt[:k].T * np.sqrt(np.maximum(lam[:k] - sigma2, 0.0))
    return PPCA(mu, W, sigma2)


@dataclass
class ProjectedPPCA:
    """Probabilistic PCA of *maps* fitted from *projections* by :func:`fit_projected_ppca`.

    ``mu`` (K,) and ``W`` (K, k) are map coefficients in the caller's basis; ``sigma2``
    the image noise variance; ``means`` (n, k) the posterior means of the latents;
    ``loglik`` the marginal log-likelihood of the data after each EM iteration.

    Attributes
    ----------
    mu : ndarray
        Mean map coefficients, shape (K,).
    W : ndarray
        Loadings, shape (K, k).
    sigma2 : float
        Noise variance.
    means : ndarray
        Posterior mean latent of each image, shape (n, k).
    loglik : ndarray
        Log-likelihood after each EM iteration.
    """

    mu: Array
    W: Array
    sigma2: float
    means: Array
    loglik: Array


def _projected_estep(Y, B, mu, W, sigma2):
    R = Y - np.einsum("nbk,k->nb", B, mu)
    C = B @ W  # (n, bins, k)
    k = W.shape[1]
    M = np.matmul(C.transpose(0, 2, 1), C) + sigma2 * np.eye(k)
    Minv = np.linalg.inv(M)
    CtR = np.einsum("nbk,nb->nk", C, R)
    means = np.einsum("nkl,nl->nk", Minv, CtR)
    bins = Y.shape[1]
    _, logdet = np.linalg.slogdet(M)
    quad = (np.sum(R * R, axis=1) - np.einsum("nk,nk->n", CtR, means)) / sigma2
    ll = -0.5 * (bins * np.log(2 * np.pi) + logdet + (bins - k) * np.log(sigma2) + quad)
    return R, C, Minv, means, float(ll.sum())


def fit_projected_ppca(
    Y: ArrayLike,
    B: ArrayLike,
    k: int,
    rng: np.random.Generator,
    n_iter: int = 40,
    ridge: float = 1e-3,
) -> ProjectedPPCA:
    """Linear subspace model of maps fitted from images through known projection operators.

    Model: ``x_i = mu + W z_i`` (a map in some basis), ``z_i ~ N(0, I_k)``, and image
    ``y_i = B_i x_i + N(0, sigma2 I)`` with a known operator ``B_i`` (projection at the
    image's known pose, times CTF if any). This is probabilistic PCA with a different
    observation operator per image; it is the model of cryoSPARC's 3D variability
    analysis (Punjani and Fleet 2021) and of the EM of Tagare et al. (2015). ``mu`` is
    the ridge least-squares reconstruction; ``W`` and ``sigma2`` are then fitted by EM:
    the E-step is the exact Gaussian posterior of each ``z_i``, the M-step solves the
    linear system ``sum_i B_i^T B_i W E[z_i z_i^T] = sum_i B_i^T (y_i - B_i mu) E[z_i]^T``.

    Parameters
    ----------
    Y : array_like, shape (n, bins)
        Images (flattened).
    B : array_like, shape (n, bins, K)
        Projection operator of each image applied to the K map-basis functions.
    k : int
        Latent dimension.
    rng : numpy.random.Generator
        Draws the random initial ``W``.
    n_iter : int
        EM iterations.
    ridge : float
        Tikhonov weight relative to the mean diagonal of ``sum_i B_i^T B_i``.

    Returns
    -------
    ProjectedPPCA
        The fitted subspace, the posterior latents and the log-likelihood history.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> B = rng.normal(size=(400, 6, 5))
    >>> W0 = rng.normal(size=(5, 1)); z = rng.normal(size=(400, 1))
    >>> Y = np.einsum("nbk,nk->nb", B, 1.0 + z @ W0.T) + 0.1 * rng.normal(size=(400, 6))
    >>> fit = fit_projected_ppca(Y, B, 1, rng)
    >>> bool(abs(np.corrcoef(fit.means[:, 0], z[:, 0])[0, 1]) > 0.99)
    True
    """
    Yf = as_float_array(Y, "Y")
    Bf = as_float_array(B, "B")
    if Yf.ndim != 2 or Bf.ndim != 3 or Bf.shape[:2] != Yf.shape:
        raise ValueError(f"Y must be (n, bins) and B (n, bins, K); got {Yf.shape}, {Bf.shape}")
    n, bins = Yf.shape
    K = Bf.shape[2]
    k = check_int(k, "k", low=1, high=min(K, bins) - 1)
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator")
    n_iter = check_int(n_iter, "n_iter", low=1)
    ridge = check_nonnegative(ridge, "ridge")
    G = np.matmul(Bf.transpose(0, 2, 1), Bf)  # (n, K, K)
    Gsum = G.sum(axis=0)
    lam = ridge * np.mean(np.diag(Gsum))
    mu = np.linalg.solve(Gsum + lam * np.eye(K), np.einsum("nbk,nb->k", Bf, Yf))
    resid = Yf - np.einsum("nbk,k->nb", Bf, mu)
    sigma2 = float(np.mean(resid**2))
    W = rng.normal(size=(K, k)) * np.sqrt(sigma2 / K)
    trace = []
    for _ in range(int(n_iter)):
        R, C, Minv, means, ll = _projected_estep(Yf, Bf, mu, W, sigma2)
        trace.append(ll)
        Ezz = sigma2 * Minv + means[:, :, None] * means[:, None, :]  # (n, k, k)
        # vec(G W E) = (E kron G) vec(W) with column-major vec
        A = np.einsum("nab,nij->aibj", Ezz, G).reshape(k * K, k * K)
        rhs = np.einsum("nbK,nb,na->aK", Bf, R, means).reshape(-1)
        W = np.linalg.solve(A + lam * np.eye(k * K), rhs).reshape(k, K).T
        C = Bf @ W
        fit_term = np.sum(R * R) - 2 * np.einsum("nb,nbk,nk->", R, C, means)
        fit_term += np.einsum("nkl,nlk->", np.matmul(C.transpose(0, 2, 1), C), Ezz)
        sigma2 = float(fit_term / (n * bins))
    _, _, _, means, ll = _projected_estep(Yf, Bf, mu, W, sigma2)
    trace.append(ll)
    return ProjectedPPCA(mu, W, sigma2, means, np.array(trace))


@dataclass
class MLP:
    """One-hidden-layer network ``f(x) = tanh(x W1 + b1) W2 + b2``.

    Attributes
    ----------
    W1 : ndarray
        Input weights, shape (n_in, hidden).
    b1 : ndarray
        Hidden biases, shape (hidden,).
    W2 : ndarray
        Output weights, shape (hidden, n_out).
    b2 : ndarray
        Output biases, shape (n_out,).
    """

    W1: Array
    b1: Array
    W2: Array
    b2: Array

    def __call__(self, X: ArrayLike) -> Array:
        return np.tanh(np.asarray(X, float) @ self.W1 + self.b1) @ self.W2 + self.b2

    @staticmethod
    def init(n_in: int, hidden: int, n_out: int, rng: np.random.Generator) -> MLP:
        """A network with Gaussian weights of variance ``1 / fan_in`` and zero biases.

        Parameters
        ----------
        n_in : int
            Input dimension.
        hidden : int
            Hidden units.
        n_out : int
            Output dimension.
        rng : numpy.random.Generator
            Draws the initial weights.

        Returns
        -------
        MLP
            The initialised network.

        Examples
        --------
        >>> MLP.init(2, 3, 1, np.random.default_rng(0)).W1.shape
        (2, 3)
        """
        return MLP(
            rng.normal(size=(n_in, hidden)) / np.sqrt(n_in),
            np.zeros(hidden),
            rng.normal(size=(hidden, n_out)) / np.sqrt(hidden),
            np.zeros(n_out),
        )

    def params(self) -> list[Array]:
        """The parameter arrays, in the order of :meth:`backward`'s gradients.

        Returns
        -------
        list of ndarray
            ``[W1, b1, W2, b2]`` (the arrays themselves, not copies).

        Examples
        --------
        >>> len(MLP.init(2, 3, 1, np.random.default_rng(0)).params())
        4
        """
        return [self.W1, self.b1, self.W2, self.b2]

    def backward(self, X: Array, dOut: Array) -> tuple[list[Array], Array]:
        """Gradients of ``sum(dOut * f(X))`` w.r.t. the parameters and w.r.t. ``X``.

        Parameters
        ----------
        X : ndarray, shape (n, n_in)
            Inputs.
        dOut : ndarray, shape (n, n_out)
            Weights of the outputs (the gradient of a loss with respect to them).

        Returns
        -------
        grads : list of ndarray
            Gradients for ``W1, b1, W2, b2``.
        dX : ndarray, shape (n, n_in)
            Gradient with respect to ``X``.

        Examples
        --------
        >>> net = MLP.init(2, 3, 1, np.random.default_rng(0))
        >>> grads, dX = net.backward(np.ones((4, 2)), np.ones((4, 1)))
        >>> [g.shape for g in grads], dX.shape
        ([(2, 3), (3,), (3, 1), (1,)], (4, 2))
        """
        H = np.tanh(X @ self.W1 + self.b1)
        dH = (dOut @ self.W2.T) * (1 - H * H)
        grads = [X.T @ dH, dH.sum(0), H.T @ dOut, dOut.sum(0)]
        return grads, dH @ self.W1.T


def _adam(params, grads, state, lr, t, b1=0.9, b2=0.999, eps=1e-8):
    for i, (p, g) in enumerate(zip(params, grads)):
        m, v = state.setdefault(i, (np.zeros_like(p), np.zeros_like(p)))
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        state[i] = (m, v)
        p -= lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)


def _check_fit_args(X, hidden, steps, lr, rng):
    if X.ndim != 2:
        raise ValueError(f"X must be (n, d), got {X.shape}")
    check_int(hidden, "hidden", low=1)
    check_int(steps, "steps", low=1)
    check_positive(lr, "lr")
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator")


def fit_mlp(
    X: ArrayLike,
    y: ArrayLike,
    hidden: int,
    rng: np.random.Generator,
    steps: int = 2000,
    lr: float = 1e-2,
    weight_decay: float = 0.0,
) -> MLP:
    """Least-squares regression ``X -> y`` with a one-hidden-layer tanh network (full-batch Adam).

    A non-linear *amortised encoder* when ``X`` are images (or their PCA coordinates)
    and ``y`` the latent; numpy only, gradients by hand (tested against finite
    differences).

    Parameters
    ----------
    X : array_like, shape (n, n_in)
        Inputs.
    y : array_like, shape (n, n_out) or (n,)
        Targets.
    hidden : int
        Hidden units.
    rng : numpy.random.Generator
        Source of the random draws, seeded by the caller.
    steps : int, default 2000
        Adam steps.
    lr : float, default 0.01
        Adam's step size.
    weight_decay : float, default 0.0
        L2 penalty on the weights.

    Returns
    -------
    MLP
        The trained network.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-2, 2, size=(400, 1))
    >>> net = fit_mlp(X, np.sin(2 * X), 16, rng, steps=1500)
    >>> bool(np.sqrt(np.mean((net(X) - np.sin(2 * X)) ** 2)) < 0.05)
    True
    """
    Xf = as_float_array(X, "X")
    yf = as_float_array(y, "y")
    yf = yf[:, None] if yf.ndim == 1 else yf
    _check_fit_args(Xf, hidden, steps, lr, rng)
    weight_decay = check_nonnegative(weight_decay, "weight_decay")
    if len(yf) != len(Xf):
        raise ValueError(f"y must have {len(Xf)} rows, got {len(yf)}")
    net = MLP.init(Xf.shape[1], int(hidden), yf.shape[1], rng)
    state: dict = {}
    n = len(Xf)
    for t in range(1, int(steps) + 1):
        d = 2 * (net(Xf) - yf) / n
        grads, _ = net.backward(Xf, d)
        grads[0] = grads[0] + 2 * weight_decay * net.W1
        grads[2] = grads[2] + 2 * weight_decay * net.W2
        _adam(net.params(), grads, state, lr, t)
    return net


@dataclass
class Autoencoder:
    """Encoder and decoder networks; ``loss`` is the mean squared error per step.

    Attributes
    ----------
    encoder : MLP
        Network from data to the ``k`` latents.
    decoder : MLP
        Network from latents back to data.
    loss : ndarray
        Mean squared reconstruction error per step.
    """

    encoder: MLP
    decoder: MLP
    loss: Array


def fit_autoencoder(
    X: ArrayLike,
    k: int,
    hidden: int,
    rng: np.random.Generator,
    steps: int = 3000,
    lr: float = 5e-3,
) -> Autoencoder:
    """Non-linear autoencoder ``X -> z (k dims) -> X`` with tanh hidden layers (full-batch Adam).

    Parameters
    ----------
    X : array_like, shape (n, D)
        Data rows.
    k : int
        Latent dimension.
    hidden : int
        Hidden units of each network.
    rng : numpy.random.Generator
        Source of the random draws, seeded by the caller.
    steps : int, default 3000
        Adam steps.
    lr : float, default 0.005
        Adam's step size.

    Returns
    -------
    Autoencoder
        The trained encoder and decoder and the loss history.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> s = rng.uniform(-1.2, 1.2, 300)
    >>> X = np.c_[np.cos(s), np.sin(s)]  # points on an arc: a 1-D manifold in 2-D
    >>> ae = fit_autoencoder(X, 1, 16, rng, steps=2000)
    >>> bool(ae.loss[-1] < 1e-3)
    True
    """
    Xf = as_float_array(X, "X")
    _check_fit_args(Xf, hidden, steps, lr, rng)
    k = check_int(k, "k", low=1, high=Xf.shape[1] - 1)
    enc = MLP.init(Xf.shape[1], int(hidden), int(k), rng)
    dec = MLP.init(int(k), int(hidden), Xf.shape[1], rng)
    state: dict = {}
    n, D = Xf.shape
    losses = np.empty(int(steps))
    for t in range(1, int(steps) + 1):
        Z = enc(Xf)
        R = dec(Z) - Xf
        losses[t - 1] = np.mean(R * R)
        gd, dZ = dec.backward(Z, 2 * R / (n * D))
        ge, _ = enc.backward(Xf, dZ)
        _adam(enc.params() + dec.params(), ge + gd, state, lr, t)
    return Autoencoder(enc, dec, losses)


def hinge_images(
    z: ArrayLike,
    in_plane: ArrayLike = 0.0,
    n: int = 32,
    pixel_size: float = 1.5,
    sigma: float = 2.0,
    degrees: bool = False,
) -> Array:
    """Clean projections of :func:`helpers.atomic.toy_chain` at conformations ``z`` in [-1, 1].

    Conformation ``z`` turns the second helix by ``z`` times :data:`HINGE_ANGLE` (40°)
    about the beam axis through the loop; ``in_plane`` then turns the whole particle in
    the image plane, counter-clockwise as seen from the detector.

    Parameters
    ----------
    z : array_like, shape (m,)
        Conformations in ``[-1, 1]``.
    in_plane : array_like, shape (m,) or scalar
        In-plane turns, radians (degrees with ``degrees=True``).
    n : int
        Image side in pixels.
    pixel_size : float
        Pixel size in Å.
    sigma : float
        Gaussian atom width in Å.
    degrees : bool
        ``in_plane`` is in degrees.

    Returns
    -------
    ndarray, shape (m, n, n)
        The projections.

    Examples
    --------
    >>> hinge_images([-1.0, 0.0, 1.0]).shape
    (3, 32, 32)
    >>> turned = hinge_images([0.5], [90.0], degrees=True)
    >>> bool(np.allclose(turned, hinge_images([0.5], [np.pi / 2])))
    True
    """
    zz = as_float_array(z, "z").reshape(-1)
    n = check_int(n, "n", low=1)
    pixel_size = check_positive(pixel_size, "pixel_size")
    sigma = check_positive(sigma, "sigma")
    if np.any(np.abs(zz) > 1):
        raise ValueError("z must lie in [-1, 1]")
    degrees = check_bool(degrees, "degrees")
    psi = as_float_array(in_plane, "in_plane")
    if psi.ndim > 1 or psi.size not in (1, zz.size):
        raise ValueError(f"in_plane must be a scalar or have shape ({zz.size},), got {psi.shape}")
    psi = np.broadcast_to(np.deg2rad(psi) if degrees else psi, zz.shape)
    X = atomic.toy_chain()
    pivot = X[13]
    beam = np.array([0.0, 0.0, 1.0])
    Rz = axis_angle_to_matrix(beam, HINGE_ANGLE * zz)  # (m, 3, 3)
    coords = np.broadcast_to(X, (len(zz),) + X.shape).copy()
    coords[:, 14:] = np.einsum("mij,aj->mai", Rz, X[14:] - pivot) + pivot
    views = axis_angle_to_matrix(beam, psi)
    return atomic.project_atoms(coords, views, n, pixel_size, sigma)


def rotate_in_plane(images: ArrayLike, angles: ArrayLike, degrees: bool = False) -> Array:
    """Turn each image about its centre pixel ``n // 2`` by ``angles`` (linear interpolation).

    The sense matches :func:`hinge_images`: ``rotate_in_plane(hinge_images(z, 0), a)`` is
    close to ``hinge_images(z, a)``, so turning by ``-a`` undoes an in-plane turn ``a``.

    Parameters
    ----------
    images : array_like, shape (m, n, n)
        The images.
    angles : array_like, shape (m,)
        One turn per image, radians (degrees with ``degrees=True``).
    degrees : bool
        ``angles`` are in degrees.

    Returns
    -------
    ndarray, shape (m, n, n)
        The turned images.

    Examples
    --------
    >>> imgs = hinge_images([0.3, -0.5], [40.0, -75.0], degrees=True)
    >>> back = rotate_in_plane(imgs, [-40.0, 75.0], degrees=True)
    >>> bool(np.abs(back - hinge_images([0.3, -0.5])).max() < 0.05 * imgs.max())
    True
    """
    from scipy import ndimage

    imgs = as_float_array(images, "images")
    degrees = check_bool(degrees, "degrees")
    a = as_float_array(angles, "angles").reshape(-1)
    a = np.deg2rad(a) if degrees else a
    if imgs.ndim != 3:
        raise ValueError(f"images must have shape (m, n, n), got {imgs.shape}")
    if len(a) != len(imgs):
        raise ValueError(f"angles must have one value per image ({len(imgs)}), got {a.size}")
    centre = np.array(imgs.shape[1:]) // 2
    out = np.empty_like(imgs)
    for i, th in enumerate(a):  # one affine resampling per image (not per pixel)
        c, s = np.cos(th), np.sin(th)
        M = np.array([[c, -s], [s, c]])  # [y, x] index map out(p) = in(M p)
        out[i] = ndimage.affine_transform(imgs[i], M, offset=centre - M @ centre, order=1)
    return out
