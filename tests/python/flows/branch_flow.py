"""Static branch shape: start -> (b, a, c) -> join -> end.

The branches are listed out of alphabetical order, and 'b' finishes last, so the join sees its
inputs in the order of self.next(...), not by name nor by completion time.
"""
import time

from duoflow import FlowSpec, Parameter, step


class BranchFlow(FlowSpec):
    """Three branches joined again."""

    alpha = Parameter("alpha", default=0.1, help="A number every step reads")

    @step
    def start(self):
        """Split three ways."""
        print("hello from start")
        self.from_start = "set in start"
        self.next(self.b, self.a, self.c)

    @step
    def a(self):
        """Branch a: the only one to set merged_from_one_input."""
        assert self.index is None
        self.per_input = "a"
        self.merged_from_one_input = "from a"
        self.alpha_seen = self.alpha
        self.next(self.join)

    @step
    def b(self):
        """Branch b: slow, finishes last."""
        time.sleep(0.3)
        self.per_input = "b"
        self.alpha_seen = self.alpha
        self.next(self.join)

    @step
    def c(self):
        """Branch c."""
        self.per_input = "c"
        self.alpha_seen = self.alpha
        self.next(self.join)

    @step
    def join(self, inputs):
        """Join the branches in split order."""
        self.order = [inp.per_input for inp in inputs]
        self.by_name = [inputs.a.per_input, inputs.b.per_input, inputs.c.per_input]
        assert self.by_name == ["a", "b", "c"], self.by_name
        self.merge_artifacts(inputs, exclude=["per_input"])
        assert self.from_start == "set in start"
        self.next(self.end)

    @step
    def end(self):
        """Check what arrived."""
        self.alpha_in_end = self.alpha


if __name__ == "__main__":
    BranchFlow()
