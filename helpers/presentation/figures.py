"""One-off figures that a chapter draws once (no live panel behind them).

The live panels' static figures are drawn by the panel classes themselves
(:mod:`helpers.presentation.panels`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from .._checks import as_float_array

__all__ = ["double_cover_figure"]


def double_cover_figure(
    axis: ArrayLike = (0.0, 0.0, 1.0),
    marks: ArrayLike = (np.pi / 2, -np.pi / 2),
    degrees: bool = False,
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
    marks : array_like
        Rotation angles to mark, in radians (degrees if ``degrees``).
    degrees : bool
        Read ``marks`` in degrees.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = double_cover_figure(marks=[-90.0], degrees=True)
    >>> len(fig.axes)
    2
    >>> plt.close(fig)
    """
    n = as_float_array(axis, "axis", (3,))
    if not np.linalg.norm(n) > 0:
        raise ValueError("axis must be a non-zero vector")
    n = n / np.linalg.norm(n)
    marks = np.atleast_1d(as_float_array(marks, "marks"))
    marks = marks if degrees else np.rad2deg(marks)
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
