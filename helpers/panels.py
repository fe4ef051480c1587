"""Figures for the primer chapters' live panels (atomic fitting, hyper-molecules, latents).

Like the panels in :mod:`helpers.plotting`, each class draws one figure once and updates
it in place (``update(**values)``), so a widget callback only changes artists; the chapter
draws the same class once as the static twin on the website.
"""

from __future__ import annotations

from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np

from . import atomic
from .imaging import add_noise
from .plotting import plain_log_ticks
from .sampling import uniform_rotations
from .superposition import rmsd

__all__ = ["CryofoldPanel", "HyperMoleculePanel", "LatentPanel"]


def _rmsd(traj: np.ndarray, ref: np.ndarray) -> np.ndarray:
    return rmsd(traj, np.broadcast_to(ref, traj.shape))  # one value per saved state


@lru_cache(maxsize=2)
def _cryofold_fits(offsets: tuple, steps: int, save_every: int) -> tuple:
    """The panel's data and fits, computed once per process (the widget and its twin)."""
    truth = atomic.toy_chain()
    n, px, sigma = 32, 1.5, 2.0
    rng = np.random.default_rng(2021)
    Rs = uniform_rotations(12, rng)
    clean = atomic.project_atoms(truth, Rs, n, px, sigma)
    images = np.stack([add_noise(c, 1.0, rng) for c in clean])
    fits = {}
    for off in offsets:
        start = atomic.hinge(truth, 13, [0, 0, 1], off, degrees=True)
        fits[off] = atomic.fit_atoms(
            start, Rs, images, px, sigma, bond_weight=1.0, steps=steps, save_every=save_every
        )
    return Rs, images, fits


class CryofoldPanel:
    """Gradient descent on atom coordinates from a hinged start, step by step.

    Twelve noisy projections (SNR 1) of :func:`helpers.atomic.toy_chain` at known poses;
    fits with a bond restraint start from the chain with its second helix turned by
    0, 10, ..., 90 degrees about the loop. The ten fits of 300 steps are computed once
    per process (about 3 s of CPU time, measured on a shared 2-core machine; the widget and its
    static twin share them); an update only picks a stored state. Left: the chain seen along z (truth grey, start
    dashed, current state coloured). Middle: one noisy image with the current model's
    projection as contours. Right: RMSD to the truth along each fit.

    Examples
    --------
    >>> panel = CryofoldPanel(20.0, 300)
    >>> panel.update(60.0, 100)
    """

    offsets = tuple(float(a) for a in range(0, 91, 10))

    def __init__(self, offset_deg: float = 20.0, step: int = 300, steps: int = 300):
        self.truth = atomic.toy_chain()
        self.n, self.px, self.sigma = 32, 1.5, 2.0
        self.save_every = 10
        self.Rs, self.images, self.fits = _cryofold_fits(self.offsets, steps, self.save_every)
        self.steps = steps
        self.fig = fig = plt.figure(figsize=(9, 3.3))
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.84, wspace=0.35)
        ax0, ax1, ax2 = (fig.add_subplot(1, 3, k + 1) for k in range(3))
        self.axes = (ax0, ax1, ax2)
        T = self.truth
        ax0.plot(T[:, 0], T[:, 1], "-o", color="0.6", lw=4, ms=5, label="truth")
        (self.start_line,) = ax0.plot([], [], "--", color="C1", lw=1.2, label="start")
        (self.fit_line,) = ax0.plot([], [], "-o", color="C0", lw=1.5, ms=3, label="current")
        ax0.set(xlim=(-16, 16), ylim=(-16, 16), aspect="equal", xlabel="x (Å)", ylabel="y (Å)")
        ax0.legend(loc="lower left", fontsize=8)
        ext = self.n // 2 * self.px
        extent = (-ext, ext - self.px, ext - self.px, -ext)
        ax1.imshow(self.images[0], cmap="gray", extent=extent, interpolation="nearest")
        ax1.set(xticks=[], yticks=[])
        ax1.grid(False)
        self.contours = None
        self.extent = extent
        for off, fit in self.fits.items():
            r = _rmsd(fit.trajectory, T)
            ax2.plot(np.arange(len(r)) * self.save_every, r, color="0.8", lw=0.8)
        (self.curve,) = ax2.plot([], [], color="C0", lw=2)
        (self.marker,) = ax2.plot([], [], "o", color="C0")
        ax2.axhline(1.0, color="C2", ls=":", lw=1)
        ax2.set(xlabel="gradient step", ylabel="RMSD to truth (Å)", yscale="log", ylim=(0.1, 30))
        plain_log_ticks(ax2.yaxis)
        self.title = fig.suptitle("")
        self.update(offset_deg, step)

    def update(self, offset_deg: float, step: int) -> None:
        """Show the fit that started ``offset_deg`` from the truth, after ``step`` steps."""
        off = min(self.offsets, key=lambda a: abs(a - float(offset_deg)))
        fit = self.fits[off]
        k = int(np.clip(round(step / self.save_every), 0, len(fit.trajectory) - 1))
        X = fit.trajectory[k]
        S = fit.trajectory[0]
        self.start_line.set_data(S[:, 0], S[:, 1])
        self.fit_line.set_data(X[:, 0], X[:, 1])
        img = atomic.project_atoms(X, self.Rs[0], self.n, self.px, self.sigma)
        if self.contours is not None:
            self.contours.remove()
        self.contours = self.axes[1].contour(
            img, levels=4, colors="C1", linewidths=0.8, extent=self.extent, origin="upper"
        )
        r = _rmsd(fit.trajectory, self.truth)
        self.curve.set_data(np.arange(len(r)) * self.save_every, r)
        self.marker.set_data([k * self.save_every], [r[k]])
        self.axes[1].set_title("noisy view 1 and the model's projection", fontsize=10)
        self.title.set_text(
            f"start {off:.0f}° from the truth, step {k * self.save_every}: RMSD {r[k]:.2f} Å"
        )


