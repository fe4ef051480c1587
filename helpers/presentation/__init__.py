"""Presentation: the house style, drawing primitives, one-off figures and live panels.

The only part of :mod:`helpers` that imports matplotlib or ipywidgets; the mathematics
modules never import it (``tests/test_api_policy.py`` checks both).

- :mod:`.style`: :func:`use_house_style`, :func:`plain_log_ticks`, :func:`text_color_on`,
  :data:`AXIS_COLORS`;
- :mod:`.draw`: orthographic views on 2-D axes (:func:`view_basis`,
  :func:`draw_frame`, :class:`SpherePoints`);
- :mod:`.figures`: figures a chapter draws once (:func:`double_cover_figure`);
- :mod:`.live`: :class:`Control`, :class:`Panel` and the one widget wrapper
  :func:`live` / :class:`LivePanel`;
- :mod:`.panels`: one panel class per meeting chapter.

A chapter shows a panel twice from the same class::

    display(live(So3Panel, angle=np.pi / 2))   # sliders, in JupyterLab/Binder/Colab
    So3Panel(angle=np.pi / 2).fig                 # the static twin on the website
"""

from . import panels
from .draw import FrameArtists, SpherePoints, draw_frame, spherical_to_axis, view_basis
from .figures import double_cover_figure
from .live import Control, LivePanel, Panel, live
from .panels import *  # noqa: F403  (the panel classes, listed once in panels.__all__)
from .style import AXIS_COLORS, plain_log_ticks, text_color_on, use_house_style

__all__ = [
    "AXIS_COLORS",
    "use_house_style",
    "plain_log_ticks",
    "text_color_on",
    "view_basis",
    "spherical_to_axis",
    "FrameArtists",
    "draw_frame",
    "SpherePoints",
    "double_cover_figure",
    "Control",
    "Panel",
    "LivePanel",
    "live",
    *panels.__all__,
]
