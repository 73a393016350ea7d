"""No decorators: 'start' fails on its first attempt, so only `run --with retry` succeeds."""
from duoflow import FlowSpec, current, step


class WithRetryFlow(FlowSpec):
    """A flaky start without @retry."""

    @step
    def start(self):
        print("start attempt %d" % current.retry_count)
        if current.retry_count == 0:
            raise RuntimeError("start fails on its first attempt")
        self.start_attempt = current.retry_count
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    WithRetryFlow()
