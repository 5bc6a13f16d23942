"""torch oracle for the counts: an Inception module built from real torch.nn.Conv2d layers, measured.

The grader uses it in the trusted parent: forward hooks count the multiply-adds each nn.Conv2d
performs (output elements x C_in/groups x K x K) and `parameters()` counts the weights, independently
of the NumPy-free arithmetic in flops.py. Runs on CUDA when torch.cuda.is_available(), else on the
CPU (on one thread: the modules are tiny).
"""
import torch
from torch import nn

BRANCHES = ('branch1x1', 'branch3x3', 'branch5x5', 'branch_pool')


def device():
    return torch.device('cuda' if torch.cuda.is_available() else 'cpu')


def inception_module(C_in, c1, c3r, c3, c5r, c5, pool_proj, bias=True):
    """GoogLeNet's module: one nn.Sequential per branch, 'same' padding everywhere."""
    return nn.ModuleDict({
        'branch1x1': nn.Sequential(nn.Conv2d(C_in, c1, 1, bias=bias)),
        'branch3x3': nn.Sequential(nn.Conv2d(C_in, c3r, 1, bias=bias), nn.ReLU(),
                                   nn.Conv2d(c3r, c3, 3, padding=1, bias=bias)),
        'branch5x5': nn.Sequential(nn.Conv2d(C_in, c5r, 1, bias=bias), nn.ReLU(),
                                   nn.Conv2d(c5r, c5, 5, padding=2, bias=bias)),
        'branch_pool': nn.Sequential(nn.MaxPool2d(3, 1, 1), nn.Conv2d(C_in, pool_proj, 1, bias=bias)),
    })


def measure(H, W, C_in, c1, c3r, c3, c5r, c5, pool_proj, bias=True):
    """(macs, params): dicts with the four branches, 'total' and 'out_channels', as torch measures them."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        module = inception_module(C_in, c1, c3r, c3, c5r, c5, pool_proj, bias).to(device())
        macs = dict.fromkeys(BRANCHES, 0)

        def hook_for(name):
            def hook(conv, inputs, out):
                per_output = conv.in_channels // conv.groups * conv.kernel_size[0] * conv.kernel_size[1]
                macs[name] += out.numel() * per_output
            return hook

        for name in BRANCHES:
            for m in module[name].modules():
                if isinstance(m, nn.Conv2d):
                    m.register_forward_hook(hook_for(name))
        with torch.no_grad():
            outs = [module[name](torch.zeros(1, C_in, H, W, device=device())) for name in BRANCHES]
        channels = int(torch.cat(outs, dim=1).shape[1])
        params = {name: sum(p.numel() for p in module[name].parameters()) for name in BRANCHES}
    finally:
        torch.set_num_threads(threads)
    for counts in (macs, params):
        counts['total'] = sum(counts[name] for name in BRANCHES)
        counts['out_channels'] = channels
    return macs, params
