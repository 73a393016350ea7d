"""B2: start -> foreach over N trivial tasks -> join -> end."""
from duoflow import FlowSpec, Parameter, step


class FanoutFlow(FlowSpec):
    n = Parameter("n", default=10)

    @step
    def start(self):
        self.items = list(range(self.n))
        self.next(self.work, foreach="items")

    @step
    def work(self):
        self.value = self.input * 2
        self.next(self.join)

    @step
    def join(self, inputs):
        self.total = sum(i.value for i in inputs)
        self.next(self.end)

    @step
    def end(self):
        assert self.total == self.n * (self.n - 1)


if __name__ == "__main__":
    FanoutFlow()
