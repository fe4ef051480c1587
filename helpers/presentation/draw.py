"""Drawing primitives on plain 2-D axes: orthographic views of the sphere, rotated
frames and point sets that live panels move in place.

Views follow matplotlib's ``Axes3D.view_init``: a ``view`` is an ``(azimuth,
elevation)`` pair in degrees, matplotlib's own unit (as the EM packages' Euler
conventions keep theirs); every other angle is in radians (``degrees=True`` where a user
thinks in degrees). Drawing with 2-D axes looks like mplot3d but renders several times
faster, which the live panels need.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from .._checks import as_float_array, check_rotation_matrix, check_scalar
from .style import AXIS_COLORS

__all__ = ["spherical_to_axis", "view_basis", "FrameArtists", "draw_frame", "SpherePoints"]


def spherical_to_axis(azimuth: float, elevation: float, degrees: bool = False) -> np.ndarray:
    """Unit vector from azimuth (about z, from x) and elevation (from the xy-plane).

    Parameters
    ----------
    azimuth, elevation : float
        The direction's angles, in radians (degrees if ``degrees``).
    degrees : bool
        Read the angles in degrees.

    Returns
    -------
    numpy.ndarray, shape (3,)

    Examples
    --------
    >>> np.round(spherical_to_axis(0.0, np.pi / 2), 12)
    array([0., 0., 1.])
    >>> np.round(spherical_to_axis(90.0, 0.0, degrees=True), 12)
    array([0., 1., 0.])
    """
    a = check_scalar(azimuth, "azimuth")
    e = check_scalar(elevation, "elevation")
    if degrees:
        a, e = np.deg2rad(a), np.deg2rad(e)
    ce = np.cos(e)
    return np.array([ce * np.cos(a), ce * np.sin(a), np.sin(e)])


def view_basis(azimuth: float, elevation: float, degrees: bool = False) -> np.ndarray:
    """Rows: screen-right, screen-up and towards-viewer unit vectors of an orthographic view.

    The angles are those of matplotlib's 3-D ``view_init(elev, azim)``, so figures drawn
    with this basis look like mplot3d's.

    Parameters
    ----------
    azimuth, elevation : float
        The viewing direction, in radians (degrees if ``degrees``).
    degrees : bool
        Read the angles in degrees.

    Returns
    -------
    numpy.ndarray, shape (3, 3)
        A rotation matrix; project points ``p`` on the screen with ``P[:2] @ p``.

    Examples
    --------
    >>> np.round(view_basis(0.0, 90.0, degrees=True), 12)[2]   # looking straight down z
    array([0., 0., 1.])
    """
    a = check_scalar(azimuth, "azimuth")
    e = check_scalar(elevation, "elevation")
    if degrees:
        a, e = np.deg2rad(a), np.deg2rad(e)
    right = np.array([-np.sin(a), np.cos(a), 0.0])
    up = np.array([-np.sin(e) * np.cos(a), -np.sin(e) * np.sin(a), np.cos(e)])
    toward = np.array([np.cos(e) * np.cos(a), np.cos(e) * np.sin(a), np.sin(e)])
    return np.stack([right, up, toward])


def _check_view(view: tuple[float, float]) -> np.ndarray:
    v = as_float_array(view, "view", (2,))
    return view_basis(v[0], v[1], degrees=True)


def _sphere_outline(ax: Axes, P: np.ndarray, outline: str, equator: str) -> None:
    t = np.linspace(0, 2 * np.pi, 181)
    ax.plot(np.cos(t), np.sin(t), color=outline, lw=0.8)
    ax.plot(*(P[:2] @ np.stack([np.cos(t), np.sin(t), 0 * t])), color=equator, lw=0.8)


def _bare(ax: Axes, lim: float) -> None:
    ax.set_aspect("equal")
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xticks=[], yticks=[])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


class FrameArtists:
    """The artists of a rotated frame on 2-D axes, updatable in place.

    Usually created by :func:`draw_frame`; :meth:`set_rotation` moves the arrows without
    creating new artists, which keeps live-panel redraws fast.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Plain 2-D axes to draw on.
    view : (azimuth, elevation)
        matplotlib's ``view_init`` angles, degrees.
    reference : bool
        Also draw the fixed frame x, y, z, dotted.
    labels : bool
        Label the arrow tips.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> frame = FrameArtists(ax, (35.0, 22.0), reference=True, labels=True)
    >>> frame.set_rotation(np.eye(3), axis=[0.0, 0.0, 1.0])
    >>> plt.close(fig)
    """

    def __init__(self, ax: Axes, view: tuple[float, float], reference: bool, labels: bool):
        self.ax = ax
        self.P = _check_view(view)
        self.labels = bool(labels)
        _sphere_outline(ax, self.P, "0.8", "0.85")
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
        _bare(ax, 1.35)

    def set_rotation(self, R: ArrayLike, axis: ArrayLike | None = None) -> None:
        """Point the arrows at the columns of ``R`` and draw ``axis`` (or hide it).

        Parameters
        ----------
        R : array_like, shape (3, 3)
            The rotation.
        axis : array_like, shape (3,), optional
            Rotation axis to draw as a dashed line; ``None`` hides it.
        """
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
    view : (azimuth, elevation)
        matplotlib's ``view_init`` angles, degrees.
    labels : bool
        Label the arrow tips.

    Returns
    -------
    FrameArtists
        Call ``.set_rotation(R, axis)`` to move the frame in place.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> frame = draw_frame(ax, np.eye(3), axis=[0, 0, 1])
    >>> frame.set_rotation(np.diag([-1.0, -1.0, 1.0]), axis=[0, 0, 1])
    >>> plt.close(fig)
    """
    R = check_rotation_matrix(R)
    if R.shape != (3, 3):
        raise ValueError(f"R must be a single 3x3 rotation, got shape {R.shape}")
    frame = FrameArtists(ax, view, reference, labels)
    frame.set_rotation(R, axis)
    return frame


class SpherePoints:
    """Unit vectors drawn on the sphere in an orthographic view, updatable in place.

    Points facing the viewer are solid, points on the far side faint.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Plain 2-D axes to draw on.
    view : (azimuth, elevation)
        matplotlib's ``view_init`` angles, degrees.
    size : float
        Marker area in points².
    color : str
        Marker colour.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> pts = SpherePoints(ax, (30.0, 25.0))
    >>> pts.set_points(np.eye(3))
    >>> len(pts.front.get_offsets()) + len(pts.back.get_offsets())
    3
    >>> plt.close(fig)
    """

    def __init__(
        self,
        ax: Axes,
        view: tuple[float, float] = (30.0, 25.0),
        size: float = 8.0,
        color: str = "#1f77b4",
    ):
        self.ax = ax
        self.P = _check_view(view)
        size = check_scalar(size, "size", low=0.0, low_open=True)
        _sphere_outline(ax, self.P, "0.6", "0.85")
        self.back = ax.scatter([], [], s=size, color=color, alpha=0.18, lw=0)
        self.front = ax.scatter([], [], s=size, color=color, lw=0)
        _bare(ax, 1.08)

    def set_points(self, points: ArrayLike) -> None:
        """Show ``points`` (shape ``(n, 3)``, unit vectors).

        Parameters
        ----------
        points : array_like, shape (n, 3)
            The directions to show.
        """
        p = as_float_array(points, "points", (3,)).reshape(-1, 3)
        xy = p @ self.P[:2].T
        depth = p @ self.P[2]
        self.front.set_offsets(xy[depth >= 0])
        self.back.set_offsets(xy[depth < 0])
