"""Linear flow for resume tests: FAIL_AT=<step>[:<foreach indices>] makes that task fail."""
import os

from duoflow import FlowSpec, Parameter, current, step


def planned_failure(flow, step_name):
    """Fail when FAIL_AT names this step (and, inside a foreach, these indices: "work:1" or "inner:1,2")."""
    for item in filter(None, os.environ.get("FAIL_AT", "").split(";")):
        name, _, where = item.partition(":")
        here = ",".join(str(index) for index, _, _ in flow.foreach_stack())
        if name == step_name and (not where or where == here):
            raise RuntimeError("planned failure in %s [%s]" % (step_name, here))


class ResumeLinearFlow(FlowSpec):
    alpha = Parameter("alpha", default=1.0)

    @step
    def start(self):
        self.ran = {"start": current.run_id}
        print("start ran in", current.run_id)
        self.next(self.a)

    @step
    def a(self):
        self.ran = dict(self.ran, a=current.run_id)
        self.next(self.b)

    @step
    def b(self):
        planned_failure(self, "b")
        self.ran = dict(self.ran, b=current.run_id)
        self.origin_seen = current.origin_run_id
        self.next(self.end)

    @step
    def end(self):
        self.ran = dict(self.ran, end=current.run_id)


if __name__ == "__main__":
    ResumeLinearFlow()
