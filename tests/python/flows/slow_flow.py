"""'nap' writes its process id to --piddir, then sleeps 30 s: something to interrupt."""
import os
import time

from duoflow import FlowSpec, Parameter, step


class SlowFlow(FlowSpec):
    """A run that takes long enough to be interrupted."""

    piddir = Parameter("piddir", required=True, help="Where 'nap' writes its process id")

    @step
    def start(self):
        self.next(self.nap)

    @step
    def nap(self):
        path = os.path.join(self.piddir, "nap.pid")
        with open(path + ".tmp", "w") as handle:
            handle.write(str(os.getpid()))
        os.rename(path + ".tmp", path)
        time.sleep(30)
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    SlowFlow()
