"""@retry(times=2): 'flaky' fails on its first --failures attempts (2 by default)."""
import sys

from duoflow import FlowSpec, Parameter, current, retry, step


class RetryFlow(FlowSpec):
    """A step that needs retries."""

    failures = Parameter("failures", default=2, help="How many attempts of 'flaky' fail")

    @step
    def start(self):
        self.next(self.flaky)

    @retry(times=2)
    @step
    def flaky(self):
        print("flaky attempt %d on stdout" % current.retry_count)
        print("flaky attempt %d on stderr" % current.retry_count, file=sys.stderr)
        if current.retry_count < self.failures:
            raise RuntimeError("flaky fails on attempt %d" % current.retry_count)
        self.succeeded_on_attempt = current.retry_count
        self.next(self.end)

    @step
    def end(self):
        assert self.succeeded_on_attempt == self.failures


if __name__ == "__main__":
    RetryFlow()
