"""Size formulas for dilated convolutions.

Plain arithmetic, so every function also works on sympy symbols (the analytic answer keys
call them with symbols to get the formulas).
"""


def _exact_div(num, den):
    """num / den; for Python ints it must divide exactly (else the filter does not fit)."""
    if isinstance(num, int) and isinstance(den, int):
        if num % den:
            raise ValueError("(H + 2P - F_eff) = %d is not divisible by the stride %d" % (num, den))
        return num // den
    return num / den


def effective_kernel_size(F, D):
    """Size of an F x F kernel dilated by D (D - 1 zeros between taps): (F - 1) * D + 1."""
    return (F - 1) * D + 1


def dilated_output_size(H, F, D, S=1, P=0):
    """Output size of a dilated convolution: (H + 2P - ((F - 1) * D + 1)) / S + 1."""
    return _exact_div(H + 2 * P - effective_kernel_size(F, D), S) + 1


def receptive_field(layers):
    """Receptive field (in input pixels, along one axis) of a stack of convolutions.

    layers: sequence of (F,), (F, S) or (F, S, D) tuples (filter size, stride = 1,
    dilation = 1), first layer first. Each layer widens the field by (F_eff - 1) times the
    product of the strides before it: r = 1 + sum_l (F_eff_l - 1) * prod_{i<l} S_i.
    """
    r, jump = 1, 1
    for layer in layers:
        F, S, D = (tuple(layer) + (1, 1))[:3]
        r = r + (effective_kernel_size(F, D) - 1) * jump
        jump = jump * S
    return r
