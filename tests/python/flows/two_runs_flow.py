"""Two runs of this flow, started at once in one datastore, meet in --rendezvous.

Each run's first step leaves its run id there and waits (up to 15 s) for --runs runs to arrive,
so a test can show that the runs really overlapped; each then splits into a few tasks that store
values of its own (its --alpha), so the test can show neither run saw the other's.
"""
import os
import time

from duoflow import FlowSpec, Parameter, current, step


class TwoRunsFlow(FlowSpec):
    """Runs that wait for each other, then work side by side."""

    rendezvous = Parameter("rendezvous", required=True, help="A directory shared by the runs")
    runs = Parameter("runs", default=2, help="How many runs meet")
    alpha = Parameter("alpha", default=0.1, help="A number every step reads")

    @step
    def start(self):
        open(os.path.join(self.rendezvous, current.run_id), "w").close()
        deadline = time.time() + 15
        while len(os.listdir(self.rendezvous)) < self.runs and time.time() < deadline:
            time.sleep(0.02)
        self.met = sorted(n for n in os.listdir(self.rendezvous) if n != current.run_id)
        self.items = ["x", "y", "z"]
        self.next(self.work, foreach="items")

    @step
    def work(self):
        self.per_input = "%d:%s" % (self.index, self.input)
        self.alpha_seen = self.alpha
        self.next(self.join)

    @step
    def join(self, inputs):
        self.order = [inp.per_input for inp in inputs]
        self.alphas_seen = sorted({inp.alpha_seen for inp in inputs})
        self.next(self.end)

    @step
    def end(self):
        self.alpha_in_end = self.alpha


if __name__ == "__main__":
    TwoRunsFlow()
