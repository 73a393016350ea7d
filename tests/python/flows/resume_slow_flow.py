"""A foreach whose items finish one by one, so a test can stop the runtime half-way."""
import os
import time

from duoflow import FlowSpec, current, step


class ResumeSlowFlow(FlowSpec):
    @step
    def start(self):
        self.items = list(range(6))
        self.next(self.work, foreach="items")

    @step
    def work(self):
        if self.input >= 2 and os.environ.get("SLOW") == "1":
            time.sleep(60)
        self.value = self.input * 10
        self.ran = current.run_id
        self.next(self.join)

    @step
    def join(self, inputs):
        self.values = [i.value for i in inputs]
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ResumeSlowFlow()
