"""Live panel of the CryoDRGN2 chapter: pose-search scores over a Hopf grid."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np

from ...imaging import fourier_filter, fourier_slice, fourier_slices
from ...metrics import angular_distance
from ...posesearch import band_limit_mask, score_poses
from ...sampling import hopf_grid, uniform_rotations
from ...volumes import gaussian_atoms_map, toy_protein
from ..draw import view_basis
from ..live import Control, Panel

__all__ = ["PoseScoreData", "PoseScorePanel"]


class PoseScoreData(NamedTuple):
    """What :meth:`PoseScorePanel.precompute` computes once.

    Attributes
    ----------
    grid : numpy.ndarray, shape (576, 3, 3)
        The level-1 Hopf grid, transposed (its directions ``R^T e_z`` are HEALPix's).
    slices : numpy.ndarray, shape (576, 24, 24)
        The map's central slices at the grid rotations.
    R_true : numpy.ndarray, shape (3, 3)
        The image's true rotation.
    clean, noise : numpy.ndarray, shape (24, 24)
        The clean image and a unit-variance noise image.

    Examples
    --------
    >>> data = PoseScorePanel.precompute()
    >>> data.slices.shape
    (576, 24, 24)
    """

    grid: np.ndarray
    slices: np.ndarray
    R_true: np.ndarray
    clean: np.ndarray
    noise: np.ndarray


class PoseScorePanel(Panel):
    """Scores of every rotation of a Hopf grid against one noisy image, at band limit ``L``.

    Left: the image low-pass filtered to ``|k| <= L``. Right: the viewing directions of
    the grid, each coloured by the rank of its best score over in-plane angles, and the
    true direction. Precomputation (:meth:`precompute`, once per process, about 0.1 s):
    the toy protein's map (24³, 2.5 Å), the central slices of the level-1 Hopf grid
    (576 rotations), and one image with its noise (``default_rng(SEED)``); updates
    only re-score.

    Parameters
    ----------
    L : float
        Band limit in Fourier pixels (2 to 12).
    snr : float
        Signal-to-noise ratio of the image (0.01 to 10, log slider).

    Examples
    --------
    >>> panel = PoseScorePanel(L=4.0, snr=0.5)
    >>> panel.update(L=10.0, snr=0.1)
    >>> plt.close(panel.fig)
    """

    SEED = 4
    controls = (
        Control("L", "L (px)", 8.0, 2.0, 12.0, 1.0),
        Control("snr", "SNR", 3.0, 0.01, 10.0, 0.1, kind="log"),
    )

    @staticmethod
    @cache
    def precompute() -> PoseScoreData:
        """The grid (transposed so that its directions ``R^T e_z`` are HEALPix's), its
        central slices, the true rotation, the clean image and a unit noise image."""
        vol = gaussian_atoms_map(toy_protein(), 24, 2.5, sigma=2.5)
        grid = np.swapaxes(hopf_grid(1), -1, -2)
        rng = np.random.default_rng(PoseScorePanel.SEED)
        R_true = uniform_rotations(1, rng)[0]
        clean = fourier_slice(vol, R_true)
        return PoseScoreData(
            grid, fourier_slices(vol, grid), R_true, clean, rng.standard_normal(clean.shape)
        )

    def build(self) -> None:
        """The image axes and the sphere of grid directions."""
        self.data = d = self.precompute()
        dirs = np.einsum("nji,j->ni", d.grid, np.array([0.0, 0.0, 1.0]))  # R^T e_z
        keys = np.round(dirs, 6)
        _, self.dir_index, self.dir_inverse = np.unique(
            keys, axis=0, return_index=True, return_inverse=True
        )
        self.dirs = dirs[self.dir_index]
        self.fig = fig = plt.figure(figsize=(10, 4))
        fig.subplots_adjust(left=0.02, right=0.92, bottom=0.05, top=0.85, wspace=0.15)
        self.ax_img = fig.add_subplot(1, 2, 1)
        self.img = self.ax_img.imshow(d.clean, cmap="gray", interpolation="nearest")
        self.ax_img.set(xticks=[], yticks=[])
        self.ax_img.grid(False)
        ax = fig.add_subplot(1, 2, 2)
        self.P = view_basis(30.0, 25.0, degrees=True)
        t = np.linspace(0, 2 * np.pi, 181)
        ax.plot(np.cos(t), np.sin(t), color="0.6", lw=0.8)
        xy = self.dirs @ self.P[:2].T
        front = self.dirs @ self.P[2] >= 0
        self.sc = ax.scatter(
            xy[:, 0],
            xy[:, 1],
            c=np.zeros(len(xy)),
            s=np.where(front, 60, 25),
            cmap="viridis",
            edgecolors="k",
            linewidths=0.3,
        )
        d_true = d.R_true.T @ np.array([0.0, 0.0, 1.0])
        x, y = self.P[:2] @ d_true
        ax.plot(x, y, "r*", ms=16, mec="k", label="true viewing direction")
        (self.best,) = ax.plot(
            [], [], "o", mfc="none", mec="r", ms=16, mew=2, label="best-scoring grid direction"
        )
        ax.set(aspect="equal", xlim=(-1.1, 1.1), ylim=(-1.1, 1.1), xticks=[], yticks=[])
        ax.grid(False)
        for s in ax.spines.values():
            s.set_visible(False)
        ax.legend(loc="lower left", fontsize=8, frameon=False, bbox_to_anchor=(-0.05, -0.05))
        self.sc.set_clim(0, 1)
        self.cbar = fig.colorbar(
            self.sc, ax=ax, shrink=0.8, label="rank of the best in-plane score (1 = best)"
        )
        self.ax_dir = ax
        self.title = fig.suptitle("")
        self.dynamic = [self.ax_img, ax, self.title]

    def redraw(self, L: float, snr: float) -> None:
        """Re-score the grid at band limit ``L`` (Fourier pixels) for an image at ``snr``.

        Parameters
        ----------
        L : float
            Fourier pixels.
        snr : float
            Signal-to-noise ratio.
        """
        d = self.data
        noisy = d.clean + np.sqrt(np.var(d.clean) / snr) * d.noise
        low = fourier_filter(noisy, band_limit_mask(len(noisy), L))
        self.img.set_data(low)
        self.img.set_clim(low.min(), low.max())
        scores, _ = score_poses(noisy, d.slices, L, shifts=False)
        per_dir = np.full(len(self.dirs), -np.inf)
        np.maximum.at(per_dir, self.dir_inverse.ravel(), scores)
        ranks = np.argsort(np.argsort(per_dir)) / (len(per_dir) - 1)
        self.sc.set_array(ranks)
        i = int(np.argmax(scores))
        x, y = self.P[:2] @ self.dirs[self.dir_inverse.ravel()[i]]
        self.best.set_data([x], [y])
        err = float(np.rad2deg(angular_distance(d.grid[i], d.R_true)))
        self.ax_img.set_title(f"image at SNR {snr:g}, low-passed to |k| ≤ {L:.0f} px", fontsize=10)
        self.title.set_text(
            f"{len(d.grid)} grid rotations scored; best is {err:.0f}° from the truth"
        )
