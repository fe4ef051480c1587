"""Live panel of the SO(3) encodings chapter: one rotation as a frame, a quaternion and
a matrix."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ...rotations import axis_angle_to_matrix, matrix_to_quat
from ..draw import FrameArtists, spherical_to_axis
from ..live import Control, Panel
from ..style import text_color_on

__all__ = ["So3Panel"]


class So3Panel(Panel):
    """Frame, quaternion and matrix of one rotation; drawn once, updated in place.

    Left: the rotated frame with its axis; middle: the quaternion ``q`` (with
    ``w >= 0``) beside ``-q``, the other point of the double cover; right: the matrix
    with its entries printed. No precomputation.

    Parameters
    ----------
    azimuth, elevation : float
        Direction of the rotation axis, radians (sliders in degrees).
    angle : float
        Rotation angle, radians, counter-clockwise seen from the axis tip.

    Examples
    --------
    >>> panel = So3Panel(azimuth=0.0, elevation=np.pi / 2, angle=np.pi / 2)
    >>> panel.update(angle=np.pi)
    >>> len(panel.fig.axes)
    3
    >>> plt.close(panel.fig)
    """

    controls = (
        Control("azimuth", "azimuth °", 30.0, -180.0, 180.0, 5.0, degrees=True),
        Control("elevation", "elevation °", 60.0, -90.0, 90.0, 5.0, degrees=True),
        Control("angle", "angle °", 90.0, -360.0, 360.0, 5.0, degrees=True),
    )

    def build(self) -> None:
        """Draw the three axes and their artists."""
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
        for ax in (axq, axm):
            ax.set_axisbelow(True)  # grid and ticks under the data, as a live panel draws
        self.image.set_zorder(1)  # above the tick marks (zorder 0.5)
        # a live panel redraws the three axes' contents over cached ticks and labels
        self.dynamic = [self.ax_frame, axq, axm]

    def redraw(self, azimuth: float, elevation: float, angle: float) -> None:
        """Show the rotation by ``angle`` about the axis at (``azimuth``, ``elevation``).

        Parameters
        ----------
        azimuth, elevation, angle : float
            Radians.
        """
        axis = spherical_to_axis(azimuth, elevation)
        R = axis_angle_to_matrix(axis, angle)
        q = matrix_to_quat(R)
        self.frame.set_rotation(R, axis)
        self.ax_frame.set_title(
            f"{np.rad2deg(angle):.0f}° about ({axis[0]:.2f}, {axis[1]:.2f}, {axis[2]:.2f})"
        )
        for k in range(4):
            self.bars_q[k].set_height(q[k])
            self.bars_mq[k].set_height(-q[k])
        self.image.set_data(R)
        for i in range(3):
            for j in range(3):
                self.cells[i][j].set_text(f"{R[i, j]:+.2f}")
                self.cells[i][j].set_color(text_color_on(self.image, R[i, j]))
