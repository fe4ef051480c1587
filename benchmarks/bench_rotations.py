"""Time the rotation helpers against scipy.spatial.transform.Rotation.

Prints a table: each conversion on 10^6 rotations, and rotating 10^6 points by one
rotation, ours vs scipy; then matrix vs quaternion rotation of many points (the
numbers behind Question 5 of the SO(3) chapter). Target: within 1.5x of scipy.

Run: .venv/bin/python benchmarks/bench_rotations.py
"""

from __future__ import annotations

import timeit

import numpy as np
from scipy.spatial.transform import Rotation

from helpers import rotations as rot

N = 1_000_000


def best_ms(f, number: int = 3, repeat: int = 5) -> float:
    return 1e3 * min(timeit.repeat(f, number=number, repeat=repeat)) / number


def main() -> None:
    rng = np.random.default_rng(0)
    sp = Rotation.random(N, random_state=1)
    q = sp.as_quat(scalar_first=True)
    R = sp.as_matrix()
    rv = sp.as_rotvec()
    X = rng.normal(size=(N, 3))
    one = Rotation.random(random_state=2)
    R1 = one.as_matrix()

    rows = [
        (
            "quaternion -> matrix",
            lambda: rot.quat_to_matrix(q),
            lambda: Rotation.from_quat(q, scalar_first=True).as_matrix(),
        ),
        (
            "matrix -> quaternion",
            lambda: rot.matrix_to_quat(R),
            lambda: Rotation.from_matrix(R).as_quat(scalar_first=True),
        ),
        (
            "rotvec -> matrix (exp)",
            lambda: rot.exp_so3(rv),
            lambda: Rotation.from_rotvec(rv).as_matrix(),
        ),
        (
            "matrix -> rotvec (log)",
            lambda: rot.log_so3(R),
            lambda: Rotation.from_matrix(R).as_rotvec(),
        ),
        ("compose quaternions", lambda: rot.quat_multiply(q, q[::-1]), lambda: sp * sp[::-1]),
        ("rotate 10^6 points, one R", lambda: rot.rotate_points(R1, X), lambda: one.apply(X)),
        ("rotate 10^6 points, own R each", lambda: rot.rotate_points(R, X), lambda: sp.apply(X)),
    ]
    print(f"{'operation (n = 10^6)':34s} {'ours ms':>9s} {'scipy ms':>9s} {'ratio':>6s}")
    for name, ours, theirs in rows:
        a, b = best_ms(ours), best_ms(theirs)
        flag = "" if a <= 1.5 * b else "  > 1.5x"
        print(f"{name:34s} {a:9.1f} {b:9.1f} {a / b:6.2f}{flag}")

    print()
    print("Rotating many points by one rotation (Question 5):")
    q1 = one.as_quat(scalar_first=True)
    for n in (10_000, 100_000, 1_000_000):
        Xn = X[:n]
        m = best_ms(lambda: rot.rotate_points(rot.quat_to_matrix(q1), Xn))
        qq = best_ms(lambda: rot.quat_rotate(q1, Xn))
        print(
            f"  n = {n:>9,d}: matrix {m:8.2f} ms   quaternion q p q* {qq:8.2f} ms   ratio {qq / m:5.1f}x"
        )


if __name__ == "__main__":
    main()
