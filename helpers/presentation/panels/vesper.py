"""Live panel of the VESPER chapter: DOT and CC scores as a copy of a map turns away."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ...alignment import cross_correlation, local_density_vectors
from ...rotations import axis_angle_to_matrix
from ...volumes import gaussian_atoms_map, rotate_volume, toy_protein
from ..live import Control, Panel

__all__ = ["AlignmentScorePanel"]


class AlignmentScorePanel(Panel):
    """Turn and shift a copy of a map away from the reference; watch DOT and CC fall.

    Left: central slices of the reference (magenta) and the moved copy (green), overlaid.
    Right: DOT (local density vectors) and CC (densities) against the turn angle at the
    current shift, both relative to their values at the correct pose, with the current
    angle marked. The reference (toy protein, 24³ at 3 Å) and its density vectors are
    computed at construction (a few ms); the curves (25 angles) are computed once per
    shift and process, and shared by every instance (the live panel and its twin).

    Parameters
    ----------
    angle : float
        Turn about a fixed axis, radians (slider in degrees, -90° to 90°).
    shift : float
        Shift along x, Å (-9 to 9).

    Examples
    --------
    >>> panel = AlignmentScorePanel(angle=np.deg2rad(20.0), shift=0.0)
    >>> panel.update(angle=np.deg2rad(60.0), shift=3.0)
    >>> plt.close(panel.fig)
    """

    VS = 3.0
    ANGLES = np.linspace(-90, 90, 25)  # degrees, the curves' samples
    CURVES: dict[float, np.ndarray] = {}  # shift -> (DOT, CC) at ANGLES, shared by instances
    controls = (
        Control("angle", "turn °", 20.0, -90.0, 90.0, 5.0, degrees=True),
        Control("shift", "shift Å", 0.0, -9.0, 9.0, 3.0),
    )

    def build(self) -> None:
        """The reference, the slice overlay and the score curves."""
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
        ax.set_axisbelow(True)  # grid under the curves, as a live panel draws it
        self.title = fig.suptitle("")
        self.dynamic = [self.ax_img, ax, self.title]
        self.curve_shift = None

    def _scores(self, angle: float, shift: float) -> tuple[float, float, np.ndarray]:
        """DOT and CC relative to the true pose, and the moved map.

        Parameters
        ----------
        angle : float
            Radians.
        shift : float
            Å along x.
        """
        R = axis_angle_to_matrix(self.axis, angle)
        moved = rotate_volume(self.ref, R, shift=[shift, 0.0, 0.0], voxel_size=self.VS)
        v, _ = local_density_vectors(moved, self.VS, 8.0, 0.05)
        return float(np.sum(self.v_ref * v)) / self.dot0, cross_correlation(self.ref, moved), moved

    def redraw(self, angle: float, shift: float) -> None:
        """Turn the copy by ``angle`` (radians) and shift it by ``shift`` Å along x.

        Parameters
        ----------
        angle : float
            Radians.
        shift : float
            Å.
        """
        if self.curve_shift != shift:  # the curves depend only on the shift
            vals = self.CURVES.get(shift)
            if vals is None:
                vals = np.array([self._scores(np.deg2rad(a), shift)[:2] for a in self.ANGLES])
                self.CURVES[shift] = vals
            self.l_dot.set_data(self.ANGLES, vals[:, 0])
            self.l_cc.set_data(self.ANGLES, vals[:, 1])
            self.curve_shift = shift
        d, c, moved = self._scores(angle, shift)
        angle_deg = np.rad2deg(angle)
        self.m_dot.set_data([angle_deg], [d])
        self.m_cc.set_data([angle_deg], [c])
        a, b = self.ref[12], moved[12]
        top = max(a.max(), b.max(), 1e-12)
        self.img.set_data(np.clip(np.stack([a / top, b / top, a / top], axis=-1), 0, 1))
        self.title.set_text(
            f"turn {angle_deg:.0f}°, shift {shift:.0f} Å:  DOT {d:.2f},  CC {c:.2f}"
        )
