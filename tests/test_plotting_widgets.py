import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import plotting, widgets
from helpers.rotations import axis_angle_to_matrix


def test_view_basis_is_orthonormal_and_right_handed():
    P = plotting.view_basis(35, 22)
    np.testing.assert_allclose(P @ P.T, np.eye(3), atol=1e-15)
    np.testing.assert_allclose(np.cross(P[0], P[1]), P[2], atol=1e-15)


def test_so3_panel_figure_shows_the_quaternion_and_matrix():
    fig = plotting.so3_panel_figure(0.0, 90.0, 90.0)
    ax_frame, ax_q, ax_m = fig.axes
    heights = [p.get_height() for p in ax_q.patches[:4]]
    s = np.sqrt(0.5)
    np.testing.assert_allclose(heights, [s, 0, 0, s], atol=1e-12)
    np.testing.assert_allclose(
        ax_m.images[0].get_array(), axis_angle_to_matrix([0, 0, 1], np.pi / 2), atol=1e-12
    )
    plt.close(fig)


def test_draw_frame_rejects_stacks():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="single"):
        plotting.draw_frame(ax, np.stack([np.eye(3)] * 2))
    plt.close(fig)


def test_double_cover_figure_marks_antipodes():
    fig = plotting.double_cover_figure(marks_deg=[-90.0])
    ax0 = fig.axes[0]
    pts = [
        ln.get_xydata()[0]
        for ln in ax0.lines
        if ln.get_marker() in ("o", "s") and len(ln.get_xydata()) == 1
    ]
    np.testing.assert_allclose(pts[0], -pts[1], atol=1e-12)
    plt.close(fig)


def test_so3_panel_redraws_on_change():
    panel = widgets.so3_panel(angle_deg=0.0)
    before = panel.image.value
    assert before[:4] == b"\x89PNG"
    panel.controls["angle_deg"].value = 120.0
    assert panel.image.value != before


@pytest.mark.parametrize(
    "factory, name, value",
    [
        (widgets.cryofold_panel, "offset_deg", 60.0),
        (widgets.hyper_molecule_panel, "degree", 2),
        (widgets.latent_panel, "in_plane_deg", 90.0),
    ],
)
def test_primer_panels_redraw_on_change(factory, name, value):
    panel = factory()
    before = panel.image.value
    assert before[:4] == b"\x89PNG"
    panel.controls[name].value = value
    assert panel.image.value != before
