"""Nested foreach flow for resume tests (see resume_linear_flow.py for FAIL_AT)."""
import os

from duoflow import FlowSpec, current, step


def planned_failure(flow, step_name):
    for item in filter(None, os.environ.get("FAIL_AT", "").split(";")):
        name, _, where = item.partition(":")
        here = ",".join(str(index) for index, _, _ in flow.foreach_stack())
        if name == step_name and (not where or where == here):
            raise RuntimeError("planned failure in %s [%s]" % (step_name, here))


class ResumeNestedFlow(FlowSpec):
    @step
    def start(self):
        self.outer_items = ["a", "b"]
        self.next(self.outer, foreach="outer_items")

    @step
    def outer(self):
        self.letter = self.input
        self.inner_items = [1, 2, 3]
        self.next(self.inner, foreach="inner_items")

    @step
    def inner(self):
        planned_failure(self, "inner")
        self.cell = "%s%d" % (self.letter, self.input)
        self.ran = current.run_id
        self.next(self.inner_join)

    @step
    def inner_join(self, inputs):
        self.cells = [i.cell for i in inputs]
        self.ran = [i.ran for i in inputs]
        self.next(self.outer_join)

    @step
    def outer_join(self, inputs):
        self.grid = [i.cells for i in inputs]
        self.ran = [i.ran for i in inputs]
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ResumeNestedFlow()
