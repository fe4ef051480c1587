"""Live panel of the generative-reconstruction chapter: probabilistic PCA latents."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ... import latent
from ..live import Control, Panel

__all__ = ["LatentPanel"]


class LatentPanel(Panel):
    """Probabilistic PCA of 300 noisy projections of the hinged toy chain.

    Left: each image's posterior-mean latent (the linear amortised encoder), coloured by
    its true conformation z. Right: images decoded along the first latent axis at -2, 0
    and +2 standard deviations. With ``in_plane > 0`` the particles are also turned
    in-plane by up to that angle, and the first axis no longer follows z. Both latents
    are oriented to correlate positively with z (their signs are arbitrary). The
    conformations, in-plane fractions and unit noise images are drawn once at
    construction from ``default_rng(SEED)`` (a few ms); an update simulates the images
    (the clean ones only when the in-plane range changes) and fits the model.

    Parameters
    ----------
    snr : float
        Signal-to-noise ratio (0.01 to 10, log slider).
    in_plane : float
        Largest in-plane turn, radians (slider in degrees, 0° to 180°).

    Examples
    --------
    >>> panel = LatentPanel(snr=1.0, in_plane=0.0)
    >>> panel.update(snr=0.1, in_plane=np.pi / 2)
    >>> plt.close(panel.fig)
    """

    SEED, N_IMAGES = 2022, 300
    controls = (
        Control("snr", "SNR", 1.0, 0.01, 10.0, 0.1, kind="log"),
        Control("in_plane", "in-plane °", 0.0, 0.0, 180.0, 15.0, degrees=True),
    )

    def build(self) -> None:
        """The data's random parts, the latent scatter and three decoded images."""
        n = self.N_IMAGES
        rng = np.random.default_rng(self.SEED)
        self.z = rng.uniform(-1, 1, n)
        self.u = rng.uniform(-1, 1, n)  # fraction of the in-plane range
        self.noise = rng.normal(size=(n, 32, 32))
        self.signal_var = float(latent.hinge_images(self.z).var())
        self.clean, self.clean_for = None, None
        self.fig = fig = plt.figure(figsize=(8.6, 3.5))
        fig.subplots_adjust(left=0.08, right=0.99, bottom=0.15, top=0.84, wspace=0.15)
        ax0 = fig.add_axes((0.08, 0.15, 0.36, 0.69))
        self.scatter = ax0.scatter(
            np.zeros(n), np.zeros(n), c=self.z, cmap="coolwarm", s=8, vmin=-1, vmax=1
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
        ax0.set_axisbelow(True)  # grid under the points, as a live panel draws it
        self.title = fig.suptitle("")
        # the scatter's limits follow the fit: its ticks are redrawn on every update
        self.dynamic = [ax0.xaxis, ax0.yaxis, ax0, *(im.axes for im in self.decoded)]
        self.dynamic.append(self.title)

    def redraw(self, snr: float, in_plane: float) -> None:
        """Simulate the data set at ``snr`` with in-plane turns up to ``in_plane`` radians.

        Parameters
        ----------
        snr : float
            Signal-to-noise ratio.
        in_plane : float
            Radians.
        """
        in_plane_deg = float(np.rad2deg(in_plane))
        if self.clean_for != in_plane:  # the SNR slider reuses the clean images
            self.clean = latent.hinge_images(self.z, self.u * in_plane)
            self.clean_for = in_plane
        Y = self.clean + np.sqrt(self.signal_var / snr) * self.noise
        model = latent.fit_ppca(Y, 2, method="gram")  # 300 images < 1024 pixels
        mu, _ = model.encode(Y)
        # a latent's sign is arbitrary: orient both to correlate positively with z, so
        # that the picture does not mirror from one slider position to the next
        signs = np.where(mu.T @ (self.z - self.z.mean()) < 0, -1.0, 1.0)
        model = latent.PPCA(model.mu, model.W * signs, model.sigma2)
        mu = mu * signs
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
