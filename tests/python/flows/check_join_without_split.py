"""Invalid: 'join' takes inputs, but the step before it is linear."""
from duoflow import FlowSpec, step


class JoinWithoutSplitFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.a)

    @step
    def a(self):
        self.next(self.join)  # problem: join-without-split

    @step  # problem: join-without-split
    def join(self, inputs):  # problem: join-without-split
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    JoinWithoutSplitFlow()
