"""Nested foreach shape: start -> outer_step (per letter) -> inner_step (per number)
-> inner_join -> outer_join -> end. The inner foreach has a different width per letter."""
from duoflow import FlowSpec, Parameter, step


class NestedForeachFlow(FlowSpec):
    """A foreach inside a foreach."""

    alpha = Parameter("alpha", default=0.1, help="A number every step reads")

    @step
    def start(self):
        """Choose the letters."""
        print("hello from start")
        self.from_start = "set in start"
        self.letters = ["p", "q"]
        self.widths = {"p": 2, "q": 3}
        self.next(self.outer_step, foreach="letters")

    @step
    def outer_step(self):
        """Choose the numbers for one letter."""
        assert self.input == self.letters[self.index]
        assert self.foreach_stack() == [(self.index, 2, self.input)]
        self.letter = self.input
        self.numbers = list(range(1, self.widths[self.letter] + 1))
        self.next(self.inner_step, foreach="numbers")

    @step
    def inner_step(self):
        """One cell of the grid."""
        stack = self.foreach_stack()
        assert len(stack) == 2, stack
        outer, inner = stack
        assert outer[1:] == (2, self.letter), stack
        assert outer[2] == self.letters[outer[0]], stack
        assert inner == (self.index, len(self.numbers), self.input), stack
        self.cell = "%s%d" % (self.letter, self.input)
        if self.cell == "p1":
            self.merged_from_one_input = "from p1"
        self.alpha_seen = self.alpha
        self.next(self.inner_join)

    @step
    def inner_join(self, inputs):
        """Collect one letter's cells."""
        self.cells = [inp.cell for inp in inputs]
        self.merge_artifacts(inputs, exclude=["cell"])
        stack = self.foreach_stack()
        assert len(stack) == 1 and stack[0][2] == self.letter, stack
        assert self.input == self.letter
        self.next(self.outer_join)

    @step
    def outer_join(self, inputs):
        """Collect the whole grid."""
        self.order = [inp.cells for inp in inputs]
        self.merge_artifacts(inputs, exclude=["cells", "letter", "numbers"])
        assert self.foreach_stack() == []
        self.next(self.end)

    @step
    def end(self):
        """Check what arrived."""
        self.alpha_in_end = self.alpha


if __name__ == "__main__":
    NestedForeachFlow()
