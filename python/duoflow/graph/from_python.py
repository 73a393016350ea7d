"""Build a :class:`FlowGraph` from a Python ``FlowSpec`` subclass by reading its source.

Transitions come from the ``self.next(...)`` calls in each step's source (as in Metaflow), so the
graph is known before any step runs.

The flow file is parsed once and the class and its steps are looked up in that tree; only steps
defined elsewhere (a base class in another file) have their own source read through ``inspect``,
which tokenizes and parses each function again (several milliseconds at every start).
"""

from __future__ import annotations

import ast
import inspect
from typing import Callable, Dict, List, Optional, Tuple

from .model import Decorator, FlowGraph, Node, Problem


def step_functions(cls) -> Dict[str, Callable]:
    """The ``@step`` functions of a flow class (base classes included), in definition order."""
    steps: Dict[str, Callable] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if callable(value) and getattr(value, "_duoflow_step", False):
                steps[name] = value
    return steps


def graph_from_class(cls) -> FlowGraph:
    """Read the flow class's steps, transitions, docstrings and decorators."""
    file = _source_file(cls)
    tree = _parse_file(file)
    lineno = _class_line(cls) if tree is None else _class_line_in(tree, cls.__qualname__)
    graph = FlowGraph(name=cls.__name__, file=file, doc=_own_doc(cls), lineno=lineno)
    defs = _function_defs(tree) if tree is not None else {}
    for name, func in step_functions(cls).items():
        node, problems = _node_from_function(name, func, file, _parsed_def(func, file, defs))
        node.decorators = _resolved_decorators(cls, node.decorators)
        graph.nodes[name] = node
        graph.parse_problems.extend(problems)
    graph.parse_problems.extend(_duplicate_step_problems(cls, file, tree))
    return graph


def _own_doc(cls) -> str:
    """The flow's docstring, or its flow base classes' (never FlowSpec's own, which
    ``inspect.getdoc`` would give a flow without one)."""
    for klass in cls.__mro__:
        if getattr(klass, "__module__", "").startswith("duoflow.") or klass is object:
            return ""
        doc = klass.__dict__.get("__doc__")
        if isinstance(doc, str) and doc.strip():
            return inspect.cleandoc(doc)
    return ""


def _resolved_decorators(cls, decorators: List[Decorator]) -> List[Decorator]:
    """Decorators whose attributes use configs, evaluated and checked now that configs are read."""
    from ..decorators import PendingDecorator, normalize

    if not any(isinstance(d, PendingDecorator) for d in decorators):
        return decorators
    from ..configs import resolve_delayed, values_by_name

    configs = values_by_name(cls)
    return [normalize(d.name, resolve_delayed(d.attributes, configs)) if isinstance(d, PendingDecorator)
            else d for d in decorators]


def _parse_file(file: str) -> Optional[ast.Module]:
    """The flow file's syntax tree, or None when it cannot be read as UTF-8 Python."""
    if not file:
        return None
    try:
        with open(file, encoding="utf-8") as handle:
            return ast.parse(handle.read())
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None


def _class_line_in(tree: ast.Module, qualname: str, prefix: str = "") -> int:
    """The line ``inspect.getsourcelines(cls)`` gives for the class ``qualname`` (its first
    decorator's, else its own), searched as inspect searches; 0 when it is not there."""
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, ast.ClassDef):
            name = prefix + child.name
            if name == qualname:
                return child.decorator_list[0].lineno if child.decorator_list else child.lineno
            found = _class_line_in(child, qualname, name + ".")
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found = _class_line_in(child, qualname, prefix + child.name + ".<locals>.")
        else:
            found = _class_line_in(child, qualname, prefix)
        if found:
            return found
    return 0


def _function_defs(tree: ast.Module) -> Dict[int, ast.AST]:
    """Every function definition of the file by its first line: its first decorator's, else the
    ``def``'s (what ``co_firstlineno`` says)."""
    defs: Dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            defs[node.decorator_list[0].lineno if node.decorator_list else node.lineno] = node
    return defs


def _parsed_def(func: Callable, flow_file: str, defs: Dict[int, ast.AST]) -> Optional[ast.AST]:
    """The step's definition in the parsed flow file, or None when it is defined elsewhere."""
    func = inspect.unwrap(func)
    code = getattr(func, "__code__", None)
    if code is None or _source_file(func) != flow_file:
        return None
    return defs.get(code.co_firstlineno)


def _class_line(cls) -> int:
    try:
        return inspect.getsourcelines(cls)[1]
    except (OSError, TypeError):
        return 0


def _source_file(obj) -> str:
    try:
        return inspect.getsourcefile(obj) or ""
    except TypeError:
        return ""


