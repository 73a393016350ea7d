"""'boom' prints on both streams, then raises: 'end' never runs."""
import sys

from duoflow import FlowSpec, step


def divide(a, b):
    if b == 0:
        raise ValueError("cannot divide %d by zero" % a)
    return a / b


class BrokenFlow(FlowSpec):
    """Fails in its second step."""

    @step
    def start(self):
        self.before = "stored before the failure"
        self.next(self.boom)

    @step
    def boom(self):
        print("boom is about to fail")
        print("boom complains on stderr", file=sys.stderr)
        self.ratio = divide(7, 0)
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    BrokenFlow()
