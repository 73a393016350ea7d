"""Flow decorators without a local effect, and @project's current fields."""
import json

from duoflow import FlowSpec, current, project, schedule, step, trigger, trigger_on_finish


@trigger_on_finish(flow="OtherFlow")
@trigger(event="data_updated")
@schedule(cron="0 6 * * *")
@project(name="demo")
class ProjectDecoratorsFlow(FlowSpec):
    @step
    def start(self):
        print("FACTS " + json.dumps({name: getattr(current, name) for name in (
            "project_name", "branch_name", "is_user_branch", "is_production", "project_flow_name")}))
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ProjectDecoratorsFlow()