def _node_from_function(name: str, func: Callable, flow_file: str,
                        fdef: Optional[ast.AST] = None) -> Tuple[Node, List[Problem]]:
    """The step's node; ``fdef`` is its definition in the parsed flow file when it is there."""
    file = _source_file(func) or flow_file
    offset = 0  # line numbers in fdef are the file's own
    if fdef is None:
        fdef, offset = _read_def(func)
    def_line = _def_line(fdef) + offset
    node = Node(
        name=name,
        doc=inspect.getdoc(func) or "",
        file=file,
        lineno=def_line,
        is_join=len(fdef.args.args) >= 2,
        decorators=[type(d)(d.name, dict(d.attributes)) for d in getattr(func, "_duoflow_decorators", [])],
    )
    problems: List[Problem] = []
    if len(fdef.args.args) > 2 or fdef.args.vararg or fdef.args.kwarg:
        problems.append(Problem(
            "step '%s' takes %s; a step takes (self), a join takes (self, inputs)."
            % (name, _describe_args(fdef.args)), file, def_line))
    calls = [c for c in ast.walk(fdef) if _is_self_next(c)]
    if not calls:
        node.has_next = False
        return node, problems
    transitions = []
    for call in calls:
        parsed, call_problems = _parse_next_call(name, call, file, offset)
        problems += call_problems
        if parsed is not None:
            transitions.append((parsed, call.lineno + offset))
    if transitions:
        (targets, foreach), line = transitions[0]
        node.out_funcs, node.foreach_var, node.next_lineno = targets, foreach, line
        for other, other_line in transitions[1:]:
            if other != transitions[0][0]:
                problems.append(Problem(
                    "step '%s' calls self.next() with different steps (lines %d and %d). A step's "
                    "transition must be the same every time; use a branch and a join instead."
                    % (name, line, other_line), file, other_line))
    return node, problems


def _read_def(func: Callable) -> Tuple[ast.AST, int]:
    """``(definition, line offset)`` of a step read from its own source."""
    import textwrap

    lines, first_line = inspect.getsourcelines(func)
    tree = ast.parse(textwrap.dedent("".join(lines)))
    fdef = next(n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
    return fdef, first_line - 1


def _def_line(fdef) -> int:
    # With decorators, ast gives the 'def' line on 3.8+; keep it explicit for clarity.
    return fdef.lineno


def _describe_args(args: ast.arguments) -> str:
    names = [a.arg for a in args.args]
    if args.vararg:
        names.append("*" + args.vararg.arg)
    if args.kwarg:
        names.append("**" + args.kwarg.arg)
    return "(%s)" % ", ".join(names)


def _is_self_next(node) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "next" and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "self")


def _parse_next_call(step: str, call: ast.Call, file: str, offset: int):
    """``((targets, foreach_var), problems)`` for one ``self.next(...)`` call."""
    line = call.lineno + offset
    problems: List[Problem] = []
    targets: List[str] = []
    for arg in call.args:
        if (isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name)
                and arg.value.id == "self"):
            targets.append(arg.attr)
        else:
            problems.append(Problem(
                "step '%s' passes %s to self.next(); pass steps as self.<step_name>."
                % (step, _source_of(arg)), file, line))
    foreach: Optional[str] = None
    for kw in call.keywords:
        if kw.arg == "foreach" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
            foreach = kw.value.value
        elif kw.arg == "foreach":
            problems.append(Problem(
                "step '%s' gives foreach=%s; foreach takes the artifact's name as a string, "
                "e.g. foreach=\"items\"." % (step, _source_of(kw.value)), file, line))
        else:
            problems.append(Problem(
                "step '%s' passes %s= to self.next(), which duoflow does not support; "
                "use foreach=\"name\" or several steps." % (step, kw.arg), file, line))
    if not targets:
        problems.append(Problem("step '%s' calls self.next() without a step to go to." % step, file, line))
    if foreach and len(targets) != 1:
        problems.append(Problem(
            "step '%s' uses foreach with %d steps; a foreach goes to exactly one step."
            % (step, len(targets)), file, line))
    if problems:
        return None, problems
    return (targets, foreach), problems


def _source_of(node) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # pragma: no cover - defensive
        return "an expression"


def _duplicate_step_problems(cls, file: str, tree: Optional[ast.Module]) -> List[Problem]:
    """Steps defined twice in the class body (Python silently keeps the last one)."""
    if tree is None:
        return []
    problems = []
    for classdef in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == cls.__name__):
        seen: Dict[str, int] = {}
        for item in classdef.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and _has_step_decorator(item):
                if item.name in seen:
                    problems.append(Problem(
                        "step '%s' is defined twice (lines %d and %d); Python keeps only the last. "
                        "Rename one of them." % (item.name, seen[item.name], item.lineno),
                        file, item.lineno))
                else:
                    seen[item.name] = item.lineno
    return problems


def _has_step_decorator(fdef) -> bool:
    for deco in fdef.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name == "step":
            return True
    return False
