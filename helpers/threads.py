"""BLAS thread limits for small problems on shared CPUs.

The chapters' linear algebra is small (3x3 products, L-BFGS steps on a few hundred
parameters), where OpenBLAS threads cost more in waking and spinning than they save,
and on a busy machine (Binder, Colab, CI, a laptop in a meeting) a spinning thread that
waits for a core already taken slows a chapter down severalfold. Importing
:mod:`helpers` therefore calls :func:`limit_blas_threads` once, so the book build,
``make lab``, Binder and Colab all run with one BLAS thread. Set the environment variable
``HELPERS_BLAS_THREADS`` to a positive integer (or to ``off``) before importing
:mod:`helpers` to choose otherwise.
"""

from __future__ import annotations

import os

__all__ = ["limit_blas_threads"]

_ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def limit_blas_threads(n: int | None = None) -> int | None:
    """Limit the BLAS libraries of this process to ``n`` threads.

    Libraries already loaded (numpy's and scipy's OpenBLAS) are limited through
    threadpoolctl; for libraries loaded later, ``OPENBLAS_NUM_THREADS`` and its kin are
    set unless the user set them already.

    Parameters
    ----------
    n : int or None
        Number of threads, at least 1. ``None`` reads ``HELPERS_BLAS_THREADS`` from the
        environment (default 1; ``off`` leaves the libraries alone).

    Returns
    -------
    int or None
        The limit applied, or ``None`` if limiting was turned off.

    Examples
    --------
    >>> limit_blas_threads(1)
    1
    >>> from threadpoolctl import threadpool_info
    >>> all(p["num_threads"] == 1 for p in threadpool_info() if p["user_api"] == "blas")
    True
    """
    if n is None:
        setting = os.environ.get("HELPERS_BLAS_THREADS", "1").strip().lower()
        if setting in ("off", "none", ""):
            return None
        try:
            n = int(setting)
        except ValueError:
            raise ValueError(
                f"HELPERS_BLAS_THREADS must be a positive integer or 'off', got {setting!r}"
            ) from None
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    for var in _ENV_VARS:
        os.environ.setdefault(var, str(n))
    import numpy  # noqa: F401  (loads numpy's BLAS)
    import scipy.linalg  # noqa: F401  (loads scipy's BLAS)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=n, user_api="blas")
    return n
