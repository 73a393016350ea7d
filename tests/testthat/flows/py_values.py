"""A Python flow whose artifacts the R tests read."""
import numpy as np
import pandas as pd

from duoflow import FlowSpec, step


class PyValuesFlow(FlowSpec):
    @step
    def start(self):
        self.count = 3
        self.ratio = 0.25
        self.label = "py"
        self.vector = np.array([1.5, 2.5, np.nan])
        self.ints = np.array([1, 2, 3], dtype=np.int32)
        self.matrix = np.arange(6, dtype=np.float64).reshape(2, 3)
        self.frame = pd.DataFrame({"n": pd.array([1, None, 3], dtype="Int64"),
                                   "s": ["a", "b", None],
                                   "c": pd.Categorical(["x", "y", "x"])})
        self.mapping = {"a": 1, "b": [1, 2]}
        self.when = pd.Timestamp("2024-05-01 10:00", tz="Europe/Paris")
        self.big = 2 ** 70
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    PyValuesFlow()
