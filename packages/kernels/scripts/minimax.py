# Lawson's iteratively reweighted least squares: the polynomial (columns of `basis`) that
# approximates `target` with the smallest maximum of |error * to_relative|, the weight
# turning an error of the polynomial into the relative error of the function it serves.
# Shared by fit-exp.py and fit-log.py.
import numpy as np


def lawson_fit(basis, target, to_relative, iterations=300):
    """Returns (coefficients, maximum weighted error)."""
    weights = np.ones(len(target))
    for _ in range(iterations):
        w = np.sqrt(weights) * to_relative
        coefficients, *_ = np.linalg.lstsq(basis * w[:, None], target * w, rcond=None)
        error = np.abs((basis @ coefficients - target) * to_relative)
        weights = weights * error
        weights /= weights.sum()
    return coefficients, error.max()
