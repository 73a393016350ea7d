"""Metaflow's @catch pattern: a foreach where one task fails; the join keeps the results of the
inputs whose var is None (a step that succeeds sets its @catch var to None)."""
from duoflow import FlowSpec, catch, step


class CatchVarFlow(FlowSpec):
    """Divide 10 by each divisor; dividing by zero is caught."""

    @step
    def start(self):
        self.divisors = [0, 1, 2]
        self.next(self.divide, foreach="divisors")

    @catch(var="divide_failed")
    @step
    def divide(self):
        self.res = 10 / self.input
        self.next(self.join)

    @step
    def join(self, inputs):
        self.results = [i.res for i in inputs if not i.divide_failed]
        self.failures = [str(i.divide_failed) for i in inputs if i.divide_failed]
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    CatchVarFlow()
