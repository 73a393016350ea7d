"""Foreach flow for resume tests (see resume_linear_flow.py for FAIL_AT); WIDTH sets the fan-out."""
import os

from duoflow import FlowSpec, current, step


def planned_failure(flow, step_name):
    for item in filter(None, os.environ.get("FAIL_AT", "").split(";")):
        name, _, where = item.partition(":")
        here = ",".join(str(index) for index, _, _ in flow.foreach_stack())
        if name == step_name and (not where or where == here):
            raise RuntimeError("planned failure in %s [%s]" % (step_name, here))


class ResumeForeachFlow(FlowSpec):
    @step
    def start(self):
        self.items = list(range(int(os.environ.get("WIDTH", "6"))))
        self.next(self.work, foreach="items")

    @step
    def work(self):
        planned_failure(self, "work")
        print("work on", self.input, "in", current.run_id)
        self.square = self.input ** 2
        self.ran = current.run_id
        self.next(self.join)

    @step
    def join(self, inputs):
        self.squares = [i.square for i in inputs]
        self.ran_by_item = [i.ran for i in inputs]
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ResumeForeachFlow()
