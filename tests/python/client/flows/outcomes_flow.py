"""A step that succeeds on its retry, and a step whose failure @catch keeps."""
from duoflow import FlowSpec, catch, current, retry, step


def explode(message):
    raise KeyError(message)


class OutcomesFlow(FlowSpec):
    """Retries and caught failures."""

    @step
    def start(self):
        self.next(self.flaky)

    @retry(times=1)
    @step
    def flaky(self):
        print("flaky attempt %d" % current.retry_count)
        if current.retry_count == 0:
            raise RuntimeError("the first attempt fails")
        self.good_on = current.retry_count
        self.next(self.risky)

    @catch(var="err")
    @step
    def risky(self):
        explode("caught in risky")
        self.next(self.end)

    @step
    def end(self):
        self.err_text = str(self.err)


if __name__ == "__main__":
    OutcomesFlow()
