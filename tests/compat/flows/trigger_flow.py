"""@trigger(event=...) has no effect on a local run (docs.metaflow.org, Triggering Flows Based on External Events)."""
from metaflow import FlowSpec, step, trigger


@trigger(event="data_updated")
class TriggerFlow(FlowSpec):
    @step
    def start(self):
        print("RESULT: started")
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    TriggerFlow()
