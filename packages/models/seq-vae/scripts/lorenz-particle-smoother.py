#!/usr/bin/env python3
"""Reference ceiling for the Lorenz benchmark's latent R^2 (run by hand, never by CI).

Posterior means of the benchmark's *true* generative model (the Lorenz flow, one RK4
step of dt 0.01 per bin, in standardised coordinates; the true Poisson readout), with
Gaussian transition noise of standard deviation --noise added to each step, computed by
a bootstrap particle filter and backward-simulation smoother (FFBSi; Godsill, Doucet and
West 2004). Scores the test trials (the last 100) against the true latents without an
affine map. A SeqVAE learns its own dynamics and noise, so this bounds what amortised
inference in a model that noisy can reach.

    node build/scripts/lorenz-data.js /tmp/lorenz.json
    python3 scripts/lorenz-particle-smoother.py /tmp/lorenz.json --noise 0.15 --trials 30
"""
import argparse
import json

import numpy as np


def lorenz(x, sigma=10.0, rho=28.0, beta=8.0 / 3.0):
    return np.stack([sigma * (x[..., 1] - x[..., 0]), x[..., 0] * (rho - x[..., 2]) - x[..., 1], x[..., 0] * x[..., 1] - beta * x[..., 2]], -1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('data', help='JSON written by build/scripts/lorenz-data.js')
    parser.add_argument('--noise', type=float, required=True, help='transition noise s.d. in standardised units')
    parser.add_argument('--trials', type=int, default=30, help='test trials to smooth (from the first test trial)')
    parser.add_argument('--particles', type=int, default=3000)
    parser.add_argument('--paths', type=int, default=100, help='backward-simulated trajectories per trial')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()

    d = json.load(open(args.data))
    trials, bins, neurons = d['shape']
    counts = np.array(d['counts'], dtype=np.float64).reshape(trials, bins, neurons)
    latents = np.array(d['latents'], dtype=np.float64).reshape(trials, bins, 3)
    weights = np.array(d['readoutWeights']).reshape(3, neurons)
    bias = np.array(d['readoutBias']) + np.log(d['binSize'])  # log expected count per bin
    mean, std = np.array(d['mean']), np.array(d['std'])
    s = args.noise

    def step(z):  # one bin of the Lorenz flow, standardised coordinates
        x, h = z * std + mean, 0.01
        k1 = lorenz(x)
        k2 = lorenz(x + h / 2 * k1)
        k3 = lorenz(x + h / 2 * k2)
        k4 = lorenz(x + h * k3)
        return (x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4) - mean) / std

    def normalised(logw):
        w = np.exp(logw - logw.max(-1, keepdims=True))
        return w / w.sum(-1, keepdims=True)

    rng = np.random.default_rng(args.seed)
    n_p, n_m = args.particles, args.paths

    def smooth(c):
        particles = np.zeros((bins, n_p, 3))
        logw = np.zeros((bins, n_p))
        z = rng.standard_normal((n_p, 3))  # the latents are standardised: N(0, I) at the start
        for t in range(bins):
            if t > 0:
                z = step(particles[t - 1, rng.choice(n_p, n_p, p=normalised(logw[t - 1]))]) + s * rng.standard_normal((n_p, 3))
            particles[t] = z
            eta = z @ weights + bias
            logw[t] = (c[t] * eta - np.exp(eta)).sum(1)
        paths = np.zeros((bins, n_m, 3))
        current = particles[-1, rng.choice(n_p, n_m, p=normalised(logw[-1]))]
        paths[-1] = current
        for t in range(bins - 2, -1, -1):
            ahead = step(particles[t])
            back = normalised(logw[t][None, :] - ((current[:, None, :] - ahead[None]) ** 2).sum(-1) / (2 * s * s))
            pick = np.minimum((back.cumsum(1) < rng.random((n_m, 1))).sum(1), n_p - 1)
            current = particles[t, pick]
            paths[t] = current
        return paths.mean(1)

    first_test = trials - 100
    means = np.stack([smooth(counts[first_test + i]) for i in range(args.trials)])
    truth = latents[first_test:first_test + args.trials]
    r2 = 1 - ((means - truth) ** 2).sum((0, 1)) / ((truth - truth.mean((0, 1))) ** 2).sum((0, 1))
    print(json.dumps({'noise': s, 'trials': args.trials, 'particles': n_p, 'paths': n_m, 'latentR2PerDim': [round(v, 4) for v in r2], 'latentR2': round(float(r2.mean()), 4)}))


if __name__ == '__main__':
    main()