class HyperMoleculePanel:
    """A hyper-molecule fitted from 600 noisy line projections, viewed at one conformation.

    The toy of :mod:`helpers.hyper` (an arm swinging by ``t * 60`` degrees) is fitted once
    with up to ten Legendre terms in t and the Fourier-Bessel basis of the chapter
    (radius 18 Å, band 1.3 rad/Å). Left: the true density at ``t``. Middle: the fit
    at ``t`` with ``degree`` terms. Right: the fit's relative error over all t against the
    number of terms (bias falls, noise rises), with the chosen degree marked.

    Examples
    --------
    >>> panel = HyperMoleculePanel(0.5, 6)
    >>> panel.update(-0.8, 2)
    """

    def __init__(self, t: float = 0.5, degree: int = 6, noise: float = 0.5):
        from . import hyper

        self.hyper = hyper
        rng = np.random.default_rng(2017)
        m, nb, bs = 600, 40, 0.9
        th, tt = rng.uniform(0, np.pi, m), rng.uniform(-1, 1, m)
        clean = hyper.line_projections(hyper.hinge_molecule_2d(tt), th, nb, bs, 2.0)
        y = clean + noise * clean.std() * rng.normal(size=clean.shape)
        fb = hyper.FourierBesselBasis(radius=18.0, band=1.3)
        self.fit = hyper.fit_hyper_molecule(y, th, tt, bs, max_degree=10, basis=fb)
        grid = np.linspace(-1, 1, 41)
        truth = hyper.truth_frames(grid)
        self.degrees = np.arange(1, 11)
        self.errors = np.array(
            [
                np.linalg.norm(self.fit.frames(grid, q) - truth) / np.linalg.norm(truth)
                for q in self.degrees
            ]
        )
        self.fig = fig = plt.figure(figsize=(9, 3.2))
        fig.subplots_adjust(left=0.02, right=0.97, bottom=0.16, top=0.84, wspace=0.25)
        ax0, ax1 = fig.add_subplot(1, 3, 1), fig.add_subplot(1, 3, 2)
        ax2 = fig.add_subplot(1, 3, 3)
        self.axes = (ax0, ax1, ax2)
        ext = 24 * 0.75
        top = 1.05 * truth.max()
        kw = dict(
            cmap="magma", vmin=-0.1 * top, vmax=top, extent=(-ext, ext, -ext, ext), origin="lower"
        )
        self.im_truth = ax0.imshow(np.zeros((48, 48)), **kw)
        self.im_fit = ax1.imshow(np.zeros((48, 48)), **kw)
        for ax in (ax0, ax1):
            ax.set(xticks=[], yticks=[])
            ax.grid(False)
        ax0.set_title("truth V(x, t)", fontsize=10)
        ax2.plot(self.degrees, self.errors, "-o", color="0.4", ms=4)
        (self.marker,) = ax2.plot([], [], "o", color="C3", ms=10, mfc="none", mew=2)
        ax2.set(xlabel="Legendre terms in t", ylabel="relative error over all t", ylim=(0, None))
        self.title = fig.suptitle("")
        self.update(t, degree)

    def update(self, t: float, degree: int) -> None:
        """Show conformation ``t`` and the fit with ``degree`` Legendre terms."""
        q = int(np.clip(round(degree), 1, 10))
        self.im_truth.set_data(self.hyper.truth_frames([t])[0])
        self.im_fit.set_data(self.fit.frames([t], q)[0])
        self.axes[1].set_title(f"fit with {q} term{'s' if q > 1 else ''} in t", fontsize=10)
        self.marker.set_data([q], [self.errors[q - 1]])
        self.title.set_text(f"arm angle {t * 60:+.0f}° (t = {t:+.2f})")


