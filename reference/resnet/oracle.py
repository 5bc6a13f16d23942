"""torch oracles (parent side): the NumPy residual block by torch autograd, and the layout of the torch models.

`residual_block` computes the BN-free block relu(conv3x3(relu(conv3x3_s(x))) + shortcut(x)) and its
gradients with torch.nn.functional, independently of the NumPy reference. `state_spec` lists the names
and shapes of a model's state_dict, from which the grader draws the weights it copies into the student's
model and the reference's alike. float64; CUDA when torch.cuda.is_available(), else the CPU (one thread:
the blocks are tiny).
"""
import torch
import torch.nn.functional as F


def device():
    return torch.device('cuda' if torch.cuda.is_available() else 'cpu')


def residual_block(x, params, stride, dout):
    """(out, dx, grads) of the block for NumPy inputs, as NumPy arrays."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        tx = torch.tensor(x, dtype=torch.float64, device=device(), requires_grad=True)
        p = {n: torch.tensor(v, dtype=torch.float64, device=device(), requires_grad=True)
             for n, v in params.items()}
        r = F.conv2d(torch.relu(F.conv2d(tx, p['W1'], p['b1'], stride, 1)), p['W2'], p['b2'], 1, 1)
        s = F.conv2d(tx, p['Ws'], p['bs'], stride) if 'Ws' in p else tx
        out = torch.relu(r + s)
        out.backward(torch.tensor(dout, dtype=torch.float64, device=device()))
        return (out.detach().cpu().numpy(), tx.grad.cpu().numpy(),
                {n: t.grad.cpu().numpy() for n, t in p.items()})
    finally:
        torch.set_num_threads(threads)


def state_spec(model):
    """[(name, shape)] of the model's state_dict, in order."""
    return [(name, tuple(t.shape)) for name, t in model.state_dict().items()]
