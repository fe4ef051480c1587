"""IPython startup file for the book build: record each shown figure's size and text sizes.

`make site` runs the kernels with IPYTHONDIR pointing at a temporary directory whose
``profile_default/startup/`` holds this file. It wraps the inline backend's figure
metadata so that every figure shown by ``plt.show()`` (or at the end of a cell) carries,
in its output's metadata under ``book_figure``, its size in inches, its dpi and the
smallest font size (points) of any visible text, tick labels included.
``scripts/figure_check.py`` reads that from the executed notebooks in
``_build/jupyter_execute``. Nothing here changes what is drawn.
"""


def _book_figure_record():
    try:
        import matplotlib_inline.backend_inline as inline
        from matplotlib.text import Text
    except ImportError:
        return
    original = inline._fetch_figure_metadata

    def smallest_text_pt(fig):
        sizes = [
            t.get_fontsize()
            for t in fig.findobj(Text)
            if t.get_visible()
            and t.get_text().strip()
            and (getattr(t, "axes", None) is None or t.axes.get_visible())
        ]
        # tick labels get their text only when drawn: take their size from the first tick
        for ax in fig.axes:
            if not (ax.get_visible() and ax.axison):
                continue
            for axis in (ax.xaxis, ax.yaxis):
                ticks = axis.get_major_ticks()
                if ticks and (ticks[0].label1.get_visible() or ticks[0].label2.get_visible()):
                    sizes.append(ticks[0].label1.get_fontsize())
        return min(sizes) if sizes else None

    def fetch(fig):
        md = original(fig) or {}
        try:
            w, h = fig.get_size_inches()
            md["book_figure"] = {
                "width_in": round(float(w), 3),
                "height_in": round(float(h), 3),
                "dpi": float(fig.dpi),
                "min_text_pt": smallest_text_pt(fig),
            }
        except Exception as err:  # never break a chapter over a measurement
            md["book_figure"] = {"error": repr(err)}
        return md

    inline._fetch_figure_metadata = fetch


_book_figure_record()
del _book_figure_record
