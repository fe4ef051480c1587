"""Tested helper functions shared by the chapters of *Learn Cryo-EM Math*.

Modules are small and single-purpose; import the one you need, e.g.
``from helpers import rotations``. See ``book/conventions.md`` for the conventions.

Two layers: the mathematics modules (numpy and scipy only; :mod:`helpers.toydata`
builds the demonstration data sets) and :mod:`helpers.presentation` (house style,
drawing primitives, figures and one live panel per meeting chapter), the only part that
imports matplotlib or ipywidgets. The mathematics never imports the presentation.
"""

__version__ = "0.1.0"

# one BLAS thread unless HELPERS_BLAS_THREADS says otherwise: see helpers.threads
from .threads import limit_blas_threads as _limit_blas_threads

_limit_blas_threads()
