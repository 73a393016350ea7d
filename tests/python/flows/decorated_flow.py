"""@environment, @resources, bare @retry, a generous @timeout, and what `current` says."""
import os

from duoflow import FlowSpec, current, environment, resources, retry, step, timeout


class DecoratedFlow(FlowSpec):
    """Decorators that must not get in the way of a normal run."""

    @environment(vars={"GREETING": "hi"})
    @resources(cpu=2, memory=1000)
    @step
    def start(self):
        self.greeting = os.environ.get("GREETING")
        self.current_start = {
            "flow_name": current.flow_name,
            "run_id": str(current.run_id),
            "step_name": current.step_name,
            "task_id": str(current.task_id),
            "retry_count": current.retry_count,
            "pathspec": current.pathspec,
            "username": current.username,
            "tags": sorted(current.tags),
        }
        self.next(self.flaky)

    @retry
    @step
    def flaky(self):
        if current.retry_count == 0:
            raise RuntimeError("flaky fails on its first attempt")
        self.flaky_retry_count = current.retry_count
        self.next(self.end)

    @timeout(seconds=20)
    @step
    def end(self):
        self.greeting_in_end = os.environ.get("GREETING")


if __name__ == "__main__":
    DecoratedFlow()
