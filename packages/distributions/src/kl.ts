import * as tf from '@tensorflow/tfjs';
import { formatShape, invalidArgument } from '@elbo/runtime';
import { Distribution } from './distribution.js';
import type { DistributionClass } from './distribution.js';
import { KlNotRegisteredError } from './errors.js';
import { builtinKlPairs } from './kl-builtin.js';
import type { KlFunction, KlPair } from './kl-pair.js';
import { shapesEqual, tryBroadcast } from './shapes.js';

let registry: Map<DistributionClass, Map<DistributionClass, KlFunction>> | undefined;

// Built lazily from the built-in list, so importing the package has no side effects.
function table(): Map<DistributionClass, Map<DistributionClass, KlFunction>> {
  if (!registry) {
    registry = new Map();
    for (const pair of builtinKlPairs()) add(pair);
  }
  return registry;
}

function add(pair: KlPair): void {
  const map = table();
  let row = map.get(pair.p);
  if (!row) map.set(pair.p, (row = new Map()));
  row.set(pair.q, pair.fn);
}

/**
 * Registers the analytic KL[p || q] for instances of P and Q (subclasses included);
 * replaces an earlier registration of the same pair. `fn` returns a tensor of the
 * broadcast batch shape and may assume the event shapes are equal.
 */
export function registerKl<P extends Distribution, Q extends Distribution>(
  P: DistributionClass<P>,
  Q: DistributionClass<Q>,
  fn: (p: P, q: Q) => tf.Tensor,
): void {
  for (const [name, cls] of [['P', P], ['Q', Q]] as const) {
    if (typeof cls !== 'function' || !(cls.prototype instanceof Distribution || cls === Distribution)) {
      throw invalidArgument('registerKl', name, 'a Distribution class', cls);
    }
  }
  if (typeof fn !== 'function') throw invalidArgument('registerKl', 'fn', 'a function (p, q) => Tensor', fn);
  add({ p: P, q: Q, fn: fn as KlFunction });
}

/** Classes from `d`'s own up to Distribution, most specific first. */
function lineage(d: Distribution): DistributionClass[] {
  const out: DistributionClass[] = [];
  for (let proto = Object.getPrototypeOf(d); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    out.push(proto.constructor as DistributionClass);
  }
  return out;
}

/** The registered KL function for (p, q), the most specific match on p's side first. */
export function findKl(p: Distribution, q: Distribution): KlFunction | undefined {
  const map = table();
  for (const P of lineage(p)) {
    const row = map.get(P);
    if (!row) continue;
    for (const Q of lineage(q)) {
      const fn = row.get(Q);
      if (fn) return fn;
    }
  }
  return undefined;
}

/** Throws unless p and q have equal event shapes and broadcastable batch shapes; returns the batch shape. */
export function checkKlShapes(where: string, p: Distribution, q: Distribution): number[] {
  if (!(p instanceof Distribution)) throw invalidArgument(where, 'p', 'a Distribution', p);
  if (!(q instanceof Distribution)) throw invalidArgument(where, 'q', 'a Distribution', q);
  if (!shapesEqual(p.eventShape, q.eventShape)) {
    throw invalidArgument(where, "q's eventShape", `p's eventShape ${formatShape(p.eventShape)}`, { raw: formatShape(q.eventShape) });
  }
  const batch = tryBroadcast(p.batchShape, q.batchShape);
  if (!batch) {
    throw invalidArgument(where, 'the batch shapes of p and q', 'broadcastable', {
      raw: `${formatShape(p.batchShape)} and ${formatShape(q.batchShape)}`,
    });
  }
  return batch;
}

/**
 * KL[p || q] from the registry of analytic pairs: a tensor of the broadcast batch
 * shape. Throws KlNotRegisteredError, naming both types, for a pair with no entry.
 */
export function kl(p: Distribution, q: Distribution): tf.Tensor {
  const batch = checkKlShapes('kl', p, q);
  const fn = findKl(p, q);
  if (!fn) {
    throw new KlNotRegisteredError(
      `kl: no analytic KL is registered for (${p.name}, ${q.name}); register one with ` +
        `registerKl(${p.constructor.name}, ${q.constructor.name}, (p, q) => ...) or estimate it with ` +
        'klMonteCarlo(p, q, { samples, rng })',
    );
  }
  return tf.tidy(() => {
    const value = fn(p, q);
    return shapesEqual(value.shape, batch) ? value : tf.broadcastTo(value, batch);
  });
}
