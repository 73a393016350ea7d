"""Each --mode makes a task fail in its own way; the default mode succeeds.

start -> fan (foreach over items) -> fan_join -> end
"""
import os
import signal

from duoflow import FlowSpec, Parameter, step


class RuntimeErrorsFlow(FlowSpec):
    """Failures the graph cannot see before the run."""

    mode = Parameter("mode", default="none", help="Which failure to trigger")

    @step
    def start(self):
        self.present_value = 1
        if self.mode == "string_foreach":
            self.items = "abc"
        elif self.mode == "too_wide":
            self.items = [1, 2, 3, 4, 5]
        else:
            self.items = [1, 2]
        if self.mode == "readonly":
            self.mode = "changed"
        self.next(self.fan, foreach="items")

    @step
    def fan(self):
        if self.mode == "wrong_next":
            go = self.next
            go(self.end)  # the graph says fan -> fan_join
            return
        if self.mode == "kill9":
            os.kill(os.getpid(), signal.SIGKILL)
        if self.mode == "exit0":
            os._exit(0)
        if self.mode == "bad_name":
            setattr(self, "../x", 1)
        if self.mode == "missing_artifact":
            print(self.no_such_value)
        self.value = self.input * 10
        self.next(self.fan_join)

    @step
    def fan_join(self, inputs):
        self.values = [inp.value for inp in inputs]
        self.merge_artifacts(inputs, exclude=["value"])
        self.next(self.end)

    @step
    def end(self):
        assert self.values == [10, 20]


if __name__ == "__main__":
    RuntimeErrorsFlow()
