"""@exit_hook: functions that run when the run ends (docs.metaflow.org, Dealing with Failures)."""
from metaflow import FlowSpec, Parameter, exit_hook, step


def success_print():
    print("RESULT: success hook")


def report(run):
    print("RESULT: report hook, successful=%s" % run.successful)


def failure_print():
    print("RESULT: failure hook")


@exit_hook(on_success=[success_print, report], on_error=[failure_print, report])
class ExitHookFlow(FlowSpec):
    fail = Parameter("fail", default=False, type=bool)

    @step
    def start(self):
        if self.fail:
            raise ValueError("asked to fail")
        self.next(self.end)

    @step
    def end(self):
        print("RESULT: end ran")


if __name__ == "__main__":
    ExitHookFlow()
