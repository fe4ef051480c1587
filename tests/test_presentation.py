"""The presentation package: drawing primitives, figures, the declared controls of every
live panel, the one widget wrapper, and the static twin drawn by the same class."""

import inspect
import io

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import presentation
from helpers.presentation import (
    Control,
    LivePanel,
    Panel,
    So3Panel,
    live,
    text_color_on,
)
from helpers.rotations import axis_angle_to_matrix

matplotlib.use("Agg")
presentation.use_house_style()  # the chapters' style (a grid on most axes)

PANELS = [getattr(presentation, name) for name in presentation.panels.__all__]
PANELS = [p for p in PANELS if isinstance(p, type)]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=40)
    return buf.getvalue()


def test_view_basis_is_orthonormal_and_right_handed():
    P = presentation.view_basis(35, 22, degrees=True)
    np.testing.assert_allclose(P @ P.T, np.eye(3), atol=1e-15)
    np.testing.assert_allclose(np.cross(P[0], P[1]), P[2], atol=1e-15)
    np.testing.assert_allclose(P, presentation.view_basis(np.deg2rad(35), np.deg2rad(22)))


def test_view_basis_matches_mplot3d_projection():
    """Screen coordinates from view_basis are those of matplotlib's own 3-D projection
    (an independent implementation), up to a scale per view."""
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d", proj_type="ortho")
    ax.view_init(elev=22, azim=35)
    ax.set(xlim=(-1, 1), ylim=(-1, 1), zlim=(-1, 1))
    ax.set_box_aspect((1, 1, 1))
    fig.canvas.draw()
    pts = np.random.default_rng(0).normal(size=(5, 3))
    from mpl_toolkits.mplot3d import proj3d

    x, y, _ = proj3d.proj_transform(*pts.T, ax.get_proj())
    ours = pts @ presentation.view_basis(35, 22, degrees=True)[:2].T
    scale = np.linalg.lstsq(ours.reshape(-1, 1), np.c_[x, y].reshape(-1), rcond=None)[0]
    np.testing.assert_allclose(ours * scale, np.c_[x, y], atol=1e-9)


def test_so3_panel_shows_the_quaternion_and_matrix():
    fig = So3Panel(azimuth=0.0, elevation=np.pi / 2, angle=np.pi / 2).fig
    ax_frame, ax_q, ax_m = fig.axes
    heights = [p.get_height() for p in ax_q.patches[:4]]
    s = np.sqrt(0.5)
    np.testing.assert_allclose(heights, [s, 0, 0, s], atol=1e-12)
    np.testing.assert_allclose(
        ax_m.images[0].get_array(), axis_angle_to_matrix([0, 0, 1], np.pi / 2), atol=1e-12
    )


def test_text_on_dark_cells_is_white():
    fig, ax = plt.subplots()
    im = ax.imshow([[0.0]], cmap="RdBu_r", vmin=-1, vmax=1)
    assert text_color_on(im, 0.97) == "white"  # dark maroon
    assert text_color_on(im, -0.97) == "white"  # dark blue
    assert text_color_on(im, 0.1) == "black"  # near white


def test_draw_frame_rejects_stacks():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="single"):
        presentation.draw_frame(ax, np.stack([np.eye(3)] * 2))


def test_double_cover_figure_marks_antipodes():
    fig = presentation.double_cover_figure(marks=[-np.pi / 2])
    ax0 = fig.axes[0]
    pts = [
        ln.get_xydata()[0]
        for ln in ax0.lines
        if ln.get_marker() in ("o", "s") and len(ln.get_xydata()) == 1
    ]
    np.testing.assert_allclose(pts[0], -pts[1], atol=1e-12)
    np.testing.assert_allclose(pts[0], [np.cos(-np.pi / 4), np.sin(-np.pi / 4)], atol=1e-12)


@pytest.mark.parametrize("cls", PANELS, ids=lambda c: c.__name__)
def test_panel_declares_its_controls_and_redraw_takes_them(cls):
    assert issubclass(cls, Panel)
    assert cls.controls and all(isinstance(c, Control) for c in cls.controls)
    names = [c.name for c in cls.controls]
    params = list(inspect.signature(cls.redraw).parameters)[1:]
    assert params == names
    for c in cls.controls:
        assert not c.name.endswith("_deg"), c.name
        assert c.label, c.name
        if c.degrees:
            assert "°" in c.label, c.label  # the slider says its unit


@pytest.mark.parametrize("cls", PANELS, ids=lambda c: c.__name__)
def test_live_panel_redraws_and_matches_its_static_twin(cls):
    panel = live(cls)
    before = panel.image.value
    assert before[:4] == b"\x89PNG"
    control = next(c for c in cls.controls if c.kind != "choice")
    w = panel.controls[control.name]
    shown = w.value
    target = control.high if abs(shown - control.high) > abs(shown - control.low) else control.low
    w.value = target
    assert panel.image.value != before
    # the slider shows the declared unit; the panel receives the API's (radians)
    np.testing.assert_allclose(panel.view.values[control.name], control.to_api(w.value))
    twin = cls(**panel.view.values)
    assert _png(twin.fig) == _png(panel.view.fig)


def test_degree_sliders_feed_radians():
    panel = live(So3Panel, angle=np.pi / 2)
    assert panel.controls["angle"].value == pytest.approx(90.0)
    panel.controls["angle"].value = 180.0
    assert panel.view.values["angle"] == pytest.approx(np.pi)
    assert isinstance(panel, LivePanel)


def test_panel_refuses_unknown_and_out_of_range_controls():
    with pytest.raises(ValueError, match="angle_deg"):
        So3Panel(angle_deg=90.0)
    with pytest.raises(ValueError, match="angle"):
        So3Panel(angle=3 * np.pi)  # the slider stops at 360 degrees
    with pytest.raises(ValueError, match="panel"):
        live(So3Panel(angle=1.0))  # an instance, not the class


def test_control_declarations_are_checked():
    with pytest.raises(ValueError, match="low"):
        Control("x", "x", 1.0, 2.0, 1.0, 0.1)
    with pytest.raises(ValueError, match="kind"):
        Control("x", "x", 1.0, kind="slider")
    with pytest.raises(ValueError, match="default"):
        Control("m", "m", "c", kind="choice", options=("a", "b"))


def _decode(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


@pytest.mark.parametrize("cls", PANELS, ids=lambda c: c.__name__)
def test_cached_background_render_equals_a_full_draw(cls):
    """A live panel draws only the panel's dynamic artists over a cached background;
    after moving every control the picture must be the full draw's, pixel for pixel."""
    panel = live(cls)
    for c in cls.controls:
        w = panel.controls[c.name]
        if c.kind == "choice":
            w.value = c.options[-1]
        else:
            w.value = c.high if w.value != c.high else c.low
    blit = _decode(panel.image.value)
    panel.renderer.canvas.draw()  # everything, nothing cached
    full = np.asarray(panel.renderer.canvas.buffer_rgba())
    assert blit.shape == full.shape
    diff = np.any(blit != full, axis=-1)
    assert diff.sum() == 0, f"{diff.sum()} pixels differ"
