"""Invalid: steps named 'input' and 'next', names every flow object already uses."""
from duoflow import FlowSpec, step


class ReservedNamesFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.input)

    @step  # problem: reserved-input
    def input(self):  # problem: reserved-input
        self.next(self.end)

    @step  # problem: reserved-next
    def next(self):  # problem: reserved-next
        pass

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ReservedNamesFlow()
