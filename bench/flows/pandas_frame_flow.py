"""B8: a pandas frame (double, category, datetime with a time zone, string) for the R client to read.
ROWS rows (default 1,000,000)."""
import os

from duoflow import FlowSpec, step


class PandasFrameFlow(FlowSpec):
    @step
    def start(self):
        import numpy as np
        import pandas as pd

        rows = int(float(os.environ.get("ROWS", "1e6")))
        rng = np.random.default_rng(1)
        words = np.array(["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"])
        self.df = pd.DataFrame({
            "double": rng.random(rows),
            "category": pd.Categorical.from_codes(rng.integers(0, 8, rows), categories=list(words)),
            "datetime": pd.date_range("2024-01-01", periods=rows, freq="s", tz="Europe/Paris"),
            "string": pd.array(np.char.add("item-", rng.integers(0, rows, rows).astype(str)), dtype="str"),
        })
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    PandasFrameFlow()
