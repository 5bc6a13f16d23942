import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # tests/helpers.py


@pytest.fixture(autouse=True)
def one_torch_thread():
    """The CI machines are small and shared: torch's thread pool only slows the reference tests down."""
    import torch
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)
