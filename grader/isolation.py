"""Which isolation layers protect the worker here. L0 (a separate process with rlimits, deadlines,
a scrubbed environment and its own session) is always on; stronger layers plug in here."""
from dataclasses import dataclass, field


@dataclass
class Isolation:
    layers: list = field(default_factory=lambda: ["L0"])
    details: dict = field(default_factory=dict)

    def describe(self):
        return {"layers": list(self.layers), "details": dict(self.details)}

    def sandbox_args(self, root, workdir, slot=0):
        return {}


def probe():
    return Isolation(details={"L0": "separate process: rlimits (CPU, address space, file size, open files, "
                                    "no core), wall-clock deadlines, scrubbed environment, own session"})
