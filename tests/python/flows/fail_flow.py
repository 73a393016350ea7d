"""A step that raises from a helper function: 'explode' fails, 'end' never runs."""
import sys

from duoflow import FlowSpec, step


def compute_ratio(denominator):
    if denominator == 0:
        raise ValueError("ratio denominator must not be zero")
    return 1 / denominator


class FailFlow(FlowSpec):
    """A flow that fails in its second step."""

    @step
    def start(self):
        self.next(self.explode)

    @step
    def explode(self):
        print("about to fail")
        print("a warning on stderr", file=sys.stderr)
        self.ratio = compute_ratio(0)
        self.next(self.end)

    @step
    def end(self):
        print("end must not run")


if __name__ == "__main__":
    FailFlow()
