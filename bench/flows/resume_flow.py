"""B4: a WIDTH-way foreach whose last step fails while FAIL_END is set; then resumed without it."""
import os

from duoflow import FlowSpec, step


class ResumeFlow(FlowSpec):
    @step
    def start(self):
        self.items = list(range(int(os.environ.get("WIDTH", "100"))))
        self.next(self.work, foreach="items")

    @step
    def work(self):
        self.value = self.input * 2
        self.next(self.join)

    @step
    def join(self, inputs):
        self.total = sum(i.value for i in inputs)
        self.next(self.end)

    @step
    def end(self):
        if os.environ.get("FAIL_END"):
            raise RuntimeError("planned failure in the last step")


if __name__ == "__main__":
    ResumeFlow()
