"""Invalid: there is no 'start' step."""
from duoflow import FlowSpec, step


class NoStartFlow(FlowSpec):  # problem: no-start
    @step
    def begin(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    NoStartFlow()
