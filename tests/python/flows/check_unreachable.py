"""Invalid: no step goes to 'orphan'."""
from duoflow import FlowSpec, step


class UnreachableFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.end)

    @step  # problem: unreachable
    def orphan(self):  # problem: unreachable
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    UnreachableFlow()
