"""``FlowSpec``: the base class of every Python flow.

Outside a run, instantiating the flow (``MyFlow()`` at the bottom of the flow file) starts the
command line. Inside a task, the runtime creates the object with ``use_cli=False`` and attaches a
:class:`~duoflow.runtime.state.TaskState`; attribute reads fall back to the task's inherited
artifacts, and assignments become new artifacts.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from .datastore.artifacts import check_artifact_name
from .exceptions import ReadOnlyError, UsageError
from .graph.names import RESERVED_NAMES


def _load_command_line():
    """Import the command line (``main``), keeping the garbage collector off what is loaded.

    The command line runs one command, then the process exits: duoflow, the flow module and
    click stay loaded until then. ``gc.freeze()`` takes them out of the collector's generations,
    which spares the collections that would walk them again and again while the rest is imported
    (a few milliseconds), and forked tasks the copies of the pages those walks would write to.
    """
    import gc

    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        from .cli.main import main
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
    return main


class FlowSpec:
    """Subclass it, write ``@step`` methods from ``start`` to ``end``, and call ``MyFlow()``."""

    # Steps may change artifacts they read in place (self.items.append(x)); the task then
    # stores the changed value. Flows whose steps only ever see copies turn this off.
    _values_change_in_place = True
    # Set on a flow class by each Config it declares (Config.__set_name__): whether there are
    # configs to read, asked before anything of duoflow.configs is loaded.
    _duoflow_has_configs = False

    def __init__(self, use_cli: bool = True):
        if use_cli:
            _load_command_line()(type(self))

    # -- class level -----------------------------------------------------------------------
    @classmethod
    def _graph(cls):
        """The flow's graph, read from its source once per class."""
        cached = cls.__dict__.get("_duoflow_graph")
        if cached is None:
            from .graph.from_python import graph_from_class

            cached = graph_from_class(cls)
            cls._duoflow_graph = cached
        return cached

    @classmethod
    def _parameters(cls):
        from .parameters import flow_parameters

        return flow_parameters(cls)

    @classmethod
    def _step_function(cls, name: str):
        return getattr(cls, name)

    @classmethod
    def _foreach_sequence(cls, values: Any) -> Any:
        """What a foreach splits over, given the artifact's value (R flows treat scalars as
        length-1 vectors)."""
        return values

    # -- attributes inside a step ----------------------------------------------------------
    def _parameter_value(self, attr: str) -> Any:
        state = self.__dict__.get("_state")
        if state is None:
            raise UsageError("Parameter '%s' has a value only inside a running step" % attr)
        return state.run.parameters[attr]

    def __getattr__(self, name: str) -> Any:
        state = self.__dict__.get("_state")
        if state is None or name.startswith("_"):
            raise AttributeError("%s object has no attribute '%s'" % (type(self).__name__, name))
        return state.read(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)  # private to the task, never stored
            return
        if name in RESERVED_NAMES:
            raise ReadOnlyError("'%s' is reserved and cannot be assigned in a step" % name,
                                hint="Choose another artifact name.")
        check_artifact_name(name)
        state = self.__dict__.get("_state")
        if state is not None and name in state.graph:
            raise ReadOnlyError("'%s' is a step of this flow and cannot be an artifact" % name,
                                hint="Choose another artifact name.")
        object.__setattr__(self, name, value)  # a Parameter descriptor refuses here

    def __delattr__(self, name: str) -> None:
        raise ReadOnlyError("Artifacts cannot be deleted (tried to delete '%s')" % name,
                            hint="Assign None to it if it should be empty from here on.")

    # -- the step API ----------------------------------------------------------------------
    def next(self, *steps: Any, foreach: Optional[str] = None) -> None:
        """Say where the flow goes after this step: ``self.next(self.a)``, ``self.next(self.a,
        self.b)`` (a branch) or ``self.next(self.a, foreach="items")`` (one task per item)."""
        self._require_state("self.next()").record_next(steps, foreach)

    @property
    def input(self) -> Any:
        """The item of the innermost foreach this task runs for (None outside a foreach)."""
        state = self._require_state("self.input")
        return state.frame_value(state.foreach_stack[-1]) if state.foreach_stack else None

    @property
    def index(self) -> Optional[int]:
        """The 0-based position of ``self.input`` in the innermost foreach (None outside one)."""
        state = self._require_state("self.index")
        return state.foreach_stack[-1].index if state.foreach_stack else None

    def foreach_stack(self) -> List[Tuple[int, int, Any]]:
        """``[(index, num_splits, value), ...]`` for every enclosing foreach, outermost first."""
        return self._require_state("self.foreach_stack()").foreach_tuples()

    def merge_artifacts(self, inputs: Any, include: Optional[List[str]] = None,
                        exclude: Optional[List[str]] = None) -> None:
        """In a join: take over every artifact the inputs agree on (or only ``include``, or all
        but ``exclude``); artifacts already set in the join are kept."""
        from .runtime.state import merge_artifacts

        state = self._require_state("self.merge_artifacts()")
        own = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        merge_artifacts(state, own, inputs, include, exclude)

    def _require_state(self, what: str):
        state = self.__dict__.get("_state")
        if state is None:
            raise UsageError("%s only works inside a running step" % what)
        return state

    def _new_artifacts(self) -> Dict[str, Any]:
        """Values assigned in this task (public attributes only)."""
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
