"""Linear shape: start -> a -> b -> end."""
import os

from duoflow import FlowSpec, Parameter, step

# In the fork launcher the module is imported once, by the runtime; in the spawn launcher each
# task imports it again in a fresh interpreter.
IMPORT_PID = os.getpid()


class LinearFlow(FlowSpec):
    """Three steps in a row, each adding to the artifacts of the one before."""

    alpha = Parameter("alpha", default=0.1, help="A number every step reads")

    @step
    def start(self):
        """Set the first artifacts."""
        print("hello from start")
        assert self.index is None
        assert self.input is None
        assert self.foreach_stack() == []
        self.fresh_interpreter = IMPORT_PID == os.getpid()
        self.from_start = "set in start"
        self.copy_one = "the same value " * 200
        self.copy_two = "the same value " * 200
        self.x = 1
        self.trail = ["start"]
        self.next(self.a)

    @step
    def a(self):
        """Add one."""
        self.x += 1
        self.trail = self.trail + ["a"]
        self.alpha_seen = self.alpha
        self.next(self.b)

    @step
    def b(self):
        """Add one more."""
        assert self.alpha_seen == self.alpha
        self.x += 1
        self.trail = self.trail + ["b"]
        self.next(self.end)

    @step
    def end(self):
        """Check what arrived."""
        assert self.x == 3, self.x
        self.trail = self.trail + ["end"]
        self.alpha_in_end = self.alpha


if __name__ == "__main__":
    LinearFlow()
