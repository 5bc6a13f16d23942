"""Counting the cost of convolutions and of an Inception module (GoogLeNet).

Every function here is plain arithmetic (+, -, *, /), so it works on Python ints *and* on
sympy symbols: `conv_flops(H, W, C, K, F)` with sympy symbols returns the formula itself.

Conventions
-----------
- A convolution's cost is counted in multiply-adds (MACs): one multiply-add per weight per
  output position, `H_out * W_out * C_out * (K * K * C_in)`. Bias additions, ReLUs and pooling
  comparisons are not counted (the lecture and the GoogLeNet paper do the same).
- `FLOPS_PER_MAC = 1` (default): the returned "flops" are multiply-adds, the lecture's numbers.
  Set `FLOPS_PER_MAC = 2` to count a multiply and an add as two floating-point operations
  (FLOPs = 2 x MACs), the convention of many profilers.
- Every convolution inside an Inception module keeps the spatial size (stride 1, 'same'
  padding), and the pooling branch is a 3x3 max-pool with stride 1 and padding 1.
"""

FLOPS_PER_MAC = 1  # course setting: 1 -> multiply-adds, 2 -> FLOPs = 2 x multiply-adds


def _exact_div(num, den):
    """num / den; for Python ints it must divide exactly (else the filter does not fit)."""
    if isinstance(num, int) and isinstance(den, int):
        if num % den:
            raise ValueError("(H + 2P - F) = %d is not divisible by the stride %d: "
                             "the filter does not fit the input" % (num, den))
        return num // den
    return num / den  # sympy expressions (exact rationals) and floats


def conv_output_size(H, F, S=1, P=0):
    """Spatial output size of a convolution: (H + 2P - F) / S + 1.

    Inputs:
    - H: input height (or width)
    - F: filter size
    - S: stride
    - P: zero padding on each side

    Returns the output size: an int for int inputs (ValueError when the filter does not fit,
    i.e. (H + 2P - F) is not divisible by S); the exact expression for sympy inputs.
    """
    return _exact_div(H + 2 * P - F, S) + 1


def conv_flops(H_out, W_out, C_in, C_out, K):
    """Cost of a K x K convolution from C_in to C_out channels with an H_out x W_out output.

    Returns H_out * W_out * C_out * K * K * C_in multiply-adds, times FLOPS_PER_MAC.
    """
    return H_out * W_out * C_out * K * K * C_in * FLOPS_PER_MAC


def conv_params(C_in, C_out, K, bias=True):
    """Learnable parameters of a K x K convolution: (K * K * C_in + 1) * C_out with a bias
    per filter, K * K * C_in * C_out without."""
    return (K * K * C_in + (1 if bias else 0)) * C_out


def _branches(C_in, c1, c3r, c3, c5r, c5, pool_proj):
    """The module's convolutions, per branch, as (C_in, C_out, K) triples."""
    return {
        'branch1x1': [(C_in, c1, 1)],
        'branch3x3': [(C_in, c3r, 1), (c3r, c3, 3)],
        'branch5x5': [(C_in, c5r, 1), (c5r, c5, 5)],
        'branch_pool': [(C_in, pool_proj, 1)],  # 3x3 max-pool (free), then a 1x1 projection
    }


def inception_module_flops(H, W, C_in, c1, c3r, c3, c5r, c5, pool_proj):
    """Cost of an Inception module (GoogLeNet, "Inception v1" with dimension reductions).

    Inputs:
    - H, W: spatial size of the input (also of the output)
    - C_in: input channels
    - c1: filters of the 1x1 branch
    - c3r, c3: 1x1 reduction filters, then 3x3 filters of the 3x3 branch
    - c5r, c5: 1x1 reduction filters, then 5x5 filters of the 5x5 branch
    - pool_proj: 1x1 filters after the 3x3 max-pool

    Returns a dict with keys 'branch1x1', 'branch3x3', 'branch5x5', 'branch_pool' (the cost of
    each branch, reductions included), 'total' (their sum) and 'out_channels'
    (c1 + c3 + c5 + pool_proj, the depth of the concatenated output).
    """
    counts = {name: sum(conv_flops(H, W, ci, co, k) for ci, co, k in convs)
              for name, convs in _branches(C_in, c1, c3r, c3, c5r, c5, pool_proj).items()}
    counts['total'] = sum(counts.values())
    counts['out_channels'] = c1 + c3 + c5 + pool_proj
    return counts


def inception_module_params(C_in, c1, c3r, c3, c5r, c5, pool_proj, bias=True):
    """Learnable parameters of an Inception module, per branch.

    Same arguments as inception_module_flops (without H, W, which do not change the count)
    plus `bias`. Returns the same dict shape: 'branch1x1', 'branch3x3', 'branch5x5',
    'branch_pool', 'total', 'out_channels'.
    """
    counts = {name: sum(conv_params(ci, co, k, bias) for ci, co, k in convs)
              for name, convs in _branches(C_in, c1, c3r, c3, c5r, c5, pool_proj).items()}
    counts['total'] = sum(counts.values())
    counts['out_channels'] = c1 + c3 + c5 + pool_proj
    return counts
