"""Invalid: 'c' has two incoming transitions but does not take inputs."""
from duoflow import FlowSpec, step


class NotAJoinFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.a, self.b)

    @step
    def a(self):
        self.next(self.c)  # problem: not-a-join

    @step
    def b(self):
        self.next(self.c)  # problem: not-a-join

    @step  # problem: not-a-join
    def c(self):  # problem: not-a-join
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    NotAJoinFlow()
