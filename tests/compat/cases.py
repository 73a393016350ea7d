"""The differential cases: a flow of ``flows/`` (written with ``from metaflow import``, from
Metaflow's documentation), the commands to run on it, and what duoflow must give.

``expect`` is duoflow's expected outcome (exit code of the last command, the sorted ``RESULT:``
lines it printed, the client reads after it); ``make compat`` also runs every case on Metaflow
and compares. ``differs`` says why Metaflow gives something else, where it does (the README's
table lists the same).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

USER = "compat"  # the user name both engines see


@dataclass
class Case:
    name: str
    flow: str
    commands: List[List[str]]                      # run one after the other; the last is compared
    exit_code: int = 0
    results: List[str] = field(default_factory=list)   # the RESULT: lines (sorted)
    client: List[Tuple[str, str]] = field(default_factory=list)  # (expression, expected repr)
    files: Tuple[str, ...] = ()                    # more files of flows/ to copy beside the flow
    probe: Optional[Callable[[str], List[str]]] = None  # what to compare instead of RESULT lines
    differs: str = ""                              # Metaflow's known, documented difference


def _project(branch: str, production: bool, user_branch: bool) -> List[str]:
    return sorted(["project_name=demo", "branch_name=%s" % branch, "is_production=%s" % production,
                   "is_user_branch=%s" % user_branch, "project_flow_name=demo.%s.ProjectFlow" % branch])


def _project_tags(branch: str) -> Tuple[str, str]:
    return ("sorted(t for t in run.system_tags if t.startswith('project'))",
            repr(["project:demo", "project_branch:%s" % branch]))


def _flowspec_doc_shown(output: str) -> List[str]:
    """Whether ``show`` printed the base class's docstring for a flow that has none."""
    base_docs = ("Main class from which all Flows should inherit", "Subclass it, write ``@step``")
    return ["base docstring shown" if any(d in output for d in base_docs) else "no docstring"]


CASES: List[Case] = [
    Case("project_user_branch", "project_flow.py", [["run"]],
         results=_project("user.%s" % USER, False, True), client=[_project_tags("user.%s" % USER)]),
    Case("project_branch", "project_flow.py", [["--branch", "feat", "run"]],
         results=_project("test.feat", False, False), client=[_project_tags("test.feat")]),
    Case("project_production", "project_flow.py", [["--production", "run"]],
         results=_project("prod", True, False), client=[_project_tags("prod")]),
    Case("project_production_branch", "project_flow.py", [["--branch", "feat", "--production", "run"]],
         results=_project("prod.feat", True, False), client=[_project_tags("prod.feat")]),
    Case("project_bad_branch", "project_flow.py", [["--branch", "Feat", "run"]], exit_code=2,
         differs="Metaflow exits 1 for a bad branch name; duoflow exits 2, as for all bad input "
                 "given before anything runs."),
    Case("schedule_and_trigger_on_finish", "schedule_flow.py", [["run"]],
         results=["ran start", "x=1"], client=[("run.successful", "True")]),
    Case("trigger", "trigger_flow.py", [["run"]], results=["started"]),
    Case("exit_hook_success", "exit_hook_flow.py", [["run"]],
         results=["end ran", "report hook, successful=True", "success hook"]),
    Case("exit_hook_error", "exit_hook_flow.py", [["run", "--fail", "true"]], exit_code=1,
         results=["failure hook", "report hook, successful=False"]),
    Case("config_default_file", "config_flow.py", [["run"]], files=("myconfig.json",),
         results=["end sees ['mode', 'nested', 'timeout']", "item=v", "mode=fast", "timeout=30"],
         client=[("sorted(run.data.config)", repr(["mode", "nested", "timeout"])),
                 ("run.data.config['nested']['k']", repr("v"))]),
    Case("config_file_option", "config_flow.py", [["--config", "config", "other_config.json", "run"]],
         files=("myconfig.json", "other_config.json"),
         results=["end sees ['mode', 'nested', 'timeout']", "item=w", "mode=slow", "timeout=20"]),
    Case("config_value_option", "config_flow.py",
         [["--config-value", "config", '{"timeout": 9, "mode": "cli", "nested": {"k": "z"}}', "run"]],
         files=("myconfig.json",),
         results=["end sees ['mode', 'nested', 'timeout']", "item=z", "mode=cli", "timeout=9"],
         client=[("run.data.config['mode']", repr("cli"))]),
    Case("config_toml_parser", "toml_config_flow.py", [["run"]], files=("myconfig.toml",),
         results=["a=5", "cpu=1"]),
    Case("config_in_flow_decorator", "project_config_flow.py", [["run"]],
         results=["greeting=hi", "project=from_config"]),
    Case("card_accepted", "card_flow.py", [["run"]], results=["rows=[1, 2, 3]"]),
    Case("remote_decorators_check", "remote_flow.py", [["check"]],
         differs="Metaflow's check refuses @pypi without --environment=pypi (exit 1); duoflow's "
                 "check and show accept the flow, so it can be inspected where it cannot run."),
    Case("remote_decorators_run", "remote_flow.py", [["run"]], exit_code=2,
         differs="Metaflow sends @batch steps to AWS Batch (here: no AWS configured, so it fails "
                 "differently); duoflow refuses before any task runs, saying what to do instead."),
    Case("with_kubernetes", "hello_flow.py", [["run", "--with", "kubernetes"]], exit_code=2,
         differs="Metaflow runs the steps on Kubernetes (here: none configured); duoflow refuses "
                 "before any task runs."),
    Case("card_components", "card_components_flow.py", [["run"]],
         results=["components=1", "image class=Image"]),
    Case("with_card", "hello_flow.py", [["run", "--with", "card"]], results=["hello"]),
    Case("public_names", "names_flow.py", [["run"]],
         results=["doubled=[2, 4, 6]", "profiled=['block']"]),
    Case("show_without_docstring", "nodoc_flow.py", [["show"]], probe=_flowspec_doc_shown,
         results=["no docstring"]),
]

BY_NAME: Dict[str, Case] = {case.name: case for case in CASES}
