"""How the channel count grows through a DenseNet (Huang et al. 2017).

Plain arithmetic, so every function also works on sympy symbols.
"""


def _floor(v):
    """Round down; an int for numbers, sympy's floor for symbolic expressions."""
    q = v // 1
    return int(q) if isinstance(q, (int, float)) else q


def dense_block_channels(c0, k, L):
    """Channels after a dense block: each of its L layers adds k (the growth rate) feature maps
    to the c0 it received, so the block outputs c0 + L * k channels."""
    return c0 + L * k


def transition_channels(c, theta):
    """Channels after a transition layer with compression theta (0 < theta <= 1): the 1x1 conv
    outputs floor(theta * c) channels (DenseNet-BC uses theta = 0.5)."""
    return _floor(theta * c)


def densenet_channels(config):
    """Channel counts stage by stage.

    config: dict with
    - 'num_init_features': channels after the stem (c0 of the first block)
    - 'growth_rate': k
    - 'block_config': layers per dense block, e.g. (6, 12, 24, 16) for DenseNet-121
    - 'compression': theta of the transition layers (default 0.5)

    Returns a list of dicts {'stage': name, 'in_channels': c_in, 'out_channels': c_out}, one per
    dense block ('block1', ...) and per transition ('transition1', ...) in order; there is no
    transition after the last block.
    """
    k, theta = config['growth_rate'], config.get('compression', 0.5)
    c = config['num_init_features']
    stages = []
    for i, L in enumerate(config['block_config'], start=1):
        c_out = dense_block_channels(c, k, L)
        stages.append({'stage': 'block%d' % i, 'in_channels': c, 'out_channels': c_out})
        c = c_out
        if i < len(config['block_config']):
            c_out = transition_channels(c, theta)
            stages.append({'stage': 'transition%d' % i, 'in_channels': c, 'out_channels': c_out})
            c = c_out
    return stages
