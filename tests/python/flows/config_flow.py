"""Configs from files, values and defaults, used in decorators and steps."""
import json

from duoflow import Config, FlowSpec, config_expr, current, project, resources, retry, step


def pairs(text):
    """A parser: 'a=1;b=2' -> {'a': '1', 'b': '2'}."""
    return dict(item.split("=", 1) for item in text.split(";") if item)


@project(name=config_expr("settings.project"))
class ConfigFlow(FlowSpec):
    settings = Config("settings", default_value={"project": "cfgdemo", "retries": 2, "cpu": 3})
    extra = Config("extra", parser=pairs, default_value="a=1;b=2")
    plain = Config("plain", default_value='["x", "y"]', plain=True)
    needed = Config("needed", required=False)

    @retry(times=settings.retries)
    @resources(cpu=settings["cpu"])
    @step
    def start(self):
        print("VALUES " + json.dumps({"settings": self.settings, "extra": self.extra,
                                      "plain": self.plain, "needed": self.needed,
                                      "retries": self.settings.retries,
                                      "branch": current.branch_name}))
        try:
            self.settings["retries"] = 5
        except Exception as exc:
            print("CHANGE REFUSED " + type(exc).__name__)
        self.next(self.end)

    @step
    def end(self):
        print("END " + json.dumps(self.settings))


if __name__ == "__main__":
    ConfigFlow()
