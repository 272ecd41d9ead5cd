"""Python reference figures for the io benchmark: h5py + NumPy on the same files.

Reads the MC_Maze_small NWB file's spike times and trial starts with h5py, bins them
(trials x bins x units) with NumPy, and reads a .npy file with np.load. Prints one JSON
object on the last line of stdout; run by tools/bench (io) or by hand:

    python3 tools/bench/python/io_read.py --nwb <file.nwb> --npy <file.npy>
"""
import argparse
import json
import os
import time

import h5py
import numpy as np


def timed(fn, warmup, repetitions):
    for _ in range(warmup):
        fn()
    seconds = []
    for _ in range(repetitions):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nwb", required=True)
    parser.add_argument("--npy", required=True)
    parser.add_argument("--bin-size", type=float, default=0.005)
    parser.add_argument("--window", type=float, default=0.7)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args()

    state = {}

    def read_nwb():
        with h5py.File(args.nwb, "r") as f:
            times = f["units/spike_times"][:]
            ends = f["units/spike_times_index"][:]
            state["units"] = np.split(times, ends[:-1])
            state["starts"] = f["intervals/trials/start_time"][:]

    def bin_spikes():
        starts = state["starts"]
        bins = int(round(args.window / args.bin_size))
        counts = np.zeros((len(starts), bins, len(state["units"])), dtype=np.float32)
        for unit, times in enumerate(state["units"]):
            trial = np.searchsorted(starts, times, side="right") - 1
            offset = times - starts[np.maximum(trial, 0)]
            keep = (trial >= 0) & (offset >= 0) & (offset < args.window)
            np.add.at(counts, (trial[keep], (offset[keep] / args.bin_size).astype(np.int64), unit), 1)
        return counts

    def read_npy():
        np.load(args.npy)

    nwb = timed(read_nwb, args.warmup, args.repetitions)
    binning = timed(bin_spikes, args.warmup, args.repetitions)
    npy = timed(read_npy, args.warmup, args.repetitions)
    size = os.path.getsize(args.npy)
    print(
        json.dumps(
            {
                "h5py": h5py.__version__,
                "numpy": np.__version__,
                "nwb_reads_per_second": [1 / s for s in nwb],
                "binnings_per_second": [1 / s for s in binning],
                "npy_bytes_per_second": [size / s for s in npy],
                "spikes": int(sum(len(u) for u in state["units"])),
                "counted": float(bin_spikes().sum()),
            }
        )
    )


if __name__ == "__main__":
    main()
