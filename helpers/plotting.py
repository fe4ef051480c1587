"""Figures reused across chapters, drawn in one house style.

Every live panel in :mod:`helpers.widgets` calls one of these functions, and the
chapter draws the same function once as a static figure, so the website shows the
idea without a kernel.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from ._checks import as_float_array, check_rotation_matrix
from .rotations import axis_angle_to_matrix, matrix_to_quat

__all__ = [
    "AXIS_COLORS",
    "use_house_style",
    "plain_log_ticks",
    "view_basis",
    "draw_frame",
    "spherical_to_axis",
    "so3_panel_figure",
    "double_cover_figure",
    "SpherePoints",
    "SAMPLING_METHODS",
    "sample_sphere",
    "SamplingPanel",
    "MEAN_STYLES",
    "rotation_cloud",
    "four_means",
    "AveragingPanel",
    "flexible_pair",
    "SuperpositionPanel",
    "DenoisingPanel",
    "PoseScorePanel",
    "OrientationPanel",
    "AlignmentScorePanel",
]

AXIS_COLORS = ("#d62728", "#2ca02c", "#1f77b4")  # x red, y green, z blue


def use_house_style() -> None:
    """Set the book's matplotlib defaults (sizes, grid, colour cycle).

    Examples
    --------
    >>> use_house_style()
    """
    plt.rcParams.update(
        {
            "figure.dpi": 96,
            "savefig.dpi": 96,
            "figure.figsize": (6.4, 4.0),
            "font.size": 10,
            "axes.titlesize": 11,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
        }
    )


def plain_log_ticks(axis) -> None:
    """Label a log-scaled axis with plain numbers (0.1, 1, 10) instead of mathtext powers.

    Live panels redraw on every slider move, and matplotlib re-parses each mathtext
    label ``10^{k}`` on every draw (several ms each); plain labels cost almost nothing.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> ax.set_yscale("log"); _ = ax.set_ylim(0.1, 10); plain_log_ticks(ax.yaxis)
    >>> fig.canvas.draw(); [t.get_text() for t in ax.get_yticklabels()][1:4]
    ['0.1', '1', '10']
    >>> plt.close(fig)
    """
    from matplotlib import ticker

    axis.set_major_formatter(ticker.FuncFormatter(lambda v, _pos: f"{v:g}"))
    axis.set_minor_formatter(ticker.NullFormatter())


def spherical_to_axis(azimuth: float, elevation: float) -> np.ndarray:
    """Unit vector from azimuth (about z, from x) and elevation (from the xy-plane), radians.

    Examples
    --------
    >>> np.round(spherical_to_axis(0.0, np.pi / 2), 12)
    array([0., 0., 1.])
    """
    ce = np.cos(elevation)
    return np.array([ce * np.cos(azimuth), ce * np.sin(azimuth), np.sin(elevation)])


def view_basis(azimuth_deg: float = 35.0, elevation_deg: float = 22.0) -> np.ndarray:
    """Rows: screen-right, screen-up and towards-viewer unit vectors of an orthographic view.

    Uses matplotlib's 3-D ``view_init`` angles, so figures drawn with it look like
    mplot3d's but render several times faster (the live panels need that).

    Examples
    --------
    >>> np.round(view_basis(0.0, 90.0), 12)[2]   # looking straight down z
    array([0., 0., 1.])
    """
    a, e = np.deg2rad(azimuth_deg), np.deg2rad(elevation_deg)
    right = np.array([-np.sin(a), np.cos(a), 0.0])
    up = np.array([-np.sin(e) * np.cos(a), -np.sin(e) * np.sin(a), np.cos(e)])
    toward = np.array([np.cos(e) * np.cos(a), np.cos(e) * np.sin(a), np.sin(e)])
    return np.stack([right, up, toward])


class FrameArtists:
    """The artists of a rotated frame on 2-D axes, updatable in place.

    Created by :func:`draw_frame`; :meth:`set_rotation` moves the arrows without
    creating new artists, which keeps live-panel redraws fast.
    """

    def __init__(self, ax: Axes, view: tuple[float, float], reference: bool, labels: bool):
        self.ax = ax
        self.P = view_basis(*view)
        self.labels = labels
        t = np.linspace(0, 2 * np.pi, 181)
        ax.plot(np.cos(t), np.sin(t), color="0.8", lw=0.8)
        ax.plot(*(self.P[:2] @ np.stack([np.cos(t), np.sin(t), 0 * t])), color="0.85", lw=0.8)
        if reference:
            for k, c in enumerate(AXIS_COLORS):
                x, y = self.P[:2] @ np.eye(3)[k]
                ax.plot([0, x], [0, y], color=c, alpha=0.35, lw=1.2, ls=":")
                if labels:
                    ax.text(
                        1.1 * x,
                        1.1 * y,
                        "xyz"[k],
                        color=c,
                        alpha=0.6,
                        fontsize=8,
                        ha="center",
                        va="center",
                    )
        (self.axis_line,) = ax.plot([], [], color="k", lw=1.0, ls="--", zorder=1)
        (self.axis_tip,) = ax.plot([], [], marker="o", color="k", ms=3, ls="none")
        self.arrows = []
        self.texts = []
        for k, c in enumerate(AXIS_COLORS):
            arrow = ax.annotate(
                "",
                xy=(1, 0),
                xytext=(0, 0),
                arrowprops={"arrowstyle": "-|>", "color": c, "lw": 2.2, "mutation_scale": 14},
            )
            self.arrows.append(arrow)
            text = ax.text(
                0,
                0,
                "xyz"[k] + "\u2032",
                color=c,
                fontsize=11,
                ha="center",
                va="center",
                fontweight="bold",
                visible=labels,
            )
            self.texts.append(text)
        ax.set_aspect("equal")
        ax.set(xlim=(-1.35, 1.35), ylim=(-1.35, 1.35), xticks=[], yticks=[])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)

    def set_rotation(self, R: ArrayLike, axis: ArrayLike | None = None) -> None:
        """Point the arrows at the columns of ``R`` and draw ``axis`` (or hide it)."""
        R = check_rotation_matrix(R)
        if R.shape != (3, 3):
            raise ValueError(f"R must be a single 3x3 rotation, got shape {R.shape}")
        for k in range(3):
            x, y = self.P[:2] @ R[:, k]
            depth = float(self.P[2] @ R[:, k])
            alpha = 1.0 if depth >= 0 else 0.55  # pointing away from the viewer: lighter, behind
            self.arrows[k].xy = (x, y)
            self.arrows[k].arrow_patch.set_alpha(alpha)
            self.arrows[k].set_zorder(3 + depth)
            self.texts[k].set_position((1.14 * x, 1.14 * y))
            self.texts[k].set_alpha(alpha)
        if axis is None:
            self.axis_line.set_data([], [])
            self.axis_tip.set_data([], [])
        else:
            a = as_float_array(axis, "axis", (3,))
            a = 1.3 * a / np.linalg.norm(a)
            (x0, y0), (x1, y1) = self.P[:2] @ -a, self.P[:2] @ a
            self.axis_line.set_data([x0, x1], [y0, y1])
            self.axis_tip.set_data([x1], [y1])


def draw_frame(
    ax: Axes,
    R: ArrayLike,
    axis: ArrayLike | None = None,
    reference: bool = True,
    view: tuple[float, float] = (35.0, 22.0),
    labels: bool = True,
) -> FrameArtists:
    """Draw the rotated frame ``R e_x, R e_y, R e_z`` in an orthographic view on 2-D axes.

    The unit sphere's outline and equator give depth; arrows pointing away from the
    viewer are drawn behind and lighter.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A plain 2-D axes.
    R : array_like, shape (3, 3)
        The rotation; its columns are the images of the basis vectors.
    axis : array_like, shape (3,), optional
        Rotation axis, drawn as a dashed black line through the origin.
    reference : bool
        Also draw the fixed frame x, y, z, dotted.
    view : (azimuth, elevation) in degrees
        As matplotlib's ``view_init``.
    labels : bool
        Label the arrow tips.

    Returns
    -------
    FrameArtists
        Call ``.set_rotation(R, axis)`` to move the frame in place.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> frame = draw_frame(ax, np.eye(3), axis=[0, 0, 1])
    >>> frame.set_rotation(np.diag([-1.0, -1.0, 1.0]), axis=[0, 0, 1])
    """
    R = check_rotation_matrix(R)
    if R.shape != (3, 3):
        raise ValueError(f"R must be a single 3x3 rotation, got shape {R.shape}")
    frame = FrameArtists(ax, view, reference, labels)
    frame.set_rotation(R, axis)
    return frame


class So3Panel:
    """Frame, quaternion and matrix of one rotation; drawn once, updated in place.

    ``So3Panel(az, el, angle).fig`` is the static figure; :meth:`update` redraws it for
    new slider values without allocating new artists (the live panel's fast path).

    Parameters
    ----------
    azimuth_deg, elevation_deg : float
        Direction of the rotation axis in degrees.
    angle_deg : float
        Rotation angle in degrees (counter-clockwise seen from the axis tip).

    Examples
    --------
    >>> panel = So3Panel(0.0, 90.0, 90.0)
    >>> panel.update(0.0, 90.0, 180.0)
    >>> len(panel.fig.axes)
    3
    """

    def __init__(self, azimuth_deg: float, elevation_deg: float, angle_deg: float):
        # fixed margins instead of a layout engine: constrained layout alone costs
        # ~70 ms per redraw
        # 8.6 in wide: the site column shows it at ~1.2x shrink, so 8 pt text stays >= 8 px
        self.fig = fig = plt.figure(figsize=(8.6, 3.2))
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.09, top=0.9, wspace=0.3)
        self.ax_frame = fig.add_subplot(1, 3, 1)
        self.frame = FrameArtists(self.ax_frame, (35.0, 22.0), reference=True, labels=True)

        self.ax_q = axq = fig.add_subplot(1, 3, 2)
        idx = np.arange(4)
        self.bars_q = axq.bar(idx - 0.2, np.zeros(4), width=0.4, color="#4c72b0", label="q (w ≥ 0)")
        self.bars_mq = axq.bar(
            idx + 0.2, np.zeros(4), width=0.4, color="#c0c0c0", label="−q (same rotation)"
        )
        axq.set_xticks(idx, ["w", "x", "y", "z"])
        axq.set_ylim(-1.05, 1.05)
        axq.axhline(0, color="k", lw=0.8)
        axq.set_title("unit quaternion, scalar first")
        axq.legend(loc="lower left", fontsize=8)

        self.ax_m = axm = fig.add_subplot(1, 3, 3)
        self.image = axm.imshow(np.eye(3), cmap="RdBu_r", vmin=-1, vmax=1)
        self.cells = [
            [axm.text(j, i, "", ha="center", va="center", fontsize=10) for j in range(3)]
            for i in range(3)
        ]
        axm.set_xticks(range(3), ["Re_x", "Re_y", "Re_z"])
        axm.set_yticks(range(3), ["x", "y", "z"])
        axm.grid(False)
        axm.set_title("rotation matrix R")
        self.update(azimuth_deg, elevation_deg, angle_deg)

    def update(self, azimuth_deg: float, elevation_deg: float, angle_deg: float) -> None:
        """Show the rotation by ``angle_deg`` about the axis at (azimuth, elevation)."""
        axis = spherical_to_axis(np.deg2rad(azimuth_deg), np.deg2rad(elevation_deg))
        R = axis_angle_to_matrix(axis, np.deg2rad(angle_deg))
        q = matrix_to_quat(R)
        self.frame.set_rotation(R, axis)
        self.ax_frame.set_title(
            f"{angle_deg:.0f}° about ({axis[0]:.2f}, {axis[1]:.2f}, {axis[2]:.2f})"
        )
        for k in range(4):
            self.bars_q[k].set_height(q[k])
            self.bars_mq[k].set_height(-q[k])
        self.image.set_data(R)
        for i in range(3):
            for j in range(3):
                self.cells[i][j].set_text(f"{R[i, j]:+.2f}")
                self.cells[i][j].set_color(_text_color_on(self.image, R[i, j]))


def _text_color_on(image, value: float) -> str:
    """Black or white, whichever reads better on the colour ``image`` gives ``value``."""
    r, g, b, _ = image.cmap(image.norm(value))
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


def so3_panel_figure(azimuth_deg: float, elevation_deg: float, angle_deg: float) -> Figure:
    """Static figure of :class:`So3Panel`: the rotated frame, its quaternion and its matrix.

    Three panels: the rotated frame with its axis; the quaternion ``q`` (with
    ``w >= 0``) beside ``-q``, the other point of the double cover; the matrix with
    its entries printed.

    Examples
    --------
    >>> fig = so3_panel_figure(0.0, 90.0, 90.0)
    >>> len(fig.axes)
    3
    """
    return So3Panel(azimuth_deg, elevation_deg, angle_deg).fig


def double_cover_figure(
    axis: ArrayLike = (0.0, 0.0, 1.0), marks_deg: ArrayLike = (90.0, -90.0)
) -> Figure:
    """The great circle of quaternions ``(cos t/2, n sin t/2)`` as ``t`` runs over 720°.

    Left: the circle in the ``(w, n-component)`` plane, coloured by ``t``; each marked
    angle is drawn with its antipode ``-q`` (the same rotation, ``t + 360°``).
    Right: ``w`` and the axial component against ``t``, showing that the
    quaternion returns to itself only after 720° while the rotation repeats
    every 360°.

    Parameters
    ----------
    axis : array_like, shape (3,)
        Rotation axis (normalised).
    marks_deg : array_like
        Rotation angles to mark, in degrees.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = double_cover_figure()
    >>> len(fig.axes)
    2
    """
    n = as_float_array(axis, "axis", (3,))
    n = n / np.linalg.norm(n)
    marks = np.atleast_1d(as_float_array(marks_deg, "marks_deg"))
    t = np.linspace(0.0, 4 * np.pi, 721)
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(8.6, 4), layout="constrained")
    ax0.plot(np.cos(t / 2), np.sin(t / 2), color="0.6", lw=1.2)
    for ang in range(0, 720, 90):
        h = np.deg2rad(ang) / 2
        ax0.plot(np.cos(h), np.sin(h), ".", color="0.4")
        ax0.text(
            1.16 * np.cos(h),
            1.16 * np.sin(h),
            f"{ang}°",
            fontsize=8,
            ha="center",
            va="center",
            color="0.35",
        )
    for m, color in zip(marks, ("#d62728", "#1f77b4", "#2ca02c", "#9467bd")):
        h = np.deg2rad(m) / 2
        ax0.plot([np.cos(h), -np.cos(h)], [np.sin(h), -np.sin(h)], color=color, lw=0.8, ls=":")
        ax0.plot(np.cos(h), np.sin(h), "o", color=color, ms=10, label=f"q, t = {m:+.0f}°")
        ax0.plot(
            -np.cos(h),
            -np.sin(h),
            "s",
            mfc="none",
            mec=color,
            ms=12,
            mew=2,
            label=f"−q, t = {m + 360:+.0f}°",
        )
    ax0.set_aspect("equal")
    ax0.set(
        xlabel="w = cos(t/2)", ylabel="axial part = sin(t/2)", xlim=(-1.4, 1.4), ylim=(-1.4, 1.4)
    )
    ax0.set_title(f"quaternions of rotations by t about ({n[0]:.0f}, {n[1]:.0f}, {n[2]:.0f})")
    ax0.legend(
        fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2, handletextpad=0.3
    )
    deg = np.rad2deg(t)
    ax1.plot(deg, np.cos(t / 2), label="w = cos(t/2)")
    ax1.plot(deg, np.sin(t / 2), label="axial = sin(t/2)")
    ax1.plot(deg, np.cos(t), color="k", lw=1, ls="--", label="R[0,0] = cos t (the matrix)")
    ax1.axvline(360, color="gray", lw=0.8)
    ax1.set(
        xlabel="t (deg)",
        ylabel="value",
        xticks=np.arange(0, 721, 90),
        title="q needs 720° to return; R needs 360°",
    )
    ax1.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=3)
    return fig


# ---- points on the sphere, and the sampling explorer ---------------------------------------


class SpherePoints:
    """Unit vectors drawn on the sphere in an orthographic view, updatable in place.

    Points facing the viewer are solid, points on the far side faint.
    """

    def __init__(
        self,
        ax: Axes,
        view: tuple[float, float] = (30.0, 25.0),
        size: float = 8.0,
        color: str = "#1f77b4",
    ):
        self.ax = ax
        self.P = view_basis(*view)
        t = np.linspace(0, 2 * np.pi, 181)
        ax.plot(np.cos(t), np.sin(t), color="0.6", lw=0.8)
        ax.plot(*(self.P[:2] @ np.stack([np.cos(t), np.sin(t), 0 * t])), color="0.85", lw=0.8)
        self.back = ax.scatter([], [], s=size, color=color, alpha=0.18, lw=0)
        self.front = ax.scatter([], [], s=size, color=color, lw=0)
        ax.set_aspect("equal")
        ax.set(xlim=(-1.08, 1.08), ylim=(-1.08, 1.08), xticks=[], yticks=[])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)

    def set_points(self, points: ArrayLike) -> None:
        """Show ``points`` (shape ``(n, 3)``, unit vectors)."""
        p = as_float_array(points, "points", (3,)).reshape(-1, 3)
        xy = p @ self.P[:2].T
        depth = p @ self.P[2]
        self.front.set_offsets(xy[depth >= 0])
        self.back.set_offsets(xy[depth < 0])


SAMPLING_METHODS = ("even angles (P)", "spiral (S)", "Fibonacci", "HEALPix", "random")


def sample_sphere(
    method: str, delta_deg: float, rng: np.random.Generator | None = None
) -> np.ndarray:
    """Directions on the whole sphere from one of :data:`SAMPLING_METHODS` at spacing ``delta_deg``.

    The even-angle and spiral schemes take the spacing directly; Fibonacci and random
    use the same number of points as the even-angle grid; HEALPix the nearest
    ``nside`` with ``12 nside^2`` close to that number.

    Examples
    --------
    >>> sample_sphere("Fibonacci", 15.0).shape
    (188, 3)
    """
    from .sampling import (
        direction_from_angles,
        even_angles,
        fibonacci_sphere,
        healpix_directions,
        random_sphere,
    )

    if method not in SAMPLING_METHODS:
        raise ValueError(f"method must be one of {SAMPLING_METHODS}, got {method!r}")
    ea = even_angles(delta_deg, theta2=180.0, degrees=True)
    n = len(ea)
    if method == "even angles (P)":
        return direction_from_angles(ea[:, 1], ea[:, 0])
    if method == "spiral (S)":
        sp = even_angles(delta_deg, theta2=180.0, method="S", degrees=True)
        return direction_from_angles(sp[:, 1], sp[:, 0])
    if method == "Fibonacci":
        return fibonacci_sphere(n)
    if method == "HEALPix":
        return healpix_directions(max(1, int(round(np.sqrt(n / 12.0)))))
    return random_sphere(n, rng if rng is not None else np.random.default_rng(0))


class SamplingPanel:
    """Sampling explorer: directions of one scheme on the sphere, seen from two sides, with
    their count, covering radius and Riesz energy. Drawn once, updated in place.

    Examples
    --------
    >>> panel = SamplingPanel("Fibonacci", 15.0)
    >>> panel.update("HEALPix", 10.0)
    """

    def __init__(self, method: str, delta_deg: float):
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
        self.update(method, delta_deg)

    def update(self, method: str, delta_deg: float) -> None:
        """Show ``method`` at spacing ``delta_deg``."""
        from .sampling import covering_radius_sphere, riesz_energy

        pts = sample_sphere(method, delta_deg)
        for v in self.views:
            v.set_points(pts)
        cr = covering_radius_sphere(pts, n_probe=3000, degrees=True)
        energy = riesz_energy(pts) if len(pts) <= 2500 else float("nan")
        self.title.set_text(f"{method}, spacing {delta_deg:.0f}°")
        self.text.set_text(
            f"points            {len(pts):6d}\n"
            f"4π/δ²             {4 * np.pi / np.deg2rad(delta_deg) ** 2:6.0f}\n"
            f"covering radius   {cr:6.2f}°\n"
            f"Riesz 1-energy    {energy:6.4f}\n\n"
            "covering radius: the largest\n"
            "angle from any direction to\n"
            "its nearest sample (lower is\n"
            "better). Energy: good sets\n"
            "sit near 1 − 1.1/√N, random\n"
            "near 1; compare at equal N."
        )


# ---- rotation averaging ----------------------------------------------------------------------

MEAN_STYLES = {
    "chordal L2": ("s", "#1f77b4"),
    "quaternion L2": ("D", "#2ca02c"),
    "geodesic L2": ("o", "#d62728"),
    "geodesic L1": ("*", "#9467bd"),
}


def rotation_cloud(spread_deg: float, outlier_fraction: float, n: int = 40, seed: int = 25):
    """A reproducible cloud of rotations around a centre, with some uniform outliers.

    Returns ``(center, Rs)``: ``Rs[i] = center exp(w_i)`` with ``w_i`` Gaussian of
    standard deviation ``spread_deg`` per axis, except a fraction ``outlier_fraction``
    that is replaced by uniform random rotations.

    Examples
    --------
    >>> center, Rs = rotation_cloud(10.0, 0.1)
    >>> Rs.shape
    (40, 3, 3)
    """
    from .rotations import exp_so3
    from .sampling import uniform_rotations

    if not 0 <= outlier_fraction <= 1:
        raise ValueError("outlier_fraction must lie in [0, 1]")
    if spread_deg < 0:
        raise ValueError("spread_deg must be non-negative")
    rng = np.random.default_rng(seed)
    center = uniform_rotations(1, rng)[0]
    w = np.deg2rad(spread_deg) * rng.standard_normal((n, 3))
    Rs = center @ exp_so3(w)
    k = int(round(outlier_fraction * n))
    Rs[:k] = uniform_rotations(n, rng)[:k]
    return center, Rs


def four_means(Rs: ArrayLike) -> dict[str, np.ndarray]:
    """The chordal, quaternion and geodesic L2 means and the geodesic L1 median of ``Rs``."""
    from .averaging import chordal_l2_mean, geodesic_l1_median, geodesic_l2_mean, quat_l2_mean
    from .rotations import matrix_to_quat, quat_to_matrix

    return {
        "chordal L2": chordal_l2_mean(Rs),
        "quaternion L2": quat_to_matrix(quat_l2_mean(matrix_to_quat(Rs))),
        "geodesic L2": geodesic_l2_mean(Rs, max_iter=500),
        "geodesic L1": geodesic_l1_median(Rs, max_iter=2000),
    }


class AveragingPanel:
    """A rotation cloud as rotation vectors about its true centre ``C`` (two projections,
    zoomed on the centre; points and means beyond the zoom are drawn open on the frame, in
    their direction), its four means, and each mean's distance from the centre. Drawn
    once, updated in place.

    Examples
    --------
    >>> panel = AveragingPanel(15.0, 0.0)
    >>> panel.update(15.0, 0.2)
    """

    def __init__(self, spread_deg: float, outlier_fraction: float):
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
            ax.tick_params(labelsize=8)
        self.axes[0].set_title("rotation vectors log(Cᵀ Rᵢ), x–y", fontsize=10)
        self.axes[1].set_title("the same, x–z", fontsize=10)
        self.axes[0].legend(
            loc="upper center", bbox_to_anchor=(1.1, -0.2), ncols=4, fontsize=8, frameon=False
        )
        self.ax_err = axe = fig.add_subplot(1, 3, 3)
        names = list(MEAN_STYLES)
        self.bars = axe.barh(names, np.full(4, 0.011), color=[MEAN_STYLES[k][1] for k in names])
        self.labels = [axe.text(0, i, "", va="center", fontsize=9) for i in range(4)]
        axe.set_xscale("log")
        plain_log_ticks(axe.xaxis)
        axe.set_xlim(0.01, 300)
        axe.set_xlabel("angle from the true centre (deg, log)")
        axe.invert_yaxis()
        self.title = fig.suptitle("")
        self.update(spread_deg, outlier_fraction)

    def update(self, spread_deg: float, outlier_fraction: float) -> None:
        """Redraw for a new spread (degrees) and outlier fraction."""
        from .metrics import angular_distance
        from .rotations import log_so3

        center, Rs = rotation_cloud(spread_deg, outlier_fraction)
        means = four_means(Rs)
        v = np.rad2deg(log_so3(center.T @ Rs))
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
                marks[name].set_data([], []) if far else marks[name].set_data([xy[0]], [xy[1]])
                far_marks[name].set_data([xy[0]], [xy[1]]) if far else far_marks[name].set_data(
                    [], []
                )
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


# ---- superposition -----------------------------------------------------------------------------


def flexible_pair(loop_sd: float, outlier_fraction: float, n: int = 70, seed: int = 11):
    """A C-alpha-like chain and a rotated, shifted copy whose loop is disordered.

    Atoms 45-59 (the loop) move by Gaussian noise of ``loop_sd`` Å; a fraction
    ``outlier_fraction`` of the other atoms is displaced by 8 Å (gross errors); all atoms
    get 0.2 Å noise. Returns ``(X, Y, R_true, t_true, loop_mask)`` with
    ``X ~ Y @ R_true.T + t_true`` on the undisturbed atoms.

    Examples
    --------
    >>> X, Y, R, t, loop = flexible_pair(3.0, 0.1)
    >>> X.shape, int(loop.sum())
    ((70, 3), 15)
    """
    from .rotations import exp_so3

    if loop_sd < 0 or not 0 <= outlier_fraction <= 1:
        raise ValueError("need loop_sd >= 0 and outlier_fraction in [0, 1]")
    rng = np.random.default_rng(seed)
    steps = rng.normal(size=(n, 3))
    steps *= 3.8 / np.linalg.norm(steps, axis=1, keepdims=True)
    Y = np.cumsum(steps, axis=0)
    Y -= Y.mean(0)
    R_true = exp_so3(np.deg2rad(40) * np.array([0.3, -0.8, 0.5]))
    t_true = np.array([5.0, -3.0, 2.0])
    loop = np.zeros(n, bool)
    loop[45:60] = True
    noise = 0.2 * rng.standard_normal((n, 3))
    noise[loop] += loop_sd * rng.standard_normal((loop.sum(), 3))
    others = np.flatnonzero(~loop)
    k = int(round(outlier_fraction * len(others)))
    bad = rng.permutation(others)[:k]
    dirs = rng.standard_normal((k, 3))
    noise[bad] += 8.0 * dirs / np.linalg.norm(dirs, axis=1, keepdims=True)
    X = (Y + noise) @ R_true.T + t_true
    return X, Y, R_true, t_true, loop


class SuperpositionPanel:
    """Least-squares (Kabsch) vs Student-t superposition of a chain with a disordered loop.

    Left: the reference and the two superposed copies, projected on their best-fit
    plane. Right: each atom's deviation after each fit, and the Student-t weights.
    Drawn once, updated in place.

    Examples
    --------
    >>> panel = SuperpositionPanel(3.0, 0.0)
    >>> panel.update(6.0, 0.1)
    """

    def __init__(self, loop_sd: float, outlier_fraction: float):
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
        axd.axvspan(45, 59, color="0.9", zorder=0)
        axd.text(52, 40, "loop", ha="center", fontsize=8)
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
        self.title = fig.suptitle("")
        self.update(loop_sd, outlier_fraction)

    def update(self, loop_sd: float, outlier_fraction: float) -> None:
        """Refit both superpositions for a new loop disorder (Å) and outlier fraction."""
        from .metrics import angular_distance
        from .superposition import kabsch, student_t_superposition

        X, Y, R_true, _, loop = flexible_pair(loop_sd, outlier_fraction)
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


# ---- denoising ---------------------------------------------------------------------------------


class DenoisingPanel:
    """A simulated counting micrograph, its Poisson-Gamma posterior mean, and the truth.

    Drawn once, updated in place.

    Examples
    --------
    >>> panel = DenoisingPanel(2.0, 4.0)
    >>> panel.update(10.0, 1.0)
    """

    def __init__(self, dose: float, strength: float, size: int = 128):
        from .denoising import toy_micrograph

        self.truth = toy_micrograph(size, 14, np.random.default_rng(28))  # exaggerated contrast
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
        self.update(dose, strength)

    def update(self, dose: float, strength: float) -> None:
        """Simulate counts at ``dose`` electrons per pixel and denoise with prior ``strength``."""
        from .denoising import blind_spot_prior, poisson_gamma_posterior_mean

        counts = np.random.default_rng(7).poisson(dose * self.truth)
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


# ---- pose search -------------------------------------------------------------------------------


class PoseScorePanel:
    """Scores of every rotation of a Hopf grid against one noisy image, at band limit ``L``.

    Left: the image low-pass filtered to ``|k| <= L``. Right: the viewing directions of
    the grid, each coloured by its best score over in-plane angles, and the true
    direction. Projections of the grid are computed once; updates only re-score.

    Examples
    --------
    >>> panel = PoseScorePanel(4.0, 0.5)
    >>> panel.update(10.0, 0.1)
    """

    def __init__(self, L: float, snr: float, level: int = 1):
        from .imaging import fourier_slice, fourier_slices
        from .posesearch import band_limit_mask
        from .sampling import hopf_grid
        from .volumes import gaussian_atoms_map, toy_protein

        self.vol = gaussian_atoms_map(toy_protein(), 24, 2.5, sigma=2.5)
        # transpose the Hopf grid so that its viewing directions R^T e_z are the HEALPix
        # directions (each with 6 * 2**level in-plane angles)
        self.grid = np.swapaxes(hopf_grid(level), -1, -2)
        self.slices = fourier_slices(self.vol, self.grid)
        rng = np.random.default_rng(4)
        from .sampling import uniform_rotations

        self.R_true = uniform_rotations(1, rng)[0]
        self.clean = fourier_slice(self.vol, self.R_true)
        self.noise = rng.standard_normal(self.clean.shape)
        self._mask = band_limit_mask
        dirs = np.einsum("nji,j->ni", self.grid, np.array([0.0, 0.0, 1.0]))  # R^T e_z
        keys = np.round(dirs, 6)
        _, self.dir_index, self.dir_inverse = np.unique(
            keys, axis=0, return_index=True, return_inverse=True
        )
        self.dirs = dirs[self.dir_index]
        self.fig = fig = plt.figure(figsize=(10, 4))
        fig.subplots_adjust(left=0.02, right=0.92, bottom=0.05, top=0.85, wspace=0.15)
        self.ax_img = fig.add_subplot(1, 2, 1)
        self.img = self.ax_img.imshow(self.clean, cmap="gray", interpolation="nearest")
        self.ax_img.set(xticks=[], yticks=[])
        self.ax_img.grid(False)
        ax = fig.add_subplot(1, 2, 2)
        self.P = view_basis(30.0, 25.0)
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
        d_true = self.R_true.T @ np.array([0.0, 0.0, 1.0])
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
        self.update(L, snr)

    def update(self, L: float, snr: float) -> None:
        """Re-score the grid at band limit ``L`` (Fourier pixels) for an image at ``snr``."""
        from .imaging import fourier_filter
        from .metrics import angular_distance
        from .posesearch import score_poses

        noisy = self.clean + np.sqrt(np.var(self.clean) / snr) * self.noise
        low = fourier_filter(noisy, self._mask(len(noisy), L))
        self.img.set_data(low)
        self.img.set_clim(low.min(), low.max())
        scores, _ = score_poses(noisy, self.slices, L, shifts=False)
        per_dir = np.full(len(self.dirs), -np.inf)
        np.maximum.at(per_dir, self.dir_inverse.ravel(), scores)
        ranks = np.argsort(np.argsort(per_dir)) / (len(per_dir) - 1)
        self.sc.set_array(ranks)
        i = int(np.argmax(scores))
        x, y = self.P[:2] @ self.dirs[self.dir_inverse.ravel()[i]]
        self.best.set_data([x], [y])
        err = float(np.rad2deg(angular_distance(self.grid[i], self.R_true)))
        self.ax_img.set_title(f"image at SNR {snr:g}, low-passed to |k| ≤ {L:.0f} px", fontsize=10)
        self.title.set_text(
            f"{len(self.grid)} grid rotations scored; best is {err:.0f}° from the truth"
        )


# ---- orientation regression --------------------------------------------------------------------


class OrientationPanel:
    """Pick a viewing direction and SNR: the projection, the noisy CTF image, and the
    projection at the orientation a trained regressor predicts from that image.

    The regressor (random-feature ridge on low-pass features, 6D targets) is trained once
    at construction on 2500 simulated images of the toy molecule.

    Examples
    --------
    >>> panel = OrientationPanel(40.0, 30.0, 10.0)
    >>> panel.update(120.0, -20.0, 1.0)
    """

    PIXEL = 2.5
    DEFOCUS = 10000.0

    def __init__(self, azimuth_deg: float, elevation_deg: float, snr: float, n_train: int = 2500):
        from .atomic import project_atoms
        from .imaging import ctf, fourier_filter, frequency_grid
        from .learning import RandomFeatureRidge, encode_rotations, particle_features
        from .sampling import uniform_rotations
        from .volumes import gaussian_atoms_map, toy_protein

        self.vol = gaussian_atoms_map(toy_protein(), 24, self.PIXEL, sigma=2.5)
        rng = np.random.default_rng(11)
        R_train = uniform_rotations(n_train, rng)
        defocus = rng.uniform(8000, 12000, n_train)
        k = frequency_grid(24, self.PIXEL)
        clean = fourier_filter(
            project_atoms(toy_protein(), R_train, 24, self.PIXEL, sigma=2.5),
            ctf(k[None], defocus[:, None, None]),
        )
        sd = np.sqrt(clean.var(axis=(1, 2), keepdims=True) / 10.0)
        imgs = clean + sd * rng.normal(size=clean.shape)  # SNR 10, image by image
        self.model = RandomFeatureRidge(1500, 12.0, 1e-2, np.random.default_rng(1)).fit(
            particle_features(imgs), encode_rotations(R_train, "6d")
        )
        self.noise = np.random.default_rng(12).standard_normal((24, 24))
        self.fig = fig = plt.figure(figsize=(9, 3.4))
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.82, wspace=0.05)
        self.axes = [fig.add_subplot(1, 3, k + 1) for k in range(3)]
        self.images = []
        for ax, title in zip(
            self.axes,
            ["projection (truth)", "CTF + noise (the input)", "projection at the estimate"],
        ):
            self.images.append(ax.imshow(np.zeros((24, 24)), cmap="gray", interpolation="nearest"))
            ax.set(xticks=[], yticks=[], title=title)
            ax.grid(False)
        self.title = fig.suptitle("")
        self.update(azimuth_deg, elevation_deg, snr)

    @staticmethod
    def rotation(azimuth_deg: float, elevation_deg: float) -> np.ndarray:
        """The rotation whose viewing direction ``R^T e_z`` has the given azimuth and elevation."""
        from .euler import euler_to_matrix

        polar = 90.0 - elevation_deg
        return euler_to_matrix([azimuth_deg, polar, 0.0], "ZYZ", degrees=True).T

    def update(self, azimuth_deg: float, elevation_deg: float, snr: float) -> None:
        """Show the direction (degrees) at signal-to-noise ratio ``snr``."""
        from .imaging import ctf, fourier_filter, frequency_grid, project
        from .learning import decode_rotations, particle_features
        from .metrics import angular_distance

        R = self.rotation(azimuth_deg, elevation_deg)
        clean = project(self.vol, R)

        k = frequency_grid(24, self.PIXEL)
        modulated = fourier_filter(clean, ctf(k, self.DEFOCUS))
        noisy = modulated + np.sqrt(np.var(modulated) / snr) * self.noise
        R_hat = decode_rotations(self.model.predict(particle_features(noisy[None])), "6d")[0]
        estimate = project(self.vol, R_hat)
        for img, data in zip(self.images, [clean, noisy, estimate]):
            img.set_data(data)
            img.set_clim(data.min(), data.max())
        err = float(np.rad2deg(angular_distance(R_hat, R)))
        self.title.set_text(
            f"direction azimuth {azimuth_deg:.0f}°, elevation {elevation_deg:.0f}°, SNR {snr:g}: "
            f"the regressor is {err:.0f}° off"
        )


# ---- map alignment -----------------------------------------------------------------------------


class AlignmentScorePanel:
    """Turn and shift a copy of a map away from the reference; watch DOT and CC fall.

    Left: central slices of the reference (magenta) and the moved copy (green), overlaid.
    Right: DOT (local density vectors) and CC (densities) against the turn angle at the
    current shift, both relative to their values at the correct pose, with the current
    angle marked. Drawn once, updated in place.

    Examples
    --------
    >>> panel = AlignmentScorePanel(20.0, 0.0)
    >>> panel.update(60.0, 3.0)
    """

    VS = 3.0

    def __init__(self, angle_deg: float, shift: float):
        from .alignment import local_density_vectors
        from .volumes import gaussian_atoms_map, toy_protein

        self.ref = gaussian_atoms_map(toy_protein(), 24, self.VS, sigma=2.5)
        self.v_ref, _ = local_density_vectors(self.ref, self.VS, 8.0, 0.05)
        self.axis = np.array([0.3, 1.0, 0.2]) / np.linalg.norm([0.3, 1.0, 0.2])
        self.dot0 = float(np.sum(self.v_ref * self.v_ref))
        self.fig = fig = plt.figure(figsize=(8.6, 3.6))
        fig.subplots_adjust(left=0.02, right=0.97, bottom=0.15, top=0.85, wspace=0.25)
        self.ax_img = fig.add_subplot(1, 2, 1)
        self.img = self.ax_img.imshow(np.zeros((24, 24, 3)), interpolation="nearest")
        self.ax_img.set(
            xticks=[], yticks=[], title="central slice: reference (magenta), moved copy (green)"
        )
        self.ax_img.title.set_fontsize(9)
        self.ax_img.grid(False)
        ax = fig.add_subplot(1, 2, 2)
        (self.l_dot,) = ax.plot([], [], "-", color="#d62728", label="DOT (local density vectors)")
        (self.l_cc,) = ax.plot([], [], "-", color="#1f77b4", label="CC (densities)")
        (self.m_dot,) = ax.plot([], [], "o", color="#d62728", ms=8)
        (self.m_cc,) = ax.plot([], [], "o", color="#1f77b4", ms=8)
        ax.set(
            xlabel="turn about a fixed axis (deg)",
            ylabel="score / score at the true pose",
            xlim=(-90, 90),
            ylim=(-0.1, 1.05),
        )
        ax.legend(fontsize=8, loc="lower center")
        self.ax = ax
        self.title = fig.suptitle("")
        self._curve_shift = None
        self.update(angle_deg, shift)

    def _scores(self, angle_deg: float, shift: float) -> tuple[float, float, np.ndarray]:
        from .alignment import cross_correlation, local_density_vectors
        from .rotations import axis_angle_to_matrix
        from .volumes import rotate_volume

        R = axis_angle_to_matrix(self.axis, np.deg2rad(angle_deg))
        moved = rotate_volume(self.ref, R, shift=[shift, 0.0, 0.0], voxel_size=self.VS)
        v, _ = local_density_vectors(moved, self.VS, 8.0, 0.05)
        return float(np.sum(self.v_ref * v)) / self.dot0, cross_correlation(self.ref, moved), moved

    def update(self, angle_deg: float, shift: float) -> None:
        """Turn the copy by ``angle_deg`` about a fixed axis and shift it by ``shift`` Å along x."""
        if self._curve_shift != shift:  # the curves depend only on the shift
            angles = np.linspace(-90, 90, 25)
            vals = np.array([self._scores(a, shift)[:2] for a in angles])
            self.l_dot.set_data(angles, vals[:, 0])
            self.l_cc.set_data(angles, vals[:, 1])
            self._curve_shift = shift
        d, c, moved = self._scores(angle_deg, shift)
        self.m_dot.set_data([angle_deg], [d])
        self.m_cc.set_data([angle_deg], [c])
        a, b = self.ref[12], moved[12]
        top = max(a.max(), b.max(), 1e-12)
        self.img.set_data(np.clip(np.stack([a / top, b / top, a / top], axis=-1), 0, 1))
        self.title.set_text(
            f"turn {angle_deg:.0f}°, shift {shift:.0f} Å:  DOT {d:.2f},  CC {c:.2f}"
        )
