"""Invalid: the split in 'start' reaches 'end' without a join."""
from duoflow import FlowSpec, step


class BranchNoJoinFlow(FlowSpec):
    @step  # problem: never-joined
    def start(self):  # problem: never-joined
        self.next(self.a, self.b)  # problem: never-joined

    @step
    def a(self):
        self.next(self.end)  # problem: never-joined

    @step
    def b(self):
        self.next(self.end)  # problem: never-joined

    @step  # problem: never-joined
    def end(self):  # problem: never-joined
        pass


if __name__ == "__main__":
    BranchNoJoinFlow()
