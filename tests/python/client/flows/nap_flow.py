"""'nap' writes a file to --flagdir, then sleeps: a run to look at while it runs, or to kill."""
import os
import time

from duoflow import FlowSpec, Parameter, step


class NapFlow(FlowSpec):
    """A run that stays running for a while."""

    flagdir = Parameter("flagdir", required=True, help="Where 'nap' says it started")

    @step
    def start(self):
        self.next(self.nap)

    @step
    def nap(self):
        path = os.path.join(self.flagdir, "napping")
        with open(path + ".tmp", "w") as handle:
            handle.write(str(os.getpid()))
        os.rename(path + ".tmp", path)
        time.sleep(60)
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    NapFlow()
