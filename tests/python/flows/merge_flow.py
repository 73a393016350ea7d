"""merge_artifacts: include=, values set in the join win, and (--mode conflict) a clear error
when the inputs disagree."""
from duoflow import FlowSpec, Parameter, step


class MergeFlow(FlowSpec):
    """Two branches with some artifacts in common."""

    mode = Parameter("mode", default="ok", help="'ok' or 'conflict'")

    @step
    def start(self):
        self.shared = "same everywhere"
        self.next(self.a, self.b)

    @step
    def a(self):
        self.clash = "from a"
        self.only_a = 1
        self.next(self.join)

    @step
    def b(self):
        self.clash = "from b"
        self.only_b = 2
        self.next(self.join)

    @step
    def join(self, inputs):
        if self.mode == "conflict":
            self.merge_artifacts(inputs)
        else:
            self.clash = "resolved in join"
            self.merge_artifacts(inputs, include=["only_a", "shared", "clash"])
        self.next(self.end)

    @step
    def end(self):
        assert self.clash == "resolved in join"


if __name__ == "__main__":
    MergeFlow()
