"""A 20-way foreach whose tasks print, for the terminal display tests."""
import time

from duoflow import FlowSpec, step


class WideFlow(FlowSpec):
    @step
    def start(self):
        print("narrow step output")
        self.items = list(range(20))
        self.next(self.work, foreach="items")

    @step
    def work(self):
        print("item-%d-output" % self.input)
        time.sleep(0.05)
        self.next(self.join)

    @step
    def join(self, inputs):
        self.count = len(inputs)
        self.next(self.end)

    @step
    def end(self):
        print("end-output")


if __name__ == "__main__":
    WideFlow()
