"""Everything the client reads back: parameters, a nested foreach, joins, logs on both streams.

start -> outer (foreach letters) -> inner (foreach numbers) -> inner_join -> outer_join -> end
"""
import datetime
import sys

from duoflow import FlowSpec, JSONType, Parameter, step


class ClientFlow(FlowSpec):
    """A nested foreach whose tasks print and store values of several kinds."""

    alpha = Parameter("alpha", default=0.5, help="A float")
    label = Parameter("label", default="plain", help="A string")
    config = Parameter("config", default='{"depth": 2}', type=JSONType, help="A JSON object")

    @step
    def start(self):
        """Choose the letters."""
        print("start says hello")
        print("start warns on stderr", file=sys.stderr)
        self.x = 42
        self.mixed = {"list": [1, 2.5, "three"], "tuple": (1, 2), "set": {3}, "none": None,
                      "bytes": b"\x00\x01", "nested": {"deep": [True, False]}}
        self.big = list(range(1000))  # too big to be kept inline in the index: a blob
        self.day = datetime.date(2024, 2, 29)
        self.letters = ["a", "b"]
        self.next(self.outer, foreach="letters")

    @step
    def outer(self):
        self.letter = self.input
        self.numbers = [10, 20, 30]
        self.next(self.inner, foreach="numbers")

    @step
    def inner(self):
        print("inner %s%d" % (self.letter, self.input))
        self.pair = "%s%d" % (self.letter, self.input)
        self.next(self.inner_join)

    @step
    def inner_join(self, inputs):
        self.pairs = [inp.pair for inp in inputs]
        self.merge_artifacts(inputs, exclude=["pair"])
        self.next(self.outer_join)

    @step
    def outer_join(self, inputs):
        self.all_pairs = [p for inp in inputs for p in inp.pairs]
        self.merge_artifacts(inputs, exclude=["letter", "pairs"])
        self.next(self.end)

    @step
    def end(self):
        """Record what the parameters were."""
        self.x = self.x + 1
        self.seen = {"alpha": self.alpha, "label": self.label, "config": self.config}


if __name__ == "__main__":
    ClientFlow()
