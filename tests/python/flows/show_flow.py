"""Every kind of transition, each step with its own docstring, for `show`."""
from duoflow import FlowSpec, step


class ShowFlow(FlowSpec):
    """A flow to be shown, not run."""

    @step
    def start(self):
        """Load the raw inputs.

        This second docstring line is detail.
        """
        self.items = [1, 2]
        self.next(self.a, self.b)

    @step
    def a(self):
        """Take the left path."""
        self.next(self.join)

    @step
    def b(self):
        """Take the right path."""
        self.next(self.join)

    @step
    def join(self, inputs):
        """Bring both paths together."""
        self.merge_artifacts(inputs)
        self.next(self.fan, foreach="items")

    @step
    def fan(self):
        """Work on one item."""
        self.next(self.collect)

    @step
    def collect(self, inputs):
        """Gather the items' results."""
        self.next(self.end)

    @step
    def end(self):
        """Finish the run."""


if __name__ == "__main__":
    ShowFlow()
