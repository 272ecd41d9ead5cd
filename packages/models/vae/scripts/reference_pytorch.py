"""The PyTorch reference for @elbo/vae's quality target.

pytorch/examples' vae/main.py (784-400-20, ReLU, Bernoulli likelihood on intensities via
binary cross-entropy summed over pixels, analytic KL, Adam 1e-3, batch 128, shuffled),
on the MNIST split the elbo benchmark uses: the first 8,000 images of the MNIST test
set (t10k) for training, the last 2,000 for testing, intensities in [0, 1]. Reports the
test negative ELBO after every epoch (one posterior draw per image, as the example
does) and, at the end, the negative log-likelihood estimated with 1,000 importance
samples (Burda et al. 2016). Prints one JSON object on the last line of stdout.

    python3 packages/models/vae/scripts/reference_pytorch.py --epochs 10
    python3 packages/models/vae/scripts/reference_pytorch.py --epochs 30 --seed 2

Needs python3-torch and python3-numpy (apt-get install -y python3-torch python3-numpy).
"""
import argparse
import gzip
import json
import math
import os
import time

import sys

import numpy as np
import torch
from torch.nn import functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
# The model and loss exactly as in pytorch/examples' vae/main.py, shared with the speed benchmark.
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "tools", "bench", "python"))
from vae_step import VAE, loss_function  # noqa: E402
DEFAULT_IMAGES = os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data", "mnist", "t10k-images-idx3-ubyte.gz")


def read_idx_images(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, count, rows, cols = np.frombuffer(data[:16], dtype=">u4")
    if magic != 0x803:
        raise ValueError(f"{path}: IDX magic must be 0x803 (images), found {magic:#x}")
    pixels = np.frombuffer(data[16:], dtype=np.uint8).reshape(count, rows * cols)
    return pixels.astype(np.float32) / 255.0


def encode(model, x):
    h1 = F.relu(model.fc1(x))
    return model.fc21(h1), model.fc22(h1)


def decode_logits(model, z):
    return model.fc4(F.relu(model.fc3(z)))


def test_negative_elbo(model, test, batch_size):
    model.eval()
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(test), batch_size):
            x = test[start:start + batch_size]
            recon, mu, logvar = model(x)
            total += loss_function(recon, x, mu, logvar).item()
    return total / len(test)


def importance_sampled_nll(model, test, samples, batch_size=100, chunk=100):
    """-log p(x) ~ -log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x), z_k ~ q(z|x), averaged over x."""
    model.eval()
    half_log_2pi = 0.5 * math.log(2 * math.pi)
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(test), batch_size):
            x = test[start:start + batch_size]
            mu, logvar = encode(model, x)
            std = torch.exp(0.5 * logvar)
            chunks = []
            for done in range(0, samples, chunk):
                k = min(chunk, samples - done)
                eps = torch.randn(k, *mu.shape)
                z = mu + std * eps
                logits = decode_logits(model, z)
                log_px_z = -F.binary_cross_entropy_with_logits(logits, x.expand(k, *x.shape), reduction="none").sum(-1)
                log_pz = (-0.5 * z.pow(2) - half_log_2pi).sum(-1)
                log_qz = (-0.5 * eps.pow(2) - 0.5 * logvar - half_log_2pi).sum(-1)
                chunks.append(log_px_z + log_pz - log_qz)
            log_w = torch.cat(chunks, 0)
            total += -(torch.logsumexp(log_w, 0) - math.log(samples)).sum().item()
    return total / len(test)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=int, default=1000, help="importance samples for log p(x); 0 skips it")
    parser.add_argument("--images", default=DEFAULT_IMAGES)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    pixels = torch.from_numpy(read_idx_images(args.images))
    train, test = pixels[:8000], pixels[-2000:]
    model = VAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)
    history = []
    start = time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(len(train))
        train_loss = 0.0
        for first in range(0, len(train), args.batch_size):
            x = train[order[first:first + args.batch_size]]
            optimizer.zero_grad()
            recon, mu, logvar = model(x)
            loss = loss_function(recon, x, mu, logvar)
            loss.backward()
            train_loss += loss.item()
            optimizer.step()
        history.append({
            "epoch": epoch,
            "trainNegativeElbo": train_loss / len(train),
            "testNegativeElbo": test_negative_elbo(model, test, args.batch_size),
        })
        print(json.dumps(history[-1]), flush=True)
    train_seconds = time.time() - start
    result = {
        "implementation": f"pytorch {torch.__version__}",
        "data": "MNIST t10k: first 8000 train, last 2000 test, intensities in [0, 1]",
        "model": "784-400-20 ReLU, Bernoulli likelihood, standard normal prior",
        "epochs": args.epochs,
        "batchSize": args.batch_size,
        "learningRate": args.learning_rate,
        "seed": args.seed,
        "testNegativeElbo": history[-1]["testNegativeElbo"],
        "trainSeconds": train_seconds,
        "history": history,
    }
    if args.samples > 0:
        result["importanceSamples"] = args.samples
        result["testNegativeLogLikelihood"] = importance_sampled_nll(model, test, args.samples)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
