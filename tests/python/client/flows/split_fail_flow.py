"""A foreach whose item 2 fails: the client shows the failed task's place in the graph."""
from duoflow import FlowSpec, step


class SplitFailFlow(FlowSpec):
    @step
    def start(self):
        self.items = ["a", "b", "c"]
        self.next(self.work, foreach="items")

    @step
    def work(self):
        if self.index == 2:
            raise RuntimeError("item %s fails" % self.input)
        self.next(self.join)

    @step
    def join(self, inputs):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    SplitFailFlow()
