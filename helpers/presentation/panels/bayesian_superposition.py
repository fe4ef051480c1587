"""Live panel of the Bayesian superposition chapter: least squares against Student-t."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ...metrics import angular_distance
from ...superposition import kabsch, student_t_superposition
from ...toydata import flexible_pair
from ..live import Control, Panel
from ..style import plain_log_ticks

__all__ = ["SuperpositionPanel"]


class SuperpositionPanel(Panel):
    """Least-squares (Kabsch) vs Student-t superposition of a chain with a disordered loop.

    Left: the reference and the two superposed copies, projected on their best-fit
    plane. Right: each atom's deviation after each fit, and the Student-t weights.
    The pair is :func:`helpers.toydata.flexible_pair` drawn from
    ``numpy.random.default_rng(SEED)`` on every update. No precomputation.

    Parameters
    ----------
    loop_sd : float
        Disorder of the loop, Å (0 to 10).
    outlier_fraction : float
        Fraction of other atoms moved by 8 Å (0 to 0.3).

    Examples
    --------
    >>> panel = SuperpositionPanel(loop_sd=3.0, outlier_fraction=0.0)
    >>> panel.update(loop_sd=6.0, outlier_fraction=0.1)
    >>> plt.close(panel.fig)
    """

    SEED = 11
    controls = (
        Control("loop_sd", "loop Å", 4.0, 0.0, 10.0, 0.5),
        Control("outlier_fraction", "outliers", 0.1, 0.0, 0.3, 0.02),
    )

    def build(self) -> None:
        """The chain view, the deviation plot and its weight axis."""
        self.fig = fig = plt.figure(figsize=(8.8, 3.9))
        fig.subplots_adjust(left=0.01, right=0.91, bottom=0.14, top=0.86, wspace=0.22)
        self.ax = ax = fig.add_subplot(1, 2, 1)
        for spine in ax.spines.values():
            spine.set_visible(False)
        (self.ref_line,) = ax.plot([], [], "-o", color="0.3", ms=2.5, lw=1.2, label="reference X")
        (self.ls_line,) = ax.plot([], [], "-", color="#1f77b4", lw=1.2, label="Y by least squares")
        (self.t_line,) = ax.plot([], [], "-", color="#d62728", lw=1.2, label="Y by Student-t")
        ax.set_aspect("equal")
        ax.set(xticks=[], yticks=[])
        ax.legend(loc="upper left", fontsize=8, frameon=False)
        self.ax_dev = axd = fig.add_subplot(1, 2, 2)
        (self.dev_ls,) = axd.plot([], [], color="#1f77b4", lw=1.2, label="deviation, least squares")
        (self.dev_t,) = axd.plot([], [], color="#d62728", lw=1.2, label="deviation, Student-t")
        axd.set(xlabel="atom", ylabel="deviation after fit (Å)", yscale="log", ylim=(0.03, 60))
        plain_log_ticks(axd.yaxis)
        loop = [
            axd.axvspan(45, 59, color="0.9", zorder=0),
            axd.text(52, 40, "loop", ha="center", fontsize=8),
        ]
        self.ax_w = axw = axd.twinx()
        (self.weights,) = axw.plot([], [], ".", color="#2ca02c", ms=4, label="Student-t weight")
        axw.set(ylim=(0, 1.05), ylabel="relative weight")
        axw.grid(False)
        lines = [self.dev_ls, self.dev_t, self.weights]
        axw.legend(  # on the twin axes, so that the weights are not drawn over it
            lines,
            [ln.get_label() for ln in lines],
            loc="lower left",
            fontsize=8,
            frameon=True,
            framealpha=0.9,
            edgecolor="none",
        )
        axd.set_axisbelow(True)  # grid under the curves, as a live panel draws it
        self.title = fig.suptitle("")
        self.dynamic = [ax, axd, axw, self.title]
        self.static = loop  # under the grid, as in a full draw

    def redraw(self, loop_sd: float, outlier_fraction: float) -> None:
        """Refit both superpositions for a new loop disorder (Å) and outlier fraction.

        Parameters
        ----------
        loop_sd : float
            Å.
        outlier_fraction : float
            Fraction of gross errors.
        """
        X, Y, R_true, _, loop = flexible_pair(
            loop_sd, outlier_fraction, np.random.default_rng(self.SEED)
        )
        R_ls, t_ls = kabsch(X, Y)
        robust = student_t_superposition(X, Y)
        R_t, t_t, w = robust.rotation, robust.translation, robust.weights
        fit_ls, fit_t = Y @ R_ls.T + t_ls, Y @ R_t.T + t_t
        # project on the reference's two main axes
        c = X.mean(0)
        _, _, Vt = np.linalg.svd(X - c)
        P = Vt[:2]
        for line, pts in [(self.ref_line, X), (self.ls_line, fit_ls), (self.t_line, fit_t)]:
            xy = (pts - c) @ P.T
            line.set_data(xy[:, 0], xy[:, 1])
        xy = (X - c) @ P.T
        span = np.abs(xy).max() * 1.1
        self.ax.set(xlim=(-span, span), ylim=(-span, span))
        idx = np.arange(len(X))
        self.dev_ls.set_data(idx, np.maximum(np.linalg.norm(fit_ls - X, axis=1), 0.031))
        self.dev_t.set_data(idx, np.maximum(np.linalg.norm(fit_t - X, axis=1), 0.031))
        self.weights.set_data(idx, w / w.max())
        self.ax_dev.set_xlim(-1, len(X))
        e_ls = np.rad2deg(angular_distance(R_ls, R_true))
        e_t = np.rad2deg(angular_distance(R_t, R_true))
        self.title.set_text(
            f"loop disorder {loop_sd:.1f} Å, {outlier_fraction:.0%} outliers:  "
            f"rotation error least squares {e_ls:.2f}°, Student-t {e_t:.2f}°"
        )
