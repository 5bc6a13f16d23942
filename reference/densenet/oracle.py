"""torch oracle for the dense block: forward and backward by torch autograd (torch.nn.functional.conv2d).

The grader uses it in the trusted parent to check a student's dense block against an implementation
independent of the NumPy reference. float64; CUDA when torch.cuda.is_available(), else the CPU (one
thread: the blocks are tiny).
"""
import torch
import torch.nn.functional as F


def device():
    return torch.device('cuda' if torch.cuda.is_available() else 'cpu')


def dense_block(x, params, dout):
    """(out, dx, grads) of the BN-free dense block x_l = conv3x3(relu([x_0, ..., x_{l-1}])), as arrays."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        tx = torch.tensor(x, dtype=torch.float64, device=device(), requires_grad=True)
        tp = {n: torch.tensor(v, dtype=torch.float64, device=device(), requires_grad=True)
              for n, v in params.items()}
        features = [tx]
        for l in range(1, len(params) // 2 + 1):
            features.append(F.conv2d(torch.relu(torch.cat(features, 1)), tp['W%d' % l], tp['b%d' % l],
                                     padding=1))
        out = torch.cat(features, 1)
        out.backward(torch.tensor(dout, dtype=torch.float64, device=device()))
        grads = {n: t.grad.cpu().numpy() for n, t in tp.items()}
        return out.detach().cpu().numpy(), tx.grad.cpu().numpy(), grads
    finally:
        torch.set_num_threads(threads)
