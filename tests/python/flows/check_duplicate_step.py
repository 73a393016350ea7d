"""Invalid: 'train' is defined twice in the class."""
from duoflow import FlowSpec, step


class DuplicateStepFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.train)

    @step  # problem: defined-twice
    def train(self):  # problem: defined-twice
        self.next(self.end)

    @step  # problem: defined-twice
    def train(self):  # noqa: F811  # problem: defined-twice
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    DuplicateStepFlow()
