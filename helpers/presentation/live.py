"""Live panels: a base class for figures that update in place, the declaration of their
controls, and the one ipywidgets wrapper that builds sliders from that declaration.

A panel class (subclass of :class:`Panel`) declares its ``controls`` (name, range, step,
default, label with unit), draws its figure once in :meth:`Panel.build` and changes
only its artists in :meth:`Panel.redraw`. The chapter shows it twice from the same
class: ``live(SomePanel, ...)`` (sliders above a picture, for JupyterLab, Binder and
Colab) and ``SomePanel(...).fig`` (the static twin on the website).

Units (see ``book/conventions.md``): a panel's arguments follow the API policy, angles in
radians; a control declared with ``degrees=True`` shows degrees on its slider (its
``default``, ``low``, ``high`` and ``step`` are in degrees) and the wrapper converts
the slider's value to radians before it reaches the panel.
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, ClassVar

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .._checks import check_scalar

__all__ = ["Control", "Panel", "axes_content", "BlitRenderer", "LivePanel", "live"]

KINDS = ("float", "log", "int", "choice")


@dataclass(frozen=True)
class Control:
    """One control of a live panel, declared on the panel class.

    Parameters
    ----------
    name : str
        Keyword of the panel's constructor and :meth:`Panel.update`.
    label : str
        Text beside the slider, with the unit (``"loop Å"``, ``"spacing °"``).
    default : float, int or str
        Initial value, in the slider's unit (degrees for ``degrees=True``).
    low, high : float
        Range of the slider (for ``"log"``: the values at its two ends, not exponents).
    step : float
        Slider step (for ``"log"``: in decades, e.g. ``0.1``).
    kind : {"float", "log", "int", "choice"}
        A linear slider, a logarithmic slider, an integer slider, or a menu.
    options : tuple of str
        The menu's entries (``kind="choice"`` only).
    degrees : bool
        The slider shows degrees; the panel receives radians.

    Examples
    --------
    >>> c = Control("angle", "angle °", 90.0, -360.0, 360.0, 5.0, degrees=True)
    >>> round(c.to_api(180.0), 6)
    3.141593
    """

    name: str
    label: str
    default: float | int | str
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0
    kind: str = "float"
    options: tuple[str, ...] = ()
    degrees: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if self.kind == "choice":
            if self.default not in self.options:
                raise ValueError(f"default must be one of options, got {self.default!r}")
        else:
            if not self.low < self.high:
                raise ValueError(f"low must be below high for control {self.name!r}")
            if not self.step > 0:
                raise ValueError(f"step must be positive for control {self.name!r}")
            if self.kind == "log" and not self.low > 0:
                raise ValueError(f"low must be positive for the log control {self.name!r}")

    def to_api(self, shown: Any) -> Any:
        """The panel's value (radians for a degree slider) for a value shown on the slider.

        Parameters
        ----------
        shown : float, int or str
            The slider's value.
        """
        return math.radians(shown) if self.degrees else shown

    def to_shown(self, value: Any) -> Any:
        """The slider's value for a panel value (the inverse of :meth:`to_api`).

        Parameters
        ----------
        value : float, int or str
            The panel's value.
        """
        return math.degrees(value) if self.degrees else value

    def check(self, value: Any) -> Any:
        """Return ``value`` (in the panel's unit) checked against this control's range.

        Parameters
        ----------
        value : float, int or str
            The value given to the panel.

        Raises
        ------
        ValueError
            Naming the control, for NaN, a wrong type, or a value outside the range.
        """
        if self.kind == "choice":
            if value not in self.options:
                raise ValueError(f"{self.name} must be one of {self.options}, got {value!r}")
            return value
        lo, hi = self.to_api(self.low), self.to_api(self.high)
        tol = 1e-9 * (abs(lo) + abs(hi))
        v = check_scalar(value, self.name, lo - tol, hi + tol)
        if self.kind == "int":
            if v != int(v):
                raise ValueError(f"{self.name} must be an integer, got {v}")
            return int(v)
        return v

    def widget(self, value: Any) -> widgets.ValueWidget:
        """An ipywidgets control showing ``value`` (given in the panel's unit).

        Parameters
        ----------
        value : float, int or str
            Initial value in the panel's unit.
        """
        common = {
            "description": self.label,
            "continuous_update": False,  # one redraw when a slider is released
            "style": {"description_width": "80px"},
            "layout": widgets.Layout(width="310px"),
        }
        if self.kind == "choice":
            common.pop("continuous_update")
            return widgets.Dropdown(options=list(self.options), value=value, **common)
        shown = self.to_shown(value)
        if self.kind == "log":
            return widgets.FloatLogSlider(
                value=shown,
                base=10,
                min=math.log10(self.low),
                max=math.log10(self.high),
                step=self.step,
                **common,
            )
        if self.kind == "int":
            return widgets.IntSlider(
                value=int(shown), min=int(self.low), max=int(self.high), step=int(self.step),
                **common,
            )  # fmt: skip
        return widgets.FloatSlider(
            value=shown, min=self.low, max=self.high, step=self.step, **common
        )


class Panel:
    """Base class of a figure drawn once and updated in place from declared controls.

    A subclass declares ``controls`` (a tuple of :class:`Control`), draws its artists
    in :meth:`build` and changes them in :meth:`redraw`; work that does not depend on
    the controls goes into a cached, documented precomputation (done once per process
    and shared by the live panel and its static twin), never into every redraw.

    Parameters
    ----------
    **values
        A value for any of the declared controls, in the panel's units (angles in
        radians); the others take their declared defaults.

    Attributes
    ----------
    fig : matplotlib.figure.Figure
        The figure (the static twin is ``SomePanel(...).fig``).
    values : dict
        The current value of every control, in the panel's units.
    dynamic : list of matplotlib.artist.Artist or matplotlib.axes.Axes
        The artists :meth:`redraw` changes, in drawing order; an Axes stands for its
        :func:`axes_content` (see :meth:`background_key`). A live panel draws only these
        over a cached picture of the rest.
    keyed : list of matplotlib.artist.Artist
        Artists drawn below every dynamic one that change only when
        :meth:`background_key` does (the ticks of an axes whose limits follow one
        control): a live panel caches the picture with them and redraws them only when
        the key changes.
    static : list of matplotlib.artist.Artist
        Artists inside a dynamic Axes that never change and overlap nothing that does
        (a legend outside the data area): they stay in the cached picture.

    Examples
    --------
    >>> class Dot(Panel):
    ...     controls = (Control("x", "x (Å)", 0.5, 0.0, 1.0, 0.1),)
    ...     def build(self):
    ...         self.fig, ax = plt.subplots()
    ...         (self.dot,) = ax.plot([], [], "o")
    ...     def redraw(self, x):
    ...         self.dot.set_data([x], [0.0])
    >>> panel = Dot(x=0.2)
    >>> panel.update(x=0.9)
    >>> panel.values
    {'x': 0.9}
    >>> plt.close(panel.fig)
    """

    controls: ClassVar[tuple[Control, ...]] = ()
    fig: Figure
    dynamic: list[Artist]
    keyed: list[Artist]
    static: list[Artist]

    def __init__(self, **values: Any):
        self.values = self.check_values(values, base=self.defaults())
        self.dynamic = []
        self.keyed = []
        self.static = []
        self.build()
        self.redraw(**self.values)

    def background_key(self) -> Hashable:
        """What the figure's static part (everything but ``dynamic``) depends on.

        A live panel draws the static part once and, on each update, only the artists
        listed in ``self.dynamic`` over it (``build`` fills the list; empty: the whole
        figure is drawn each time). When this key changes, the ``keyed`` artists are
        drawn again over the static part. The default, ``None``, says it never
        changes; a panel whose redraw changes anything outside ``dynamic`` (axis limits
        and their ticks, listed in ``keyed``) returns what that depends on.
        """
        return None

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """The declared default of every control, in the panel's units."""
        return {c.name: c.check(c.to_api(c.default)) for c in cls.controls}

    @classmethod
    def check_values(cls, values: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
        """``base`` with ``values`` checked and merged in (unknown names raise ValueError).

        Parameters
        ----------
        values : dict
            New values by control name, in the panel's units.
        base : dict
            The values they replace.
        """
        by_name = {c.name: c for c in cls.controls}
        out = dict(base)
        for name, value in values.items():
            if name not in by_name:
                raise ValueError(f"{name} is not a control of {cls.__name__}: {list(by_name)}")
            out[name] = by_name[name].check(value)
        return out

    @classmethod
    def live(cls, **values: Any) -> LivePanel:
        """The panel with sliders for JupyterLab (see :func:`live`).

        Parameters
        ----------
        **values
            Initial control values, in the panel's units.
        """
        return LivePanel(cls(**values))

    def build(self) -> None:
        """Draw the figure once and keep handles on the artists :meth:`redraw` changes."""
        raise NotImplementedError

    def redraw(self, **values: Any) -> None:
        """Change the artists for the (checked) control values.

        Parameters
        ----------
        **values
            The value of every control, in the panel's units.
        """
        raise NotImplementedError

    def update(self, **values: Any) -> None:
        """Set some controls (panel units, checked) and update the figure in place.

        Parameters
        ----------
        **values
            New values of any of the controls.
        """
        self.values = self.check_values(values, base=self.values)
        self.redraw(**self.values)


def axes_content(ax: Axes) -> list[Artist]:
    """What an axes draws inside and around its frame except its background and its two
    axes (ticks, tick labels, axis labels, grid), in matplotlib's drawing order.

    These are what a live panel redraws when the panel lists the axes in its
    ``dynamic`` artists: data, texts, legend, spines and title. For the cached picture
    to equal a full draw, the axis objects must be drawn below all of them
    (``ax.set_axisbelow(True)`` where a grid is shown).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes.

    Returns
    -------
    list of matplotlib.artist.Artist
        Sorted by z-order (stable, as :meth:`matplotlib.axes.Axes.draw` sorts).

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> (line,) = ax.plot([0, 1])
    >>> line in axes_content(ax), ax.xaxis in axes_content(ax)
    (True, False)
    >>> plt.close(fig)
    """
    if not isinstance(ax, Axes):
        raise ValueError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    skip = {id(ax.patch), *(id(axis) for axis in (ax.xaxis, ax.yaxis))}
    return sorted((a for a in ax.get_children() if id(a) not in skip), key=lambda a: a.get_zorder())


class BlitRenderer:
    """Renders a panel's figure to PNG, drawing only its dynamic artists when it can.

    The static part of the figure (every artist not in ``panel.dynamic``) is drawn once
    and kept as a pixel buffer; each render restores that buffer and draws the dynamic
    artists over it, in the order listed (an Axes in the list stands for
    :func:`axes_content`, in z-order). The panel's ``keyed`` artists are drawn over
    the static part, and that picture cached, whenever ``panel.background_key()``
    changes. The figure is drawn at ``dpi`` on its own Agg
    canvas and encoded with zlib level 1 (3-5x faster than the default level for a few
    per cent more bytes).

    Parameters
    ----------
    panel : Panel
        The panel whose figure to render.
    dpi : float
        Resolution of the picture (the figure's dpi is set to it).

    Examples
    --------
    >>> from helpers.presentation import So3Panel
    >>> panel = So3Panel()
    >>> renderer = BlitRenderer(panel, dpi=40)
    >>> renderer.render()[:4]
    b'\\x89PNG'
    >>> plt.close(panel.fig)
    """

    def __init__(self, panel: Panel, dpi: float):
        self.panel = panel
        self.fig = panel.fig
        self.fig.set_dpi(check_scalar(dpi, "dpi", low=0.0, low_open=True))
        self.canvas = FigureCanvasAgg(self.fig)
        self.key: Any = None
        self.base = None  # the static part
        self.background = None  # the static part with the keyed artists

    def _expand(self, items: list) -> list[Artist]:
        """Artists in drawing order (an Axes stands for its content), minus ``static``."""
        out: list[Artist] = []
        static = {id(a) for a in self.panel.static}
        for item in items:
            out.extend(axes_content(item) if isinstance(item, Axes) else [item])
        return [a for a in out if id(a) not in static]

    def draw(self) -> None:
        """Draw the figure into the canvas's buffer (static and keyed parts cached)."""
        if not self.panel.dynamic:
            self.canvas.draw()
            return
        keyed = self._expand(self.panel.keyed)
        dynamic = self._expand(self.panel.dynamic)
        renderer = self.canvas.get_renderer()
        if self.base is None:
            for a in keyed + dynamic:
                a.set_animated(True)  # left out of a full draw
            try:
                self.canvas.draw()
            finally:
                for a in keyed + dynamic:
                    a.set_animated(False)
            self.base = self.canvas.copy_from_bbox(self.fig.bbox)
            renderer = self.canvas.get_renderer()
        key = self.panel.background_key()
        if self.background is None or key != self.key:
            self.canvas.restore_region(self.base)
            for a in keyed:
                if a.get_visible():
                    a.draw(renderer)
            self.background = self.canvas.copy_from_bbox(self.fig.bbox) if keyed else self.base
            self.key = key
        else:
            self.canvas.restore_region(self.background)
        for a in dynamic:
            if a.get_visible():
                a.draw(renderer)

    def render(self) -> bytes:
        """The figure as PNG bytes.

        Returns
        -------
        bytes
        """
        from PIL import Image

        self.draw()
        w, h = self.canvas.get_width_height()
        img = Image.frombuffer("RGBA", (w, h), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        img.save(buf, format="png", compress_level=1)
        return buf.getvalue()


class LivePanel(widgets.VBox):
    """Sliders built from a panel's declared controls, above a picture of its figure.

    Moving a control calls the panel's :meth:`Panel.update` and re-renders the figure
    into an :class:`ipywidgets.Image`. The figure is closed for the plotting backend, so
    it is shown only inside the widget; its dpi becomes the picture's (the static twin
    is drawn by a second instance of the panel class).

    Parameters
    ----------
    view : Panel
        The panel to drive.
    dpi : float
        Resolution of the rendered picture (80: an 8.6-inch figure is 688 px, the
        site's column, and 8 pt text is 8.9 px).

    Attributes
    ----------
    controls : dict of str to ipywidgets widget
        One widget per declared control, by name.
    seconds, cpu_seconds : float
        Wall-clock and CPU time of the last callback (for benchmarks/bench_widgets.py).

    Examples
    --------
    >>> from helpers.presentation import So3Panel
    >>> panel = LivePanel(So3Panel())
    >>> panel.controls["angle"].value = 180.0   # degrees on the slider; redraws the image
    >>> round(panel.view.values["angle"], 6)
    3.141593
    """

    def __init__(self, view: Panel, dpi: float = 80):
        if not isinstance(view, Panel):
            raise ValueError(f"view must be a Panel, got {type(view).__name__}")
        self.view = view
        self.dpi = check_scalar(dpi, "dpi", low=0.0, low_open=True)
        self.seconds = self.cpu_seconds = 0.0
        plt.close(view.fig)  # drawn into the Image widget only, never shown by the backend
        self.renderer = BlitRenderer(view, self.dpi)
        self.controls = {c.name: c.widget(view.values[c.name]) for c in view.controls}
        for c in view.controls:
            self.controls[c.name].observe(self._callback(c), names="value")
        self.image = widgets.Image(
            value=self.renderer.render(), format="png", layout=widgets.Layout(max_width="100%")
        )
        # controls wrap onto further rows on a narrow screen (a phone, a split window)
        row = widgets.HBox(
            list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")
        )
        super().__init__([row, self.image])

    def __repr__(self) -> str:
        # what a page without a kernel shows in place of the widget (the website): the
        # chapter draws the same figure as a static twin just below
        return (
            "Live panel: run this chapter in JupyterLab, Binder or Colab to move its "
            "sliders; the figure below is drawn by the same code."
        )

    def _callback(self, control: Control):
        def on_change(change: dict) -> None:
            self.update(**{control.name: control.to_api(change["new"])})

        return on_change

    def update(self, **values: Any) -> None:
        """Update the panel (panel units, e.g. radians) and re-render the picture.

        Parameters
        ----------
        **values
            New values of any of the panel's controls.
        """
        t0, c0 = time.perf_counter(), time.process_time()
        self.view.update(**values)
        self.image.value = self.renderer.render()
        self.seconds = time.perf_counter() - t0
        self.cpu_seconds = time.process_time() - c0


def live(panel: type[Panel], **values: Any) -> LivePanel:
    """A live panel (sliders above the figure) for a :class:`Panel` subclass.

    Parameters
    ----------
    panel : type
        A subclass of :class:`Panel`, e.g. :class:`helpers.presentation.So3Panel`.
    **values
        Initial control values in the panel's units (angles in radians); the rest
        take the declared defaults.

    Returns
    -------
    LivePanel
        ``display(...)`` it in a notebook; ``.view.fig`` is the figure.

    Examples
    --------
    >>> from helpers.presentation import So3Panel
    >>> panel = live(So3Panel, angle=math.pi / 2)
    >>> panel.controls["angle"].value
    90.0
    """
    if not (isinstance(panel, type) and issubclass(panel, Panel)):
        raise ValueError(f"panel must be a Panel subclass, got {panel!r}")
    return panel.live(**values)
