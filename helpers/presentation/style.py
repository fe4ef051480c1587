"""The book's house style: matplotlib defaults, axis colours, log-axis labels, and the
text colour that reads on a coloured image cell.

Used by every figure and panel of :mod:`helpers.presentation`; chapters call
:func:`use_house_style` once in their imports cell.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib import ticker
from matplotlib.axis import Axis
from matplotlib.image import AxesImage

from .._checks import check_scalar

__all__ = ["AXIS_COLORS", "use_house_style", "plain_log_ticks", "text_color_on"]

AXIS_COLORS = ("#d62728", "#2ca02c", "#1f77b4")  # x red, y green, z blue


def use_house_style() -> None:
    """Set the book's matplotlib defaults (sizes, grid, colour cycle).

    The site shows figures at about 690 px with ``figure.dpi`` 96: figures are drawn at
    most ~9 inches wide so that 8 pt text stays at least 8 px on the page.

    Parameters
    ----------
    None
        The defaults are set in ``matplotlib.rcParams`` for the rest of the session.

    Examples
    --------
    >>> use_house_style()
    >>> plt.rcParams["figure.dpi"]
    96.0
    """
    plt.rcParams.update(
        {
            "figure.dpi": 96,
            "savefig.dpi": 96,
            "figure.figsize": (6.4, 4.0),
            "font.size": 10,
            "axes.titlesize": 11,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
        }
    )


def plain_log_ticks(axis: Axis) -> None:
    """Label a log-scaled axis with plain numbers (0.1, 1, 10) instead of mathtext powers.

    Live panels redraw on every slider move, and matplotlib re-parses each mathtext
    label ``10^{k}`` on every draw (several ms each); plain labels cost almost nothing.

    Parameters
    ----------
    axis : matplotlib.axis.Axis
        The axis to label (``ax.xaxis`` or ``ax.yaxis``); minor labels are removed.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> ax.set_yscale("log"); _ = ax.set_ylim(0.1, 10); plain_log_ticks(ax.yaxis)
    >>> fig.canvas.draw(); [t.get_text() for t in ax.get_yticklabels()][1:4]
    ['0.1', '1', '10']
    >>> plt.close(fig)
    """
    if not isinstance(axis, Axis):
        raise ValueError(f"axis must be a matplotlib Axis, got {type(axis).__name__}")
    axis.set_major_formatter(ticker.FuncFormatter(lambda v, _pos: f"{v:g}"))
    axis.set_minor_formatter(ticker.NullFormatter())


def text_color_on(image: AxesImage, value: float) -> str:
    """Black or white, whichever reads better on the colour ``image`` gives ``value``.

    Uses the luma of the colour (ITU-R BT.601 weights) with a threshold of one half.

    Parameters
    ----------
    image : matplotlib.image.AxesImage
        The image whose colormap and normalisation colour the cell.
    value : float
        The data value of the cell.

    Returns
    -------
    str
        ``"black"`` or ``"white"``.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> im = ax.imshow([[0.0]], cmap="RdBu_r", vmin=-1, vmax=1)
    >>> text_color_on(im, 0.97), text_color_on(im, 0.0)
    ('white', 'black')
    >>> plt.close(fig)
    """
    if not isinstance(image, AxesImage):
        raise ValueError(f"image must be a matplotlib AxesImage, got {type(image).__name__}")
    v = check_scalar(value, "value")
    r, g, b, _ = image.cmap(image.norm(v))
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"
