"""Invalid: there is no 'end' step ('finish' was meant to be it)."""
from duoflow import FlowSpec, step


class NoEndFlow(FlowSpec):  # problem: no-end
    @step
    def start(self):
        self.next(self.finish)

    @step
    def finish(self):
        pass


if __name__ == "__main__":
    NoEndFlow()
