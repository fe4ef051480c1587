"""Live panel of the orientation-estimation chapter: a trained regressor's estimate."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np

from ...atomic import project_atoms
from ...euler import euler_to_matrix
from ...imaging import ctf, fourier_filter, frequency_grid, project
from ...learning import (
    RandomFeatureRidge,
    decode_rotations,
    encode_rotations,
    match_orientations,
    particle_features,
)
from ...metrics import angular_distance
from ...sampling import hopf_grid
from ...toydata import ctf_training_set
from ...volumes import gaussian_atoms_map, toy_protein
from ..live import Control, Panel

__all__ = ["OrientationData", "OrientationPanel"]


class OrientationData(NamedTuple):
    """What :meth:`OrientationPanel.precompute` computes once.

    Attributes
    ----------
    vol : numpy.ndarray, shape (24, 24, 24)
        The toy protein's map.
    model : helpers.learning.RandomFeatureRidge
        The trained regressor (6D targets).
    grid : numpy.ndarray, shape (576, 3, 3)
        The matching grid (level-1 Hopf).
    templates : numpy.ndarray, shape (576, 24, 24)
        Clean projections at the grid rotations.

    Examples
    --------
    >>> data = OrientationPanel.precompute()   # trains the regressor once (about 1 s)
    >>> data.templates.shape
    (576, 24, 24)
    """

    vol: np.ndarray
    model: RandomFeatureRidge
    grid: np.ndarray
    templates: np.ndarray


class OrientationPanel(Panel):
    """Pick a viewing direction and SNR: the projection, the noisy CTF image, and the
    projections at the orientations that a trained regressor and the baseline, CTF-aware
    projection matching (:func:`helpers.learning.match_orientations`), find from it.

    Precomputation (:meth:`precompute`, once per process, about 1 s of CPU time): the
    toy protein's map (24³, 2.5 Å); a random-feature ridge regressor (1500 features,
    6D targets) trained on :func:`helpers.toydata.ctf_training_set` of 2500 images at
    SNR 10 (``default_rng(TRAIN_SEED)``); and the matching templates, the clean
    projections of the same atoms at the 576 rotations of the level-1 Hopf grid
    (scored on each update within the |k| ≤ 12 px band, about 10 ms; the chapter's
    4,608-rotation grid would cost a second to build and eight times as much per
    update, so the panel's matching is limited by a grid twice as coarse). The image
    noise is drawn once from ``default_rng(NOISE_SEED)``.

    Parameters
    ----------
    azimuth, elevation : float
        Viewing direction ``R^T e_z``, radians (sliders in degrees).
    snr : float
        Signal-to-noise ratio of the image (0.01 to 31.6, log slider).

    Examples
    --------
    >>> panel = OrientationPanel(azimuth=np.deg2rad(40.0), elevation=np.deg2rad(30.0))
    >>> panel.update(snr=1.0)
    >>> plt.close(panel.fig)
    """

    PIXEL, DEFOCUS, N_TRAIN, GRID_LEVEL, BAND = 2.5, 10000.0, 2500, 1, 12.0
    TRAIN_SEED, MODEL_SEED, NOISE_SEED = 11, 1, 12
    controls = (
        Control("azimuth", "azimuth °", 40.0, -180.0, 180.0, 10.0, degrees=True),
        Control("elevation", "elevation °", 30.0, -90.0, 90.0, 10.0, degrees=True),
        Control("snr", "SNR", 10.0, 0.01, 10**1.5, 0.1, kind="log"),
    )

    @staticmethod
    @cache
    def precompute() -> OrientationData:
        """The map, the trained regressor, the matching grid and its templates."""
        cls = OrientationPanel
        vol = gaussian_atoms_map(toy_protein(), 24, cls.PIXEL, sigma=2.5)
        train = ctf_training_set(
            toy_protein(), cls.N_TRAIN, np.random.default_rng(cls.TRAIN_SEED), 24, cls.PIXEL
        )
        model = RandomFeatureRidge(1500, 12.0, 1e-2, np.random.default_rng(cls.MODEL_SEED))
        model.fit(particle_features(train.images), encode_rotations(train.rotations, "6d"))
        grid = hopf_grid(cls.GRID_LEVEL)
        templates = project_atoms(toy_protein(), grid, 24, cls.PIXEL, sigma=2.5)
        return OrientationData(vol, model, grid, templates)

    @staticmethod
    def rotation(azimuth: float, elevation: float) -> np.ndarray:
        """The rotation whose viewing direction ``R^T e_z`` has the given angles (radians).

        Parameters
        ----------
        azimuth, elevation : float
            Radians.
        """
        return euler_to_matrix([azimuth, np.pi / 2 - elevation, 0.0], "ZYZ").T

    def build(self) -> None:
        """Three image axes."""
        self.vol, self.model, self.grid, self.templates = self.precompute()
        self.noise = np.random.default_rng(self.NOISE_SEED).standard_normal((24, 24))
        self.ctf = ctf(frequency_grid(24, self.PIXEL), self.DEFOCUS)
        self.fig = fig = plt.figure(figsize=(8.6, 2.9))
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.78, wspace=0.05)
        self.axes = [fig.add_subplot(1, 4, k + 1) for k in range(4)]
        self.images = []
        for ax, title in zip(
            self.axes,
            ["projection (truth)", "CTF + noise (the input)", "", ""],
        ):
            self.images.append(ax.imshow(np.zeros((24, 24)), cmap="gray", interpolation="nearest"))
            ax.set(xticks=[], yticks=[])
            ax.set_title(title, fontsize=9)
            ax.grid(False)
        self.title = fig.suptitle("")
        self.dynamic = [*self.axes, self.title]

    def redraw(self, azimuth: float, elevation: float, snr: float) -> None:
        """Show the direction (radians) at signal-to-noise ratio ``snr``.

        Parameters
        ----------
        azimuth, elevation : float
            Radians.
        snr : float
            Signal-to-noise ratio.
        """
        R = self.rotation(azimuth, elevation)
        clean = project(self.vol, R)
        modulated = fourier_filter(clean, self.ctf)
        noisy = modulated + np.sqrt(np.var(modulated) / snr) * self.noise
        R_hat = decode_rotations(self.model.predict(particle_features(noisy[None])), "6d")[0]
        R_match = match_orientations(
            noisy[None], self.templates, self.grid, self.ctf, self.BAND
        ).rotations[0]
        shown = [clean, noisy, project(self.vol, R_hat), project(self.vol, R_match)]
        for img, data in zip(self.images, shown):
            img.set_data(data)
            img.set_clim(data.min(), data.max())
        err = float(np.rad2deg(angular_distance(R_hat, R)))
        err_match = float(np.rad2deg(angular_distance(R_match, R)))
        self.axes[2].set_title(f"regressor: {err:.0f}° off", fontsize=9)
        self.axes[3].set_title(
            f"matching, {len(self.grid)} views: {err_match:.0f}° off", fontsize=9
        )
        self.title.set_text(
            f"direction azimuth {np.rad2deg(azimuth):.0f}°, elevation "
            f"{np.rad2deg(elevation):.0f}°, SNR {snr:g}"
        )
