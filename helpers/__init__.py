"""Tested helper functions shared by the chapters of *Learn Cryo-EM Math*.

Modules are small and single-purpose; import the one you need, e.g.
``from helpers import rotations``. See ``book/conventions.md`` for the conventions.
"""

__version__ = "0.1.0"

# one BLAS thread unless HELPERS_BLAS_THREADS says otherwise: see helpers.threads
from .threads import limit_blas_threads as _limit_blas_threads

_limit_blas_threads()
