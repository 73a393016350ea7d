"""Invalid: 'train' goes to 'evalute', a typo of 'evaluate'."""
from duoflow import FlowSpec, step


class UnknownStepFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.train)

    @step
    def train(self):
        self.next(self.evalute)  # problem: unknown-step

    @step
    def evaluate(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    UnknownStepFlow()
