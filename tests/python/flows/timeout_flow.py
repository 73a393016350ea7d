"""@timeout(seconds=1) on a step that sleeps 30 s, retried once."""
import os
import time

from duoflow import FlowSpec, Parameter, current, retry, step, timeout


class TimeoutFlow(FlowSpec):
    """A step too slow for its timeout."""

    piddir = Parameter("piddir", default="", help="Where the slow step writes its process id")

    @step
    def start(self):
        self.next(self.slow)

    @retry(times=1)
    @timeout(seconds=1)
    @step
    def slow(self):
        print("slow attempt %d starting" % current.retry_count, flush=True)
        if self.piddir:
            with open(os.path.join(self.piddir, "slow-%d.pid" % current.retry_count), "w") as f:
                f.write(str(os.getpid()))
        time.sleep(30)
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    TimeoutFlow()
