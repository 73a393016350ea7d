"""`check`: every invalid graph is reported with its file:line and key phrases, all at once, exit 2.

Each flow in ``flows/check_*.py`` marks the lines where a problem may be reported with a comment
``# problem: <key>`` (the ``@step`` and ``def`` lines of the step at fault, the ``self.next``
line, or the ``class`` line for flow-wide problems). A case passes when some reported problem sits
on one of those lines and contains the case's key phrases. Other problems that follow from the
same mistake (a step left unreachable by a typo, say) may be reported too.
"""

import re
from pathlib import Path

import pytest

FLOWS_DIR = Path(__file__).resolve().parents[1] / "flows"

HEADER = r"%s is not a valid flow graph \((\d+) problems?\)"

# (flow file, flow class, marker key, phrases the problem line must contain)
CASES = [
    ("check_unknown_step.py", "UnknownStepFlow", "unknown-step",
     ["no step has that name", "Did you mean 'evaluate'?"]),
    ("check_missing_next.py", "MissingNextFlow", "missing-next", ["does not call self.next()"]),
    ("check_unreachable.py", "UnreachableFlow", "unreachable", ["unreachable", "orphan"]),
    ("check_loop.py", "LoopFlow", "loop", ["loop"]),
    ("check_join_without_split.py", "JoinWithoutSplitFlow", "join-without-split",
     ["join", "split"]),
    ("check_foreach_no_join.py", "ForeachNoJoinFlow", "never-joined", ["never joined"]),
    ("check_branch_no_join.py", "BranchNoJoinFlow", "never-joined", ["never joined"]),
    ("check_no_start.py", "NoStartFlow", "no-start", ["no 'start' step"]),
    ("check_no_end.py", "NoEndFlow", "no-end", ["no 'end' step"]),
    ("check_duplicate_step.py", "DuplicateStepFlow", "defined-twice", ["defined twice", "train"]),
    ("check_reserved_names.py", "ReservedNamesFlow", "reserved-input", ["reserved", "input"]),
    ("check_reserved_names.py", "ReservedNamesFlow", "reserved-next", ["reserved", "next"]),
    ("check_not_a_join.py", "NotAJoinFlow", "not-a-join", ["not a join"]),
]

MANY = [
    ("unknown-step", ["no step has that name", "Did you mean 'evaluate'?"]),
    ("missing-next", ["does not call self.next()"]),
    ("defined-twice", ["defined twice"]),
    ("reserved", ["reserved"]),
]


def marked_lines(flow_file, key):
    """Line numbers (1-based) of the flow file that carry ``# problem: <key>``."""
    text = (FLOWS_DIR / flow_file).read_text().splitlines()
    marker = re.compile(r"#.*\bproblem: %s\b(?!-)" % re.escape(key))
    lines = {n for n, line in enumerate(text, start=1) if marker.search(line)}
    assert lines, "no '# problem: %s' marker in %s" % (key, flow_file)
    return lines


def assert_reported(result, flow_file, key, phrases):
    """Some problem line sits on a marked line and contains every phrase."""
    lines = marked_lines(flow_file, key)
    problems = result.problems()
    matching = [(line, text) for line, text in problems
                if line in lines and all(p in text for p in phrases)]
    assert matching, (
        "expected a problem on line(s) %s containing %r; got %r\n%s"
        % (sorted(lines), phrases, problems, result.describe()))


def assert_header_counts_problems(result, flow_name):
    match = re.search(HEADER % flow_name, result.stderr)
    assert match, result.describe()
    assert int(match.group(1)) == len(result.problems()), result.describe()


@pytest.fixture(scope="module")
def checked(make_runner):
    """``check`` of each invalid flow, once per module."""
    runner = make_runner(name="check")
    cache = {}

    def get(flow_file):
        if flow_file not in cache:
            cache[flow_file] = runner(flow_file, "check")
        return cache[flow_file]
    return get


@pytest.mark.parametrize("flow_file,flow_name,key,phrases", CASES,
                         ids=[case[2] + ":" + case[0] for case in CASES])
def test_check_exits_2(checked, flow_file, flow_name, key, phrases):
    assert checked(flow_file).returncode == 2, checked(flow_file).describe()


@pytest.mark.parametrize("flow_file,flow_name,key,phrases", CASES,
                         ids=[case[2] + ":" + case[0] for case in CASES])
def test_check_names_the_flow_and_counts_problems(checked, flow_file, flow_name, key, phrases):
    assert_header_counts_problems(checked(flow_file), flow_name)


@pytest.mark.parametrize("flow_file,flow_name,key,phrases", CASES,
                         ids=[case[2] + ":" + case[0] for case in CASES])
def test_check_reports_problem_at_its_line(checked, flow_file, flow_name, key, phrases):
    assert_reported(checked(flow_file), flow_file, key, phrases)


def test_check_accepts_a_valid_flow(run_flow):
    result = run_flow("linear_flow.py", "check")
    assert result.returncode == 0, result.describe()
    assert "valid" in result.stdout, result.describe()
    assert "not a valid" not in result.output, result.describe()


def test_check_runs_nothing(run_flow):
    result = run_flow("linear_flow.py", "check")
    assert result.returncode == 0, result.describe()
    assert not list(result.store.glob("*/runs/*")), "check created a run"
    assert "hello from start" not in result.output


@pytest.mark.parametrize("key,phrases", MANY, ids=[m[0] for m in MANY])
def test_check_reports_every_problem_at_once(checked, key, phrases):
    result = checked("check_many_problems.py")
    assert result.returncode == 2, result.describe()
    assert_reported(result, "check_many_problems.py", key, phrases)


def test_check_counts_every_problem(checked):
    result = checked("check_many_problems.py")
    assert_header_counts_problems(result, "ManyProblemsFlow")
    assert len(result.problems()) >= len(MANY), result.describe()


def test_run_of_invalid_flow_exits_2_with_the_same_report(run_flow, checked):
    result = run_flow("check_many_problems.py", "run")
    assert result.returncode == 2, result.describe()
    assert_header_counts_problems(result, "ManyProblemsFlow")
    assert result.problems() == checked("check_many_problems.py").problems()


def test_run_of_invalid_flow_runs_nothing(run_flow):
    result = run_flow("check_many_problems.py", "run")
    assert result.returncode == 2, result.describe()
    assert "START RAN" not in result.output, result.describe()
    assert not list(result.store.glob("**/DONE")), "a task ran on an invalid graph"
    assert not list(result.store.glob("**/stdout.log")), "a task ran on an invalid graph"
