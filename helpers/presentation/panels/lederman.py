"""Live panel of the Lederman chapter: a fitted hyper-molecule at one conformation."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np

from ... import hyper
from ...toydata import hyper_line_data
from ..live import Control, Panel

__all__ = ["HyperData", "HyperMoleculePanel"]


class HyperData(NamedTuple):
    """What :meth:`HyperMoleculePanel.precompute` computes once.

    Attributes
    ----------
    fit : helpers.hyper.HyperFit
        The fit with up to ten Legendre terms in t.
    degrees : numpy.ndarray, shape (10,)
        The numbers of terms, 1 to 10.
    errors : numpy.ndarray, shape (10,)
        The fit's relative error over all t for each number of terms.

    Examples
    --------
    >>> data = HyperMoleculePanel.precompute()   # one fit, once per process (about 1 s)
    >>> data.degrees.tolist()[:3]
    [1, 2, 3]
    """

    fit: hyper.HyperFit
    degrees: np.ndarray
    errors: np.ndarray


class HyperMoleculePanel(Panel):
    """A hyper-molecule fitted from 600 noisy line projections, viewed at one conformation.

    The toy of :mod:`helpers.hyper` (an arm swinging by ``t * 60`` degrees).
    Precomputation (:meth:`precompute`, once per process, about 1 s): the data
    (:func:`helpers.toydata.hyper_line_data`, noise 0.5, ``default_rng(SEED)``), one fit
    with up to ten Legendre terms in t and the Fourier-Bessel basis of the chapter
    (radius 18 Å, band 1.3 rad/Å), and the fit's relative error for each number of
    terms. Left: the true density at ``t``. Middle: the fit at ``t`` with ``degree``
    terms. Right: the relative error over all t against the number of terms (bias
    falls, noise rises), with the chosen degree marked.

    Parameters
    ----------
    t : float
        Conformation, -1 to 1.
    degree : int
        Legendre terms in t, 1 to 10.

    Examples
    --------
    >>> panel = HyperMoleculePanel(t=0.5, degree=6)
    >>> panel.update(t=-0.8, degree=2)
    >>> plt.close(panel.fig)
    """

    SEED, NOISE, MAX_DEGREE = 2017, 0.5, 10
    controls = (
        Control("t", "t", 0.5, -1.0, 1.0, 0.1),
        Control("degree", "terms in t", 6, 1, 10, 1, kind="int"),
    )

    @staticmethod
    @cache
    def precompute() -> HyperData:
        """The fit, the numbers of terms 1..10 and the fit's relative error for each."""
        cls = HyperMoleculePanel
        y, th, tt = hyper_line_data(600, cls.NOISE, np.random.default_rng(cls.SEED))
        fb = hyper.FourierBesselBasis(radius=18.0, band=1.3)
        fit = hyper.fit_hyper_molecule(y, th, tt, 0.9, max_degree=cls.MAX_DEGREE, basis=fb)
        grid = np.linspace(-1, 1, 41)
        truth = hyper.truth_frames(grid)
        degrees = np.arange(1, cls.MAX_DEGREE + 1)
        errors = np.array(
            [np.linalg.norm(fit.frames(grid, q) - truth) / np.linalg.norm(truth) for q in degrees]
        )
        return HyperData(fit, degrees, errors)

    def build(self) -> None:
        """Two density images and the error curve."""
        self.fit, self.degrees, self.errors = self.precompute()
        truth_top = hyper.truth_frames(np.linspace(-1, 1, 41)).max()
        self.fig = fig = plt.figure(figsize=(9, 3.2))
        fig.subplots_adjust(left=0.02, right=0.97, bottom=0.16, top=0.84, wspace=0.25)
        ax0, ax1 = fig.add_subplot(1, 3, 1), fig.add_subplot(1, 3, 2)
        ax2 = fig.add_subplot(1, 3, 3)
        self.axes = (ax0, ax1, ax2)
        ext = 24 * 0.75
        top = 1.05 * truth_top
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
        ax2.set_axisbelow(True)  # grid under the curve, as a live panel draws it
        self.title = fig.suptitle("")
        self.dynamic = [ax0, ax1, ax2, self.title]

    def redraw(self, t: float, degree: int) -> None:
        """Show conformation ``t`` and the fit with ``degree`` Legendre terms.

        Parameters
        ----------
        t : float
            Conformation.
        degree : int
            Terms in t.
        """
        q = int(degree)
        self.im_truth.set_data(hyper.truth_frames([t])[0])
        self.im_fit.set_data(self.fit.frames([t], q)[0])
        self.axes[1].set_title(f"fit with {q} term{'s' if q > 1 else ''} in t", fontsize=10)
        self.marker.set_data([q], [self.errors[q - 1]])
        self.title.set_text(f"arm angle {t * 60:+.0f}° (t = {t:+.2f})")
