"""Live panels for walkthroughs: thin ipywidgets wrappers around :mod:`helpers.plotting`.

Each factory returns a widget whose callback redraws one plotting function into a
PNG shown by an :class:`ipywidgets.Image`; the chapter also calls that plotting
function once for the static twin shown on the website.
"""

from __future__ import annotations

import io
import time

import ipywidgets as widgets
import matplotlib.pyplot as plt

from .plotting import So3Panel

__all__ = [
    "LivePanel",
    "so3_panel",
    "sampling_panel",
    "averaging_panel",
    "superposition_panel",
    "denoising_panel",
    "pose_search_panel",
    "orientation_panel",
    "alignment_panel",
    "cryofold_panel",
    "hyper_molecule_panel",
    "latent_panel",
]


class LivePanel(widgets.VBox):
    """Sliders above an image of a figure that is updated in place on every change.

    Parameters
    ----------
    controls : dict of str to ipywidgets.ValueWidget
        Keyword name of ``view.update`` -> the widget that sets it.
    view : object with ``fig`` and ``update(**values)``
        A figure drawn once and updated in place (e.g. :class:`helpers.plotting.So3Panel`);
        the static twin in a chapter is drawn by the same class.
    dpi : float
        Resolution of the rendered image.
    """

    def __init__(self, controls: dict[str, widgets.ValueWidget], view, dpi: float = 80):
        self.controls = controls
        self.view = view
        self.dpi = dpi
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.seconds = 0.0  # duration of the last update, for benchmarks/bench_widgets.py
        plt.close(view.fig)  # drawn into the Image widget only, never shown by the backend
        for w in controls.values():
            w.observe(self.update, names="value")
            if hasattr(w, "continuous_update"):
                w.continuous_update = False  # one redraw when a slider is released
        # sliders wrap onto further rows on a narrow screen (a phone, a split window)
        row = widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([row, self.image])
        self.update()

    def __repr__(self) -> str:
        # what a page without a kernel shows in place of the widget (the website): the
        # chapter draws the same figure as a static twin just below
        return (
            "Live panel: run this chapter in JupyterLab, Binder or Colab to move its "
            "sliders; the figure below is drawn by the same code."
        )

    def update(self, _change: object = None) -> None:
        """Update the figure from the current control values and re-render the image."""
        t0 = time.perf_counter()
        self.view.update(**{k: w.value for k, w in self.controls.items()})
        buf = io.BytesIO()
        # fast PNG: zlib level 1 encodes 3-5x faster than the default for a few % more bytes
        self.view.fig.savefig(buf, format="png", dpi=self.dpi, pil_kwargs={"compress_level": 1})
        self.image.value = buf.getvalue()
        self.seconds = time.perf_counter() - t0


def so3_panel(
    azimuth_deg: float = 30.0, elevation_deg: float = 60.0, angle_deg: float = 90.0
) -> LivePanel:
    """Sliders for axis direction and angle driving :class:`helpers.plotting.So3Panel`.

    Examples
    --------
    >>> panel = so3_panel()
    >>> panel.controls["angle_deg"].value = 180.0   # redraws the image
    """
    style = {"description_width": "75px"}
    layout = widgets.Layout(width="320px")

    def slider(value: float, lo: float, hi: float, name: str) -> widgets.FloatSlider:
        return widgets.FloatSlider(
            value=value,
            min=lo,
            max=hi,
            step=5,
            description=name,
            style=style,
            layout=layout,
            continuous_update=False,
        )

    controls = {
        "azimuth_deg": slider(azimuth_deg, -180, 180, "azimuth °"),
        "elevation_deg": slider(elevation_deg, -90, 90, "elevation °"),
        "angle_deg": slider(angle_deg, -360, 360, "angle °"),
    }
    return LivePanel(controls, So3Panel(azimuth_deg, elevation_deg, angle_deg))


