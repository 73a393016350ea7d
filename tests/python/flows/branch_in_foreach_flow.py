"""Branch inside a foreach: start -> split (per item) -> (left, right) -> branch_join
-> foreach_join -> end."""
from duoflow import FlowSpec, Parameter, step


class BranchInForeachFlow(FlowSpec):
    """A static branch run once per item."""

    alpha = Parameter("alpha", default=0.1, help="A number every step reads")

    @step
    def start(self):
        """Choose the items."""
        print("hello from start")
        self.from_start = "set in start"
        self.items = ["u", "v"]
        self.next(self.split, foreach="items")

    @step
    def split(self):
        """Split one item two ways."""
        self.item = self.input
        self.next(self.left, self.right)

    @step
    def left(self):
        """Left side of one item."""
        assert self.input == self.item
        assert self.items[self.index] == self.item
        self.side = "left"
        self.value = self.item + "-left"
        if self.value == "u-left":
            self.merged_from_one_input = "from u-left"
        self.alpha_seen = self.alpha
        self.next(self.branch_join)

    @step
    def right(self):
        """Right side of one item."""
        assert self.input == self.item
        self.side = "right"
        self.value = self.item + "-right"
        self.alpha_seen = self.alpha
        self.next(self.branch_join)

    @step
    def branch_join(self, inputs):
        """Join the two sides of one item."""
        self.pair = [inp.value for inp in inputs]
        assert self.pair == [inputs.left.value, inputs.right.value], self.pair
        self.merge_artifacts(inputs, exclude=["side", "value"])
        assert self.input == self.item
        assert len(self.foreach_stack()) == 1
        self.next(self.foreach_join)

    @step
    def foreach_join(self, inputs):
        """Collect every item's pair."""
        self.order = [inp.pair for inp in inputs]
        self.merge_artifacts(inputs, exclude=["pair", "item"])
        self.next(self.end)

    @step
    def end(self):
        """Check what arrived."""
        self.alpha_in_end = self.alpha


if __name__ == "__main__":
    BranchInForeachFlow()
