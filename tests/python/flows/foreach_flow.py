"""Foreach shape: start -> work (one task per item) -> join -> end.

The first item's task is slow, so the join sees its inputs in foreach order, not by completion.
"""
import time

from duoflow import FlowSpec, Parameter, step


class ForeachFlow(FlowSpec):
    """One task per item, joined in item order."""

    alpha = Parameter("alpha", default=0.1, help="A number every step reads")

    @step
    def start(self):
        """Choose the items."""
        print("hello from start")
        self.from_start = "set in start"
        self.items = ["x", "y", "z"]
        self.next(self.work, foreach="items")

    @step
    def work(self):
        """Handle one item."""
        if self.index == 0:
            time.sleep(0.3)
        stack = self.foreach_stack()
        assert len(stack) == 1, stack
        assert isinstance(stack[0], tuple), stack
        assert stack[0] == (self.index, 3, self.input), stack
        assert self.input == self.items[self.index]
        self.per_input = "%d:%s" % (self.index, self.input)
        if self.index == 0:
            self.merged_from_one_input = "from index 0"
        self.alpha_seen = self.alpha
        self.next(self.join)

    @step
    def join(self, inputs):
        """Collect the items' results."""
        self.order = [inp.per_input for inp in inputs]
        self.merge_artifacts(inputs, exclude=["per_input"])
        assert self.index is None
        assert self.foreach_stack() == []
        assert self.items == ["x", "y", "z"]
        self.next(self.end)

    @step
    def end(self):
        """Check what arrived."""
        self.alpha_in_end = self.alpha


if __name__ == "__main__":
    ForeachFlow()