def sampling_panel(method: str = "even angles (P)", delta_deg: float = 15.0) -> LivePanel:
    """A method menu and a spacing slider driving :class:`helpers.plotting.SamplingPanel`.

    Examples
    --------
    >>> panel = sampling_panel()
    >>> panel.controls["delta_deg"].value = 10.0
    """
    from .plotting import SAMPLING_METHODS, SamplingPanel

    controls = {
        "method": widgets.Dropdown(
            options=list(SAMPLING_METHODS), value=method, description="method"
        ),
        "delta_deg": widgets.FloatSlider(
            value=delta_deg, min=5, max=30, step=1, description="spacing °", continuous_update=False
        ),
    }
    return LivePanel(controls, SamplingPanel(method, delta_deg))


def averaging_panel(spread_deg: float = 15.0, outlier_fraction: float = 0.0) -> LivePanel:
    """Spread and outlier sliders driving :class:`helpers.plotting.AveragingPanel`.

    Examples
    --------
    >>> panel = averaging_panel()
    >>> panel.controls["outlier_fraction"].value = 0.2
    """
    from .plotting import AveragingPanel

    controls = {
        "spread_deg": widgets.FloatSlider(
            value=spread_deg, min=1, max=60, step=1, description="spread °", continuous_update=False
        ),
        "outlier_fraction": widgets.FloatSlider(
            value=outlier_fraction,
            min=0,
            max=0.5,
            step=0.05,
            description="outliers",
            continuous_update=False,
        ),
    }
    return LivePanel(controls, AveragingPanel(spread_deg, outlier_fraction))


def superposition_panel(loop_sd: float = 4.0, outlier_fraction: float = 0.1) -> LivePanel:
    """Loop-disorder and outlier sliders driving :class:`helpers.plotting.SuperpositionPanel`.

    Examples
    --------
    >>> panel = superposition_panel()
    >>> panel.controls["loop_sd"].value = 8.0
    """
    from .plotting import SuperpositionPanel

    controls = {
        "loop_sd": widgets.FloatSlider(
            value=loop_sd, min=0, max=10, step=0.5, description="loop Å", continuous_update=False
        ),
        "outlier_fraction": widgets.FloatSlider(
            value=outlier_fraction,
            min=0,
            max=0.3,
            step=0.02,
            description="outliers",
            continuous_update=False,
        ),
    }
    return LivePanel(controls, SuperpositionPanel(loop_sd, outlier_fraction))


def denoising_panel(dose: float = 2.0, strength: float = 4.0) -> LivePanel:
    """Dose and prior-strength sliders driving :class:`helpers.plotting.DenoisingPanel`.

    Examples
    --------
    >>> panel = denoising_panel()
    >>> panel.controls["dose"].value = 10.0
    """
    from .plotting import DenoisingPanel

    controls = {
        "dose": widgets.FloatLogSlider(
            value=dose,
            base=10,
            min=-0.7,
            max=2,
            step=0.1,
            description="dose e⁻/px",
            continuous_update=False,
        ),
        "strength": widgets.FloatLogSlider(
            value=strength,
            base=10,
            min=-1,
            max=2,
            step=0.1,
            description="prior k",
            continuous_update=False,
        ),
    }
    return LivePanel(controls, DenoisingPanel(dose, strength))


def pose_search_panel(L: float = 8.0, snr: float = 3.0) -> LivePanel:
    """Band-limit and SNR sliders driving :class:`helpers.plotting.PoseScorePanel`.

    Examples
    --------
    >>> panel = pose_search_panel()
    >>> panel.controls["L"].value = 10.0
    """
    from .plotting import PoseScorePanel

    controls = {
        "L": widgets.FloatSlider(
            value=L, min=2, max=12, step=1, description="L (px)", continuous_update=False
        ),
        "snr": widgets.FloatLogSlider(
            value=snr, base=10, min=-2, max=1, step=0.1, description="SNR", continuous_update=False
        ),
    }
    return LivePanel(controls, PoseScorePanel(L, snr))


