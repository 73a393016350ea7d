"""A join that reads one input's blob: the first read fetches that artifact from every input."""
import os

from duoflow import FlowSpec, step


class JoinPrefetchFlow(FlowSpec):
    @step
    def start(self):
        self.parts = list(range(4))
        self.next(self.work, foreach="parts")

    @step
    def work(self):
        self.blob = os.urandom(4096)  # unique and too large to sit inline in the index
        self.next(self.join)

    @step
    def join(self, inputs):
        self.first = inputs[0].blob
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    JoinPrefetchFlow()
