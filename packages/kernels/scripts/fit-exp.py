# Fits exp4's polynomial (assembly/approx.ts): e^r = 1 + (r + r^2 q(r)) on [-ln2/2, ln2/2],
# q a quartic, minimax in the relative error of e^r (Lawson's iteratively reweighted least
# squares), then simulates the float32 evaluation of exp4 over its whole range and prints
# the measured maximum relative error against float64 exp. Run by hand: python3 scripts/fit-exp.py
import numpy as np

from minimax import lawson_fit

F = np.float32
half_ln2 = np.log(2) / 2
r = np.linspace(-half_ln2, half_ln2, 20001)
r = r[r != 0]
target = (np.exp(r) - 1 - r) / r**2
to_relative = r**2 / np.exp(r)  # an error in q times this is the relative error of e^r
basis = np.vander(r, 5, increasing=True)
coefficients, worst = lawson_fit(basis, target, to_relative)
c = coefficients.astype(F)
print('coefficients c2..c6:', [float(v) for v in c])
print('polynomial max relative error:', worst)

x = np.linspace(-86.98, 88.72, 4_000_001).astype(F)
shifted = x * F(1.44269504088896341) + F(12582912.0)
k = shifted - F(12582912.0)
rr = x - k * F(0.693359375)
rr = rr - k * F(-2.12194440e-4)
r2 = rr * rr
q = ((c[1] * rr + c[0]) + r2 * (c[3] * rr + c[2])) + (r2 * r2) * c[4]
y = (rr + r2 * q) + F(1)
result = (y.astype(np.float64) * 2.0 ** k.astype(np.float64)).astype(F).astype(np.float64)
exact = np.exp(x.astype(np.float64))
print('float32 exp4 max relative error on [-86.98, 88.72]:', (np.abs(result - exact) / exact).max())