def orientation_panel(
    azimuth_deg: float = 40.0, elevation_deg: float = 30.0, snr: float = 10.0
) -> LivePanel:
    """Direction and SNR sliders driving :class:`helpers.plotting.OrientationPanel`.

    Examples
    --------
    >>> panel = orientation_panel()          # trains the regressor (under a second)
    >>> panel.controls["snr"].value = 0.1
    """
    from .plotting import OrientationPanel

    controls = {
        "azimuth_deg": widgets.FloatSlider(
            value=azimuth_deg,
            min=-180,
            max=180,
            step=10,
            description="azimuth °",
            continuous_update=False,
        ),
        "elevation_deg": widgets.FloatSlider(
            value=elevation_deg,
            min=-90,
            max=90,
            step=10,
            description="elevation °",
            continuous_update=False,
        ),
        "snr": widgets.FloatLogSlider(
            value=snr,
            base=10,
            min=-2,
            max=1.5,
            step=0.1,
            description="SNR",
            continuous_update=False,
        ),
    }
    return LivePanel(controls, OrientationPanel(azimuth_deg, elevation_deg, snr))


def alignment_panel(angle_deg: float = 20.0, shift: float = 0.0) -> LivePanel:
    """Turn and shift sliders driving :class:`helpers.plotting.AlignmentScorePanel`.

    Examples
    --------
    >>> panel = alignment_panel()
    >>> panel.controls["angle_deg"].value = 45.0
    """
    from .plotting import AlignmentScorePanel

    controls = {
        "angle_deg": widgets.FloatSlider(
            value=angle_deg, min=-90, max=90, step=5, description="turn °", continuous_update=False
        ),
        "shift": widgets.FloatSlider(
            value=shift, min=-9, max=9, step=3, description="shift Å", continuous_update=False
        ),
    }
    return LivePanel(controls, AlignmentScorePanel(angle_deg, shift))


def cryofold_panel(offset_deg: float = 20.0, step: int = 300) -> LivePanel:
    """Start-offset and step sliders driving :class:`helpers.panels.CryofoldPanel`.

    Examples
    --------
    >>> panel = cryofold_panel()             # runs ten short fits (~1 s)
    >>> panel.controls["offset_deg"].value = 60.0
    """
    from .panels import CryofoldPanel

    controls = {
        "offset_deg": widgets.FloatSlider(
            value=offset_deg, min=0, max=90, step=10, description="start °", continuous_update=False
        ),
        "step": widgets.IntSlider(
            value=step, min=0, max=300, step=10, description="step", continuous_update=False
        ),
    }
    return LivePanel(controls, CryofoldPanel(offset_deg, step))


def hyper_molecule_panel(t: float = 0.5, degree: int = 6) -> LivePanel:
    """Conformation and temporal-degree sliders driving :class:`helpers.panels.HyperMoleculePanel`.

    Examples
    --------
    >>> panel = hyper_molecule_panel()       # fits the hyper-molecule once (~1 s)
    >>> panel.controls["degree"].value = 2
    """
    from .panels import HyperMoleculePanel

    controls = {
        "t": widgets.FloatSlider(
            value=t, min=-1, max=1, step=0.1, description="t", continuous_update=False
        ),
        "degree": widgets.IntSlider(
            value=degree, min=1, max=10, step=1, description="terms in t", continuous_update=False
        ),
    }
    return LivePanel(controls, HyperMoleculePanel(t, degree))


def latent_panel(snr: float = 1.0, in_plane_deg: float = 0.0) -> LivePanel:
    """SNR and in-plane-range sliders driving :class:`helpers.panels.LatentPanel`.

    Examples
    --------
    >>> panel = latent_panel()
    >>> panel.controls["in_plane_deg"].value = 90.0
    """
    from .panels import LatentPanel

    controls = {
        "snr": widgets.FloatLogSlider(
            value=snr, base=10, min=-2, max=1, step=0.1, description="SNR", continuous_update=False
        ),
        "in_plane_deg": widgets.FloatSlider(
            value=in_plane_deg,
            min=0,
            max=180,
            step=15,
            description="in-plane °",
            continuous_update=False,
        ),
    }
    return LivePanel(controls, LatentPanel(snr, in_plane_deg))
