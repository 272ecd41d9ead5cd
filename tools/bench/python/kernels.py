"""NumPy reference figures for the kernels benchmark (elements/s, one thread).

Normal draws use NumPy's Generator (PCG64 + float32 ziggurat); the KL and the
reparameterised sample are the vectorised expressions a NumPy user writes. Prints one
JSON object on the last line of stdout; run by tools/bench (kernels) or by hand:

    python3 tools/bench/python/kernels.py --size 4194304 --repetitions 5
"""
import argparse
import json
import os
import time

# One thread, like the WebAssembly and TypeScript figures beside it.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402


def rate(fn, work, repetitions, seconds):
    fn()
    start = time.perf_counter()
    fn()
    calls = max(1, int(seconds / max(time.perf_counter() - start, 1e-9)) + 1)
    rates = []
    for _ in range(repetitions):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        rates.append(work * calls / (time.perf_counter() - start))
    return rates


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1 << 22)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.25, help="target seconds per repetition")
    args = parser.parse_args()
    n = args.size
    rng = np.random.default_rng(1)
    mu = rng.standard_normal(n, dtype=np.float32)
    logvar = (3 * rng.random(n, dtype=np.float32) - 2).astype(np.float32)
    eps = rng.standard_normal(n, dtype=np.float32)
    out = np.empty(n, dtype=np.float32)

    def normal():
        rng.standard_normal(n, dtype=np.float32, out=out)

    def reparameterize():
        np.multiply(np.exp(0.5 * logvar), eps, out=out)
        np.add(out, mu, out=out)

    def kl_forward():
        return float(0.5 * np.sum(np.exp(logvar) + mu * mu - 1 - logvar, dtype=np.float64))

    def copy():
        np.copyto(out, mu)

    r, s = args.repetitions, args.seconds
    print(
        json.dumps(
            {
                "numpy": np.__version__,
                "normal": rate(normal, n, r, s),
                "reparameterize": rate(reparameterize, n, r, s),
                "kl-forward": rate(kl_forward, n, r, s),
                "copy_bytes": rate(copy, 8 * n, r, s),
            }
        )
    )


if __name__ == "__main__":
    main()
