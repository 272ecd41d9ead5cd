"""Python reference figures for the io benchmark: h5py + NumPy on the same files.

Reads the MC_Maze_small NWB file's spike times and trial starts with h5py, bins them
around movement onset (trials x bins x units) with np.histogram, and reads a .npy file with np.load. Prints one JSON
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
    parser.add_argument("--window", type=float, nargs=2, default=[-0.25, 0.45], help="seconds around movement onset")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args()

    state = {}

    def read_nwb():
        with h5py.File(args.nwb, "r") as f:
            times = f["units/spike_times"][:]
            ends = f["units/spike_times_index"][:]
            state["units"] = np.split(times, ends[:-1])
            state["onsets"] = f["intervals/trials/move_onset_time"][:]

    def bin_spikes():
        onsets = state["onsets"]
        start, stop = args.window
        bins = int(round((stop - start) / args.bin_size))
        edges = start + args.bin_size * np.arange(bins + 1)
        counts = np.zeros((len(onsets), bins, len(state["units"])), dtype=np.float32)
        for unit, times in enumerate(state["units"]):
            for trial, onset in enumerate(onsets):
                counts[trial, :, unit] = np.histogram(times - onset, bins=edges)[0]
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
