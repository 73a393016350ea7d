from duoflow import FlowSpec, Parameter, exit_hook, step


def broken_hook():
    raise RuntimeError("hook trouble")


def by_name(run):
    print("HOOK by_name %s %s" % (run.pathspec, run.status))


def on_error_hook(**kwargs):
    print("HOOK on_error run=%s" % kwargs["run"].successful)


def exiting_hook():
    raise SystemExit(3)


@exit_hook(on_success=[broken_hook, "by_name"], on_error=[on_error_hook, exiting_hook])
class ExitHooksFlow(FlowSpec):
    fail = Parameter("fail", default=False)

    @step
    def start(self):
        if self.fail:
            raise ValueError("asked to fail")
        self.next(self.end)

    @step
    def end(self):
        print("END RAN")


if __name__ == "__main__":
    ExitHooksFlow()
