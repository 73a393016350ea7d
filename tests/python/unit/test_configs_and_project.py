"""Config values and expressions, and @project's branch rules, as pure functions."""

from __future__ import annotations

import pickle

import pytest

from duoflow.configs import Config, ConfigValue, DelayedValue, config_expr, has_delayed, resolve_delayed
from duoflow.exceptions import ReadOnlyError, UsageError
from duoflow.flow_decorators import project_facts
from duoflow.graph.model import Decorator


def double(x):
    return 2 * x


def test_config_values_read_as_attributes_and_refuse_changes():
    value = ConfigValue({"a": {"b": [1, 2]}, "c": 3})
    assert value.a.b == [1, 2] and value["c"] == 3 and isinstance(value.a, ConfigValue)
    for change in (lambda: value.__setitem__("c", 4), lambda: setattr(value, "c", 4),
                   lambda: value.update(c=4), lambda: value.pop("c")):
        with pytest.raises(ReadOnlyError):
            change()
    copy = value.to_dict()
    copy["c"] = 4
    assert type(copy["a"]) is dict and value.c == 3
    assert pickle.loads(pickle.dumps(value)) == value
    with pytest.raises(AttributeError, match="config has no key 'z'"):
        value.z


def test_delayed_expressions_evaluate_against_configs():
    cfg = Config("cfg")
    configs = {"cfg": ConfigValue({"a": {"b": 5}, "key": "a", "n": 4}), "other": ConfigValue({"k": "b"})}
    assert resolve_delayed(cfg.a.b, configs) == 5
    assert resolve_delayed(cfg["a"]["b"], configs) == 5
    assert resolve_delayed(config_expr("cfg.n + 1"), configs) == 5
    assert resolve_delayed(config_expr("double(cfg.n)"), configs) == 8  # the caller's functions
    assert resolve_delayed(cfg[cfg.key][config_expr("other").k], configs) == 5  # keys from configs
    nested = {"vars": {"N": cfg.n, "plain": "x"}, "list": [cfg.a.b, 1], "t": (cfg.n,)}
    assert has_delayed(nested) and not has_delayed({"a": [1, "x"]})
    assert resolve_delayed(nested, configs) == {"vars": {"N": 4, "plain": "x"}, "list": [5, 1], "t": (4,)}
    with pytest.raises(UsageError, match="Config expression 'cfg.missing' could not be evaluated"):
        resolve_delayed(cfg.missing, configs)
    assert repr(cfg.a.b) == "config_expr('cfg.a.b')" and isinstance(cfg.name, DelayedValue)


def test_config_definitions_are_checked():
    with pytest.raises(UsageError, match="only give default or default_value"):
        Config("c", default="a.json", default_value="{}")
    with pytest.raises(UsageError, match="is not valid"):
        Config("not valid")
    assert Config("c", default_value={"a": 1}).read(None, None, "") == {"a": 1}
    assert Config("c", default_value=lambda: '{"a": 2}').read(None, None, "") == {"a": 2}
    assert Config("c", parser="json.loads").read(None, "[1]", "") == [1]
    assert Config("c").read(None, None, "") is None


PROJECT = [Decorator("project", {"name": "demo", "branch": None, "production": False})]


@pytest.mark.parametrize("branch, production, name, user_branch", [
    (None, False, "user.ann", True), ("b_1", False, "test.b_1", False),
    (None, True, "prod", False), ("b_1", True, "prod.b_1", False),
])
def test_project_branches_follow_metaflow(branch, production, name, user_branch):
    facts = project_facts(PROJECT, "MyFlow", "ann", branch, production)
    assert (facts.branch_name, facts.is_user_branch, facts.is_production) == (name, user_branch, production)
    assert facts.project_flow_name == "demo.%s.MyFlow" % name
    assert facts.system_tags() == ["project:demo", "project_branch:%s" % name]


@pytest.mark.parametrize("attributes, branch, message", [
    ({"name": "Demo"}, None, "The @project name must contain only lowercase"),
    ({"name": None}, None, "@project needs a name"),
    ({"name": "x" * 129}, None, "must be shorter than 128"),
    ({"name": "demo"}, "a-b", "The branch name must contain only lowercase"),
    ({"name": "demo", "branch": "one"}, "two", "You cannot pass branch as both"),
])
def test_bad_projects_are_usage_errors(attributes, branch, message):
    with pytest.raises(UsageError, match=message):
        project_facts([Decorator("project", attributes)], "MyFlow", "ann", branch, False)


def test_no_project_means_no_branch_options():
    assert project_facts([], "MyFlow", "ann") is None
    with pytest.raises(UsageError, match="need a @project decorator"):
        project_facts([], "MyFlow", "ann", "b", False)


def test_the_graph_follows_the_configs_read_last(tmp_path):
    from duoflow import FlowSpec, step, timeout
    from duoflow.configs import resolve_configs

    class Limited(FlowSpec):
        cfg = Config("cfg", default_value={"limit": 5})

        @timeout(seconds=cfg.limit)
        @step
        def start(self):
            self.next(self.end)

        @step
        def end(self):
            pass

    assert Limited._graph()["start"].decorator("timeout").attributes["seconds"] == 5
    resolve_configs(Limited, {}, {"cfg": '{"limit": 9}'}, "")
    assert Limited._graph()["start"].decorator("timeout").attributes["seconds"] == 9
