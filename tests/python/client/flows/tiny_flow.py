"""The smallest flow: start stores a value, end stores another."""
from duoflow import FlowSpec, Parameter, step


class TinyFlow(FlowSpec):
    """Two steps and one parameter."""

    n = Parameter("n", default=1, help="Any number")

    @step
    def start(self):
        print("tiny start %d" % self.n)
        self.x = self.n * 10
        self.next(self.end)

    @step
    def end(self):
        self.y = self.x + 1


if __name__ == "__main__":
    TinyFlow()
