"""A TOML config through a parser named by a string (docs.metaflow.org, Parsing Configs)."""
from metaflow import Config, FlowSpec, resources, step


class TomlConfigFlow(FlowSpec):
    config = Config("config", default="myconfig.toml", parser="tomllib.loads")

    @resources(cpu=config.resources.cpu)
    @step
    def start(self):
        print("RESULT: a=%s" % self.config.general.a)
        print("RESULT: cpu=%s" % self.config.resources.cpu)
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    TomlConfigFlow()
