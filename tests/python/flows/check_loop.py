"""Invalid: a loop a -> b -> a."""
from duoflow import FlowSpec, step


class LoopFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.a)

    @step  # problem: loop
    def a(self):  # problem: loop
        self.next(self.b)  # problem: loop

    @step  # problem: loop
    def b(self):  # problem: loop
        self.next(self.a)  # problem: loop

    @step
    def end(self):
        pass


if __name__ == "__main__":
    LoopFlow()
