# Fits log4's polynomial (assembly/approx.ts): ln(1 + f) = 2s + s^3 q(s^2) with
# s = f / (2 + f) for 1 + f in [sqrt(1/2), sqrt(2)), q a quadratic, minimax in the
# relative error of ln(1 + f) (Lawson's iteratively reweighted least squares); then
# simulates log4's float32 evaluation on every uniform of the stream ((k + 0.5) 2^-23 for
# k < 2^23) and prints the measured maximum relative error against float64 log.
# Run by hand: python3 scripts/fit-log.py
import numpy as np

from minimax import lawson_fit

F = np.float32
s_max = (np.sqrt(2) - 1) / (np.sqrt(2) + 1)
s = np.linspace(1e-4, s_max, 20001)
target = (2 * np.arctanh(s) - 2 * s) / s**3
to_relative = s**3 / (2 * np.arctanh(s))  # an error in q times this is the relative error of ln m
basis = np.vander(s**2, 3, increasing=True)
coefficients, worst = lawson_fit(basis, target, to_relative)
c = coefficients.astype(F)
print('coefficients q0..q2:', [repr(float(v)) for v in c])
print('polynomial max relative error:', worst)

k = np.arange(1 << 23, dtype=np.float64)
x = ((k + 0.5) / 2**23).astype(F)
bits = x.view(np.int32)
e = (bits >> 23) - 126
m = ((bits & 0x007FFFFF) | 0x3F000000).view(F)
small = m < F(0.707106781186547524)
e = e - small.astype(np.int32)
f = (m - F(1)) + np.where(small, m, F(0))
sv = f / (f + F(2))
z = sv * sv
q = c[0] + z * (c[1] + z * c[2])
hfsq = (f * F(0.5)) * f
fe = e.astype(F)
a = sv * (hfsq + z * q) + fe * F(-2.12194440e-4)
result = (fe * F(0.693359375) - ((hfsq - a) - f)).astype(np.float64)
exact = np.log(x.astype(np.float64))
print('float32 log4 max relative error on the stream\'s uniforms:', (np.abs(result - exact) / np.abs(exact)).max())
