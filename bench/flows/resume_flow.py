"""B4 (and bench/resume.py): a WIDTH-way foreach whose last step fails while FAIL_END is set, or
whose item FAIL_ITEM fails; then resumed without it."""
import os

from duoflow import FlowSpec, step


class ResumeFlow(FlowSpec):
    @step
    def start(self):
        self.items = list(range(int(os.environ.get("WIDTH", "100"))))
        self.next(self.work, foreach="items")

    @step
    def work(self):
        if str(self.input) == os.environ.get("FAIL_ITEM"):
            raise RuntimeError("planned failure in item %s" % self.input)
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
