"""helpers.threads: one BLAS thread after `import helpers`, and input checks."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from helpers.threads import limit_blas_threads


def blas_threads_after_import(env: dict[str, str]) -> list[int]:
    code = (
        "import helpers\nimport numpy\nimport scipy.linalg\n"
        "from threadpoolctl import threadpool_info\n"
        "print([p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas'])"
    )
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return eval(out.stdout)


def test_import_limits_blas_to_one_thread():
    threads = blas_threads_after_import({})
    assert threads and all(n == 1 for n in threads), threads


def test_environment_can_choose_or_turn_off():
    assert all(n == 2 for n in blas_threads_after_import({"HELPERS_BLAS_THREADS": "2"}))
    # "off" leaves OpenBLAS at its own default (one thread per core: 2 or more here)
    off = blas_threads_after_import({"HELPERS_BLAS_THREADS": "off"})
    assert max(off) > 1 or os.cpu_count() == 1, off


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_bad_thread_counts_raise(bad):
    with pytest.raises(ValueError, match="n"):
        limit_blas_threads(bad)


def test_bad_environment_raises(monkeypatch):
    monkeypatch.setenv("HELPERS_BLAS_THREADS", "many")
    with pytest.raises(ValueError, match="HELPERS_BLAS_THREADS"):
        limit_blas_threads()
