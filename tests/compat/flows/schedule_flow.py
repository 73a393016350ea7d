"""@schedule and @trigger_on_finish have no effect on a local run; it runs as usual."""
from metaflow import FlowSpec, schedule, step, trigger_on_finish


@trigger_on_finish(flow="ProjectFlow")
@schedule(cron="0 6 * * *", timezone="Europe/Helsinki")
class ScheduleFlow(FlowSpec):
    @step
    def start(self):
        self.x = 1
        print("RESULT: ran start")
        self.next(self.end)

    @step
    def end(self):
        print("RESULT: x=%d" % self.x)


if __name__ == "__main__":
    ScheduleFlow()
