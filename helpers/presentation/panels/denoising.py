"""Live panel of the denoising chapter: a counting micrograph and its posterior mean."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ...denoising import blind_spot_prior, poisson_gamma_posterior_mean, toy_micrograph
from ..live import Control, Panel

__all__ = ["DenoisingPanel"]


class DenoisingPanel(Panel):
    """A simulated counting micrograph, its Poisson-Gamma posterior mean, and the truth.

    The truth is :func:`helpers.denoising.toy_micrograph` (128 px, 14 particles,
    exaggerated contrast) from ``numpy.random.default_rng(TRUTH_SEED)``, made once at
    construction (a few ms); the counts are drawn from ``default_rng(COUNT_SEED)`` on
    every update. Drawn once, updated in place.

    Parameters
    ----------
    dose : float
        Electrons per pixel (0.2 to 100, log slider).
    strength : float
        Strength ``k`` of the blind-spot Gamma prior (0.1 to 100, log slider).

    Examples
    --------
    >>> panel = DenoisingPanel(dose=2.0, strength=4.0)
    >>> panel.update(dose=10.0, strength=1.0)
    >>> plt.close(panel.fig)
    """

    TRUTH_SEED, COUNT_SEED, SIZE = 28, 7, 128
    controls = (
        Control("dose", "dose e⁻/px", 2.0, 10**-0.7, 100.0, 0.1, kind="log"),
        Control("strength", "prior k", 4.0, 0.1, 100.0, 0.1, kind="log"),
    )

    def build(self) -> None:
        """The truth and three image axes."""
        self.truth = toy_micrograph(self.SIZE, 14, np.random.default_rng(self.TRUTH_SEED))
        self.fig = fig = plt.figure(figsize=(8.8, 3.5))
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.84, wspace=0.04)
        self.axes = [fig.add_subplot(1, 3, k + 1) for k in range(3)]
        self.images = []
        for ax in self.axes:
            self.images.append(
                ax.imshow(self.truth, cmap="gray", vmin=0.2, vmax=1.3, interpolation="nearest")
            )
            ax.set(xticks=[], yticks=[])
            ax.grid(False)
        self.axes[2].set_title("truth (dose-normalised intensity)", fontsize=10)
        self.title = fig.suptitle("")
        self.dynamic = [*self.axes[:2], self.title]

    def redraw(self, dose: float, strength: float) -> None:
        """Simulate counts at ``dose`` electrons per pixel and denoise with ``strength``.

        Parameters
        ----------
        dose : float
            Electrons per pixel.
        strength : float
            Prior strength.
        """
        counts = np.random.default_rng(self.COUNT_SEED).poisson(dose * self.truth)
        a, b = blind_spot_prior(counts, dose, strength)
        den = poisson_gamma_posterior_mean(counts, a, b, dose)
        raw = counts / dose
        self.images[0].set_data(raw)
        self.images[1].set_data(den)
        rmse_raw = np.sqrt(np.mean((raw - self.truth) ** 2))
        rmse_den = np.sqrt(np.mean((den - self.truth) ** 2))
        self.axes[0].set_title(f"counts / dose (RMSE {rmse_raw:.3f})", fontsize=10)
        self.axes[1].set_title(f"posterior mean (RMSE {rmse_den:.3f})", fontsize=10)
        self.title.set_text(f"dose {dose:.1f} e⁻/pixel, prior strength {strength:.1f}")
