"""Live panel of the rotation-averaging chapter: four means of a rotation cloud."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ...averaging import chordal_l2_mean, geodesic_l1_median, geodesic_l2_mean, quat_l2_mean
from ...metrics import angular_distance
from ...rotations import log_so3, matrix_to_quat, quat_to_matrix
from ...toydata import rotation_cloud
from ..live import Control, Panel
from ..style import plain_log_ticks

__all__ = ["MEAN_STYLES", "AveragingPanel"]

MEAN_STYLES = {
    "chordal L2": ("s", "#1f77b4"),
    "quaternion L2": ("D", "#2ca02c"),
    "geodesic L2": ("o", "#d62728"),
    "geodesic L1": ("*", "#9467bd"),
}


def _four_means(Rs: np.ndarray) -> dict[str, np.ndarray]:
    """The chordal, quaternion and geodesic L2 means and the geodesic L1 median.

    The iterations stop at steps of 1e-8 rad (L2) and 1e-7 rad (L1): the panel prints
    degrees to 0.01° (1.7e-4 rad), and the means move by under 1e-5° from the default
    tolerances' answers while the median takes a third fewer iterations.
    """
    return {
        "chordal L2": chordal_l2_mean(Rs),
        "quaternion L2": quat_to_matrix(quat_l2_mean(matrix_to_quat(Rs))),
        "geodesic L2": geodesic_l2_mean(Rs, tol=1e-8, max_iter=500),
        "geodesic L1": geodesic_l1_median(Rs, tol=1e-7, max_iter=2000),
    }


class AveragingPanel(Panel):
    """A rotation cloud as rotation vectors about its true centre ``C`` (two projections,
    zoomed on the centre; points and means beyond the zoom are drawn open on the frame,
    in their direction), its four means (:data:`MEAN_STYLES`), and each mean's distance
    from the centre. Drawn once, updated in place.

    The cloud is :func:`helpers.toydata.rotation_cloud` of 40 rotations drawn from
    ``numpy.random.default_rng(SEED)`` on every update. No precomputation.

    Parameters
    ----------
    spread : float
        Standard deviation per axis of the cloud, radians (slider in degrees, 1° to 60°).
    outlier_fraction : float
        Fraction of uniform outliers, 0 to 0.5.

    Examples
    --------
    >>> panel = AveragingPanel(spread=np.deg2rad(15.0), outlier_fraction=0.0)
    >>> panel.update(outlier_fraction=0.2)
    >>> plt.close(panel.fig)
    """

    SEED = 25
    controls = (
        Control("spread", "spread °", 15.0, 1.0, 60.0, 1.0, degrees=True),
        Control("outlier_fraction", "outliers", 0.0, 0.0, 0.5, 0.05),
    )

    def build(self) -> None:
        """Two projections of the rotation vectors and a bar chart of the errors."""
        self.fig = fig = plt.figure(figsize=(8.6, 3.8))
        fig.subplots_adjust(left=0.08, right=0.97, bottom=0.3, top=0.86, wspace=0.62)
        # two axis-aligned projections: an offset hidden along one viewing direction
        # shows in the other (a single oblique view can hide a mean's whole error)
        self.planes = [(0, 1), (0, 2)]
        t = np.linspace(0, 2 * np.pi, 181)
        self.points, self.mean_marks, self.off_points, self.far_marks = [], [], [], []
        self.axes = [fig.add_subplot(1, 3, 1), fig.add_subplot(1, 3, 2)]
        for ax, (i, j) in zip(self.axes, self.planes):
            ax.plot(180 * np.cos(t), 180 * np.sin(t), color="0.6", lw=0.8)
            ax.axhline(0, color="0.85", lw=0.8)
            ax.axvline(0, color="0.85", lw=0.8)
            ax.set_xlabel(f"{'xyz'[i]} component (deg)")
            ax.set_ylabel(f"{'xyz'[j]} component (deg)")
            self.points.append(ax.scatter([], [], s=14, color="0.45", lw=0, label="data"))
            off = ax.scatter([], [], s=22, facecolors="none", edgecolors="0.35", lw=0.9)
            off.set_label("off-scale (open, on the frame)")
            self.off_points.append(off)
            marks, far = {}, {}
            for name, (marker, color) in MEAN_STYLES.items():
                (marks[name],) = ax.plot(
                    [], [], marker, color=color, ms=11, mec="k", alpha=0.9, label=name
                )
                (far[name],) = ax.plot([], [], marker, mfc="none", mec=color, ms=11, mew=2)
            self.mean_marks.append(marks)
            self.far_marks.append(far)
            ax.plot([0], [0], "+", color="k", ms=16, mew=2, label="true centre")
            ax.set_aspect("equal")
            ax.grid(False)
            ax.set_axisbelow(True)
            ax.tick_params(labelsize=8)
        self.axes[0].set_title("rotation vectors log(Cᵀ Rᵢ), x–y", fontsize=10)
        self.axes[1].set_title("the same, x–z", fontsize=10)
        # one legend for both projections, centred under the figure: inside its bounds
        # (the live panel's picture is the figure's own box, not a tight crop)
        fig.legend(
            *self.axes[0].get_legend_handles_labels(),
            loc="lower center",
            bbox_to_anchor=(0.5, 0.01),
            ncols=4,
            fontsize=8,
            frameon=False,
        )
        self.ax_err = axe = fig.add_subplot(1, 3, 3)
        names = list(MEAN_STYLES)
        self.bars = axe.barh(names, np.full(4, 0.011), color=[MEAN_STYLES[k][1] for k in names])
        self.labels = [axe.text(0, i, "", va="center", fontsize=9) for i in range(4)]
        axe.set_xscale("log")
        plain_log_ticks(axe.xaxis)
        axe.set_xlim(0.01, 300)
        axe.set_xlabel("angle from true centre (deg, log)")
        axe.invert_yaxis()
        axe.set_axisbelow(True)  # grid under the bars, as a live panel draws it
        self.title = fig.suptitle("")
        # the two projections' limits follow the spread: their ticks change with it
        self.keyed = [axis for ax in self.axes for axis in (ax.xaxis, ax.yaxis)]
        self.dynamic = [*self.axes, axe, self.title]
        self.static = [ax.title for ax in self.axes]  # unchanged

    def background_key(self) -> float:
        """The spread: the projections' limits (and ticks) depend on it alone."""
        return self.values["spread"]

    def redraw(self, spread: float, outlier_fraction: float) -> None:
        """Redraw for a new spread (radians) and outlier fraction.

        Parameters
        ----------
        spread : float
            Radians.
        outlier_fraction : float
            Fraction of outliers.
        """
        center, Rs = rotation_cloud(spread, outlier_fraction, np.random.default_rng(self.SEED))
        means = _four_means(Rs)
        v = np.rad2deg(log_so3(center.T @ Rs))
        spread_deg = np.rad2deg(spread)
        lim = 2.5 * spread_deg + 2
        edge = 0.96 * lim  # off-scale points are pulled radially onto this square

        def split(xy):
            reach = np.max(np.abs(xy), axis=-1, keepdims=True)
            far = reach[..., 0] > lim
            return far, np.where(far[..., None], xy * edge / np.maximum(reach, 1e-300), xy)

        for pts, off, (a, b) in zip(self.points, self.off_points, self.planes):
            far, xy = split(v[:, [a, b]])
            pts.set_offsets(xy[~far].reshape(-1, 2))
            off.set_offsets(xy[far].reshape(-1, 2))
        for i, (name, M) in enumerate(means.items()):
            m = np.rad2deg(log_so3(center.T @ M))
            for marks, far_marks, (a, b) in zip(self.mean_marks, self.far_marks, self.planes):
                far, xy = split(m[[a, b]])
                shown, hidden = (far_marks, marks) if far else (marks, far_marks)
                shown[name].set_data([xy[0]], [xy[1]])
                hidden[name].set_data([], [])
            err = float(np.rad2deg(angular_distance(M, center)))
            self.bars[i].set_width(max(err, 0.011))
            self.labels[i].set_position((max(err, 0.011) * 1.15, i))
            self.labels[i].set_text(f"{err:.2f}°")
        for ax in self.axes:
            ax.set(xlim=(-lim, lim), ylim=(-lim, lim))
        k = int(round(outlier_fraction * len(Rs)))
        self.title.set_text(
            f"{len(Rs)} rotations, spread {spread_deg:.0f}° per axis, {k} uniform outliers"
        )