class LatentPanel:
    """Probabilistic PCA of 300 noisy projections of the hinged toy chain.

    Left: each image's posterior-mean latent (the linear amortised encoder), coloured by
    its true conformation z. Right: images decoded along the first latent axis at -2, 0
    and +2 standard deviations. With ``in_plane_deg > 0`` the particles are also turned
    in-plane by up to that angle, and the first axis no longer follows z.

    Examples
    --------
    >>> panel = LatentPanel(1.0, 0.0)
    >>> panel.update(0.1, 90.0)
    """

    def __init__(self, snr: float = 1.0, in_plane_deg: float = 0.0, n_images: int = 300):
        from . import latent

        self.latent = latent
        rng = np.random.default_rng(2022)
        self.z = rng.uniform(-1, 1, n_images)
        self.u = rng.uniform(-1, 1, n_images)  # fraction of the in-plane range
        self.noise = rng.normal(size=(n_images, 32, 32))
        self.signal_var = float(latent.hinge_images(self.z).var())
        self.fig = fig = plt.figure(figsize=(8.6, 3.5))
        fig.subplots_adjust(left=0.08, right=0.99, bottom=0.15, top=0.84, wspace=0.15)
        ax0 = fig.add_axes((0.08, 0.15, 0.36, 0.69))
        self.scatter = ax0.scatter(
            np.zeros(n_images), np.zeros(n_images), c=self.z, cmap="coolwarm", s=8, vmin=-1, vmax=1
        )
        fig.colorbar(self.scatter, ax=ax0, label="true conformation z", pad=0.02)
        ax0.set(xlabel="latent 1 (posterior mean)", ylabel="latent 2")
        self.decoded = []
        for j in range(3):
            ax = fig.add_axes((0.565 + 0.145 * j, 0.18, 0.135, 0.6))
            self.decoded.append(ax.imshow(np.zeros((32, 32)), cmap="gray"))
            ax.set(xticks=[], yticks=[])
            ax.set_title(f"latent 1 = {2 * (j - 1):+d} sd", fontsize=9)
            ax.grid(False)
        self.axes = [ax0]
        self.title = fig.suptitle("")
        self.update(snr, in_plane_deg)

    def update(self, snr: float, in_plane_deg: float) -> None:
        """Simulate the data set at ``snr`` with in-plane turns up to ``in_plane_deg``."""
        clean = self.latent.hinge_images(self.z, self.u * float(in_plane_deg), degrees=True)
        Y = clean + np.sqrt(self.signal_var / snr) * self.noise
        model = self.latent.fit_ppca(Y, 2)
        mu, _ = model.encode(Y)
        sd = mu[:, 0].std()
        self.scatter.set_offsets(mu)
        ax = self.axes[0]
        lim = 1.15 * np.abs(mu).max(axis=0)
        ax.set(xlim=(-lim[0], lim[0]), ylim=(-lim[1], lim[1]))
        imgs = model.decode(np.c_[[-2 * sd, 0, 2 * sd], [0, 0, 0]]).reshape(3, 32, 32)
        for im, img in zip(self.decoded, imgs):
            im.set_data(img)
            im.set_clim(imgs.min(), imgs.max())
        r = abs(np.corrcoef(mu[:, 0], self.z)[0, 1])
        turns = (
            f"in-plane turns up to ±{in_plane_deg:.0f}°" if in_plane_deg else "no in-plane turns"
        )
        self.title.set_text(f"SNR {snr:.2g}, {turns}: |corr(latent 1, z)| = {r:.2f}")
