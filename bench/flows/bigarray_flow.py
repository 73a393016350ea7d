"""B3: a large float64 array (random or zeros) stored in one step and summed in the next.

B5 reads ``arr`` of ``start`` back through the client.
"""
from duoflow import FlowSpec, Parameter, step


class BigArrayFlow(FlowSpec):
    kind = Parameter("kind", default="random")
    mib = Parameter("mib", default=1024)

    @step
    def start(self):
        import numpy as np

        count = int(self.mib) * (1 << 20) // 8
        if self.kind == "random":
            self.arr = np.random.default_rng(0).random(count)
        else:
            self.arr = np.zeros(count)
        self.next(self.total)

    @step
    def total(self):
        self.sum = float(self.arr.sum())
        self.next(self.end)

    @step
    def end(self):
        assert self.sum >= 0.0


if __name__ == "__main__":
    BigArrayFlow()
