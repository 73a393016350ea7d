"""B1: five trivial steps in a line (and B5's small artifact: ``x`` of ``end``)."""
from duoflow import FlowSpec, step


class LinearFlow(FlowSpec):
    @step
    def start(self):
        self.x = 1
        self.next(self.a)

    @step
    def a(self):
        self.x += 1
        self.next(self.b)

    @step
    def b(self):
        self.x += 1
        self.next(self.c)

    @step
    def c(self):
        self.x += 1
        self.next(self.end)

    @step
    def end(self):
        assert self.x == 4


if __name__ == "__main__":
    LinearFlow()
