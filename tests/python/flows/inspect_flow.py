"""Output and artifacts for the logs and dump commands.

start prints on both streams and sets artifacts of several types; 'wobbly' fails its first
attempt, so it has two attempts with different logs; 'end' prints nothing.
"""
import sys

from duoflow import FlowSpec, current, retry, step


class Point:
    """A class of the flow file: stored, but not JSON-serializable."""

    def __init__(self, x, y):
        self.x, self.y = x, y

    def __repr__(self):
        return "Point(%d, %d)" % (self.x, self.y)


class InspectFlow(FlowSpec):
    """Something to look at after the run."""

    @step
    def start(self):
        print("hello on stdout")
        print("hello on stderr", file=sys.stderr)
        self.number = 42
        self.text = "hello dump"
        self.numbers = [1, 2, 3]
        self.mapping = {"a": 1, "b": [True, None]}
        self.point = Point(1, 2)
        self.next(self.wobbly)

    @retry(times=1)
    @step
    def wobbly(self):
        print("attempt %d says hi" % current.retry_count)
        if current.retry_count == 0:
            raise RuntimeError("wobbly fails its first attempt")
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    InspectFlow()
