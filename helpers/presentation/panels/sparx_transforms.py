"""Live panel of the SPARX transforms chapter: the sampling explorer."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ...sampling import covering_radius_sphere, riesz_energy
from ...toydata import SAMPLING_METHODS, sample_sphere
from ..draw import SpherePoints
from ..live import Control, Panel

__all__ = ["SamplingPanel"]


class SamplingPanel(Panel):
    """Directions of one sampling scheme on the sphere, seen from two sides, with their
    count, covering radius and Riesz energy. Drawn once, updated in place.

    The random scheme draws from ``numpy.random.default_rng(SEED)`` on every update, so
    the same spacing shows the same points. No precomputation.

    Parameters
    ----------
    method : str
        One of :data:`helpers.toydata.SAMPLING_METHODS`.
    spacing : float
        Angular spacing, radians (slider in degrees, 5° to 30°).

    Examples
    --------
    >>> panel = SamplingPanel(method="Fibonacci", spacing=np.deg2rad(15.0))
    >>> panel.update(method="HEALPix", spacing=np.deg2rad(10.0))
    >>> plt.close(panel.fig)
    """

    SEED = 0
    controls = (
        Control("method", "method", "even angles (P)", kind="choice", options=SAMPLING_METHODS),
        Control("spacing", "spacing °", 15.0, 5.0, 30.0, 1.0, degrees=True),
    )

    def build(self) -> None:
        """Two sphere views and a text panel."""
        self.fig = fig = plt.figure(figsize=(8.6, 3.4))
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.04, top=0.83, wspace=0.05)
        ax1, ax2 = fig.add_subplot(1, 3, 1), fig.add_subplot(1, 3, 2)
        self.views = [SpherePoints(ax1, (30.0, 25.0)), SpherePoints(ax2, (30.0, 89.0))]
        ax1.set_title("seen from the side")
        ax2.set_title("seen from the north pole")
        self.ax_text = ax = fig.add_subplot(1, 3, 3)
        ax.axis("off")
        self.text = ax.text(0.02, 0.95, "", va="top", ha="left", fontsize=10, family="monospace")
        self.title = fig.suptitle("")
        self.dynamic = [ax1, ax2, self.text, self.title]

    def redraw(self, method: str, spacing: float) -> None:
        """Show ``method`` at ``spacing`` (radians).

        Parameters
        ----------
        method : str
            The scheme.
        spacing : float
            Radians.
        """
        pts = sample_sphere(method, spacing, np.random.default_rng(self.SEED))
        for v in self.views:
            v.set_points(pts)
        cr = covering_radius_sphere(pts, n_probe=3000, degrees=True)
        energy = riesz_energy(pts) if len(pts) <= 2500 else float("nan")
        self.title.set_text(f"{method}, spacing {np.rad2deg(spacing):.0f}°")
        self.text.set_text(
            f"points            {len(pts):6d}\n"
            f"4π/δ²             {4 * np.pi / spacing**2:6.0f}\n"
            f"covering radius   {cr:6.2f}°\n"
            f"Riesz 1-energy    {energy:6.4f}\n\n"
            "covering radius: the largest\n"
            "angle from any direction to\n"
            "its nearest sample (lower is\n"
            "better). Energy: good sets\n"
            "sit near 1 − 1.1/√N, random\n"
            "near 1; compare at equal N."
        )
