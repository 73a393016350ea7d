"""Config: a file read before the flow runs, usable in decorators (docs.metaflow.org, Basic Configuration)."""
import os

from metaflow import Config, FlowSpec, config_expr, environment, step, timeout


class ConfigFlow(FlowSpec):
    config = Config("config", default="myconfig.json")

    @environment(vars={"MODE": config_expr("config.mode")})
    @timeout(seconds=config.timeout)
    @step
    def start(self):
        print("RESULT: timeout=%s" % self.config.timeout)
        print("RESULT: mode=%s" % os.environ["MODE"])
        print("RESULT: item=%s" % self.config["nested"]["k"])
        self.next(self.end)

    @step
    def end(self):
        print("RESULT: end sees %s" % sorted(self.config))


if __name__ == "__main__":
    ConfigFlow()
