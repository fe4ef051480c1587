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
    "view_basis",
    "draw_frame",
    "spherical_to_axis",
    "so3_panel_figure",
    "double_cover_figure",
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
        self.fig = fig = plt.figure(figsize=(10.5, 3.5))
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.09, top=0.9, wspace=0.28)
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
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
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
    ax0.legend(fontsize=8, loc="center", handletextpad=0.3)
    deg = np.rad2deg(t)
    ax1.plot(deg, np.cos(t / 2), label="w = cos(t/2)")
    ax1.plot(deg, np.sin(t / 2), label="axial = sin(t/2)")
    ax1.plot(deg, np.cos(t), color="k", lw=1, ls="--", label="R[0,0] = cos t (the matrix)")
    ax1.axvline(360, color="gray", lw=0.8)
    ax1.set(
        xlabel="t (deg)", xticks=np.arange(0, 721, 90), title="q needs 720° to return; R needs 360°"
    )
    ax1.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=3)
    return fig
