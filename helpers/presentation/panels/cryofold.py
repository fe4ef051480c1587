"""Live panel of the Cryofold chapter: gradient descent on atom coordinates."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np

from ... import atomic
from ...superposition import rmsd
from ...toydata import noisy_atom_views
from ..live import Control, Panel
from ..style import plain_log_ticks

__all__ = ["CryofoldData", "CryofoldPanel"]


class CryofoldData(NamedTuple):
    """What :meth:`CryofoldPanel.precompute` computes once.

    Attributes
    ----------
    rotations : numpy.ndarray, shape (12, 3, 3)
        The known poses.
    images : numpy.ndarray, shape (12, 32, 32)
        The noisy projections.
    fits : dict of float to helpers.atomic.AtomFit
        One fit per start offset, keyed by the offset in degrees (0, 10, ..., 90).

    Examples
    --------
    >>> data = CryofoldPanel.precompute()   # ten fits, once per process (a few s)
    >>> sorted(data.fits)[:3]
    [0.0, 10.0, 20.0]
    """

    rotations: np.ndarray
    images: np.ndarray
    fits: dict


class CryofoldPanel(Panel):
    """Gradient descent on atom coordinates from a hinged start, step by step.

    Twelve noisy projections (SNR 1) of :func:`helpers.atomic.toy_chain` at known poses
    (:func:`helpers.toydata.noisy_atom_views`, ``default_rng(SEED)``); fits with a bond
    restraint start from the chain with its second helix turned by 0°, 10°, ..., 90°
    about the loop. Precomputation (:meth:`precompute`, once per process, about 3 s of
    CPU time; the live panel and its static twin share it): the ten fits of 300 steps;
    an update only picks a stored state. Left: the chain seen along z (truth grey, start
    dashed, current state coloured). Middle: one noisy image with the current model's
    projection as contours. Right: RMSD to the truth along each fit.

    Parameters
    ----------
    offset : float
        Hinge angle of the start, radians (slider in degrees, 0° to 90°; the nearest
        of the ten fits is shown).
    step : int
        Gradient step shown (0 to 300, stored every 10 steps).

    Examples
    --------
    >>> panel = CryofoldPanel(offset=np.deg2rad(20.0), step=300)
    >>> panel.update(offset=np.deg2rad(60.0), step=100)
    >>> plt.close(panel.fig)
    """

    SEED, STEPS, SAVE_EVERY = 2021, 300, 10
    N, PIXEL, SIGMA = 32, 1.5, 2.0
    OFFSETS = tuple(float(a) for a in range(0, 91, 10))  # degrees, as the slider shows
    controls = (
        Control("offset", "start °", 20.0, 0.0, 90.0, 10.0, degrees=True),
        Control("step", "step", 300, 0, 300, 10, kind="int"),
    )

    @staticmethod
    @cache
    def precompute() -> CryofoldData:
        """Images at known poses and the ten fits (their saved trajectories)."""
        cls = CryofoldPanel
        truth = atomic.toy_chain()
        views = noisy_atom_views(
            truth, 12, cls.N, cls.PIXEL, cls.SIGMA, 1.0, np.random.default_rng(cls.SEED)
        )
        fits = {}
        for off in cls.OFFSETS:
            start = atomic.hinge(truth, 13, [0, 0, 1], off, degrees=True)
            fits[off] = atomic.fit_atoms(
                start,
                views.rotations,
                views.images,
                cls.PIXEL,
                cls.SIGMA,
                bond_weight=1.0,
                steps=cls.STEPS,
                save_every=cls.SAVE_EVERY,
            )
        return CryofoldData(views.rotations, views.images, fits)

    def rmsd_curve(self, trajectory: np.ndarray) -> np.ndarray:
        """RMSD to the truth of every saved state of a fit.

        Parameters
        ----------
        trajectory : numpy.ndarray, shape (s, k, 3)
            Saved states.
        """
        return rmsd(trajectory, np.broadcast_to(self.truth, trajectory.shape))

    def build(self) -> None:
        """The chain view, the image with its contours and the RMSD curves."""
        self.truth = atomic.toy_chain()
        self.data = self.precompute()
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
        ext = self.N // 2 * self.PIXEL
        extent = (-ext, ext - self.PIXEL, ext - self.PIXEL, -ext)
        ax1.imshow(self.data.images[0], cmap="gray", extent=extent, interpolation="nearest")
        ax1.set(xticks=[], yticks=[])
        ax1.grid(False)
        ax1.set_title("noisy view 1 and the model's projection", fontsize=10)
        self.contours = None
        self.extent = extent
        for fit in self.data.fits.values():
            r = self.rmsd_curve(fit.trajectory)
            ax2.plot(np.arange(len(r)) * self.SAVE_EVERY, r, color="0.8", lw=0.8)
        (self.curve,) = ax2.plot([], [], color="C0", lw=2)
        (self.marker,) = ax2.plot([], [], "o", color="C0")
        ax2.axhline(1.0, color="C2", ls=":", lw=1)
        ax2.set(xlabel="gradient step", ylabel="RMSD to truth (Å)", yscale="log", ylim=(0.1, 30))
        plain_log_ticks(ax2.yaxis)
        for ax in (ax0, ax2):
            ax.set_axisbelow(True)  # grid under the curves, as a live panel draws it
        self.title = fig.suptitle("")
        self.dynamic = [ax0, ax1, ax2, self.title]

    def redraw(self, offset: float, step: int) -> None:
        """Show the fit that started ``offset`` (radians) from the truth, after ``step`` steps.

        Parameters
        ----------
        offset : float
            Radians.
        step : int
            Gradient step.
        """
        off = min(self.OFFSETS, key=lambda a: abs(a - float(np.rad2deg(offset))))
        fit = self.data.fits[off]
        k = int(np.clip(round(step / self.SAVE_EVERY), 0, len(fit.trajectory) - 1))
        X = fit.trajectory[k]
        S = fit.trajectory[0]
        self.start_line.set_data(S[:, 0], S[:, 1])
        self.fit_line.set_data(X[:, 0], X[:, 1])
        img = atomic.project_atoms(X, self.data.rotations[0], self.N, self.PIXEL, self.SIGMA)
        if self.contours is not None:
            self.contours.remove()
        self.contours = self.axes[1].contour(
            img, levels=4, colors="C1", linewidths=0.8, extent=self.extent, origin="upper"
        )
        r = self.rmsd_curve(fit.trajectory)
        self.curve.set_data(np.arange(len(r)) * self.SAVE_EVERY, r)
        self.marker.set_data([k * self.SAVE_EVERY], [r[k]])
        self.title.set_text(
            f"start {off:.0f}° from the truth, step {k * self.SAVE_EVERY}: RMSD {r[k]:.2f} Å"
        )
