"""Samples/s of one training step of the canonical VAE in PyTorch on one CPU thread.

The model and loss are those of pytorch/examples' vae/main.py (784-400-20, ReLU,
Bernoulli likelihood via binary cross-entropy summed over pixels, analytic KL, Adam
1e-3), on synthetic batches of uniform intensities. Prints one JSON object on the last
line of stdout; run by tools/bench (vae-step) or by hand:

    python3 tools/bench/python/vae_step.py --batch 128 --repetitions 5
"""
import argparse
import json
import time

import torch
from torch import nn
from torch.nn import functional as F


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def forward(self, x):
        h1 = F.relu(self.fc1(x))
        mu, logvar = self.fc21(h1), self.fc22(h1)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z)))), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    bce = F.binary_cross_entropy(recon_x, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--steps", type=int, default=50, help="steps per timed repetition")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model = VAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = [torch.rand(args.batch, 784) for _ in range(4)]

    def step(i):
        x = batches[i % len(batches)]
        optimizer.zero_grad()
        recon, mu, logvar = model(x)
        loss = loss_function(recon, x, mu, logvar) / args.batch
        loss.backward()
        optimizer.step()

    for i in range(args.warmup):
        step(i)
    rates = []
    for _ in range(args.repetitions):
        start = time.perf_counter()
        for i in range(args.steps):
            step(i)
        rates.append(args.batch * args.steps / (time.perf_counter() - start))
    print(json.dumps({"samples_per_second": rates, "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
