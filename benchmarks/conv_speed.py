"""Reference speed against the limit: GFLOP/s of the reference vectorized conv, torch's conv2d and a matmul.

    python -m benchmarks.conv_speed [--runs 5] [--quick]

One thread everywhere: the thread variables are set before NumPy is imported (run this as its own process;
`python -m benchmarks` does) and torch.set_num_threads(1). The case is the issue's: N=64, C=3, 32×32,
32 filters 3×3, stride 1, pad 1, float64. FLOPs counted as multiply-adds × 2: forward 2·N·F·C·HH·WW·H'·W';
backward twice that (dx and dw; db is negligible). NumPy's float64 matmul (n×n, 2n³ FLOPs) is the practical
ceiling. Prints one JSON object.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks.timing import measure  # noqa: E402
from reference.conv_pool.layers import conv_backward_fast, conv_forward_fast  # noqa: E402

CASE = {"N": 64, "C": 3, "H": 32, "W": 32, "F": 32, "HH": 3, "WW": 3, "stride": 1, "pad": 1}
QUICK = {"N": 4, "C": 3, "H": 8, "W": 8, "F": 4, "HH": 3, "WW": 3, "stride": 1, "pad": 1}


def conv_flops(c):
    H_out = (c["H"] + 2 * c["pad"] - c["HH"]) // c["stride"] + 1
    W_out = (c["W"] + 2 * c["pad"] - c["WW"]) // c["stride"] + 1
    return 2 * c["N"] * c["F"] * c["C"] * c["HH"] * c["WW"] * H_out * W_out


def inputs(c, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((c["N"], c["C"], c["H"], c["W"]))
    w = rng.standard_normal((c["F"], c["C"], c["HH"], c["WW"]))
    b = rng.standard_normal(c["F"])
    return x, w, b, {"stride": c["stride"], "pad": c["pad"]}


def with_rate(fig, flops):
    for k in ("median", "min", "max"):
        fig["gflops_" + k] = flops / fig[{"median": "median", "min": "max", "max": "min"}[k]] / 1e9
    fig["gflop"] = flops / 1e9
    return fig


def reference(c, runs):
    x, w, b, cp = inputs(c)
    out, cache = conv_forward_fast(x, w, b, cp)
    dout = np.random.default_rng(1).standard_normal(out.shape)
    flops = conv_flops(c)
    return {"forward": with_rate(measure(lambda: conv_forward_fast(x, w, b, cp), runs), flops),
            "backward": with_rate(measure(lambda: conv_backward_fast(dout, cache), runs), 2 * flops)}


def torch_conv(c, runs):
    import torch
    torch.set_num_threads(1)
    *arrays, cp = inputs(c)
    x, w, b = (torch.from_numpy(a).requires_grad_() for a in arrays)
    conv = torch.nn.functional.conv2d
    flops = conv_flops(c)

    def forward():
        with torch.no_grad():
            conv(x, w, b, stride=cp["stride"], padding=cp["pad"])
    out = conv(x, w, b, stride=cp["stride"], padding=cp["pad"])
    dout = torch.randn_like(out)

    def backward():
        torch.autograd.grad(out, (x, w, b), dout, retain_graph=True)
    return {"forward": with_rate(measure(forward, runs), flops),
            "backward": with_rate(measure(backward, runs), 2 * flops), "threads": torch.get_num_threads()}


def matmul(n, runs):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    fig = with_rate(measure(lambda: a @ b, runs), 2 * n ** 3)
    fig["n"] = n
    return fig


def run(runs=5, quick=False):
    c = QUICK if quick else CASE
    return {"case": c, "dtype": "float64", "threads": 1, "reference": reference(c, runs),
            "torch": torch_conv(c, runs), "matmul": matmul(64 if quick else 2048, runs)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--quick", action="store_true")
    args = p.parse_args()
    print(json.dumps(run(args.runs, args.quick)))


if __name__ == "__main__":
    main()
