"""Invalid: 'middle' never calls self.next()."""
from duoflow import FlowSpec, step


class MissingNextFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.middle)

    @step  # problem: missing-next
    def middle(self):  # problem: missing-next
        self.x = 1  # problem: missing-next

    @step
    def end(self):
        pass


if __name__ == "__main__":
    MissingNextFlow()
