"""Live panels for walkthroughs: thin ipywidgets wrappers around :mod:`helpers.plotting`.

Each factory returns a widget whose callback redraws one plotting function into a
PNG shown by an :class:`ipywidgets.Image`; the chapter also calls that plotting
function once for the static twin shown on the website.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from .plotting import So3Panel

__all__ = ["figure_to_png", "LivePanel", "so3_panel"]


def figure_to_png(fig: Figure, dpi: float = 80) -> bytes:
    """Render a figure to PNG bytes and close it.

    Examples
    --------
    >>> figure_to_png(plt.figure(figsize=(1, 1)))[:4]
    b'\\x89PNG'
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()


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
        self.image = widgets.Image(format="png")
        plt.close(view.fig)  # drawn into the Image widget only, never shown by the backend
        for w in controls.values():
            w.observe(self.update, names="value")
        super().__init__([widgets.HBox(list(controls.values())), self.image])
        self.update()

    def update(self, _change: object = None) -> None:
        """Update the figure from the current control values and re-render the image."""
        self.view.update(**{k: w.value for k, w in self.controls.items()})
        buf = io.BytesIO()
        self.view.fig.savefig(buf, format="png", dpi=self.dpi)
        self.image.value = buf.getvalue()


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
