"""Invalid four times over; every problem must be reported at once. 'start' prints, so a run that
ran anything would show it."""
from duoflow import FlowSpec, step


class ManyProblemsFlow(FlowSpec):
    @step
    def start(self):
        print("START RAN")
        self.next(self.train)

    @step
    def train(self):
        self.next(self.evalute)  # problem: unknown-step

    @step  # problem: missing-next
    def evaluate(self):  # problem: missing-next
        self.score = 1  # problem: missing-next

    @step  # problem: defined-twice
    def report(self):  # problem: defined-twice
        self.next(self.end)

    @step  # problem: defined-twice
    def report(self):  # noqa: F811  # problem: defined-twice
        self.next(self.end)

    @step  # problem: reserved
    def input(self):  # problem: reserved
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ManyProblemsFlow()
