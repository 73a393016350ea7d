"""A foreach as wide as --width (200 by default)."""
from duoflow import FlowSpec, Parameter, step


class WideFlow(FlowSpec):
    """Many small tasks in one step."""

    width = Parameter("width", default=200, help="How many tasks 'work' has")

    @step
    def start(self):
        self.items = list(range(self.width))
        self.next(self.work, foreach="items")

    @step
    def work(self):
        self.square = self.input * self.input
        self.next(self.join)

    @step
    def join(self, inputs):
        self.total = sum(inp.square for inp in inputs)
        self.merge_artifacts(inputs, exclude=["square"])
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    WideFlow()
