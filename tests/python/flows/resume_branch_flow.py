"""Branch flow for resume tests (see resume_linear_flow.py for FAIL_AT)."""
import os

from duoflow import FlowSpec, current, step


def planned_failure(flow, step_name):
    for item in filter(None, os.environ.get("FAIL_AT", "").split(";")):
        name, _, where = item.partition(":")
        here = ",".join(str(index) for index, _, _ in flow.foreach_stack())
        if name == step_name and (not where or where == here):
            raise RuntimeError("planned failure in %s [%s]" % (step_name, here))


class ResumeBranchFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.x, self.y)

    @step
    def x(self):
        self.ran_x = current.run_id
        self.next(self.join)

    @step
    def y(self):
        planned_failure(self, "y")
        self.ran_y = current.run_id
        self.next(self.join)

    @step
    def join(self, inputs):
        self.ran = {"x": inputs.x.ran_x, "y": inputs.y.ran_y, "join": current.run_id}
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ResumeBranchFlow()
