// Stirling's series for ln Γ(x) at x >= 7 (terms B_2k / (2k (2k - 1) x^(2k - 1)), k = 1..10),
// reached from smaller x by the recurrence Γ(x + 1) = x Γ(x); as in NumPy's loggam.
const STIRLING = [
  1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400, 43867 / 244188,
  -174611 / 125400,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x === 1 || x === 2) return 0;
  let shift = 0;
  let product = 1;
  let y = x;
  while (y < 7) {
    product *= y;
    y += 1;
    shift += 1;
  }
  const inv = 1 / y;
  const inv2 = inv * inv;
  let series = STIRLING[9]!;
  for (let k = 8; k >= 0; k--) series = series * inv2 + STIRLING[k]!;
  const value = series * inv + HALF_LOG_TWO_PI + (y - 0.5) * Math.log(y) - y;
  return shift > 0 ? value - Math.log(product) : value;
}
