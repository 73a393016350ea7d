"""@catch(var="err") on a failing step: the run goes on and 'end' sees the error."""
from duoflow import FlowSpec, catch, step


def explode(message):
    raise ValueError(message)


class CatchFlow(FlowSpec):
    """A failure that is caught."""

    @step
    def start(self):
        self.next(self.risky)

    @catch(var="err")
    @step
    def risky(self):
        explode("boom in risky")
        self.next(self.end)

    @step
    def end(self):
        self.err_is_none = self.err is None
        self.err_text = str(self.err)


if __name__ == "__main__":
    CatchFlow()
