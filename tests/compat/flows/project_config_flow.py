"""A config sets a flow decorator's argument through config_expr (docs.metaflow.org, Basic Configuration)."""
from metaflow import Config, FlowSpec, config_expr, current, project, step


@project(name=config_expr("settings.project"))
class ProjectConfigFlow(FlowSpec):
    settings = Config("settings", default_value={"project": "from_config", "greeting": "hi"})

    @step
    def start(self):
        print("RESULT: project=%s" % current.project_name)
        print("RESULT: greeting=%s" % self.settings.greeting)
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ProjectConfigFlow()
