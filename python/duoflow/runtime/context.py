"""What a task needs to know about its run, and what the scheduler asks a launcher to run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from ..datastore.flow_store import FlowStore
from ..datastore.records import ArtifactEntry, FrameRecord, TaskRecord
from ..graph.model import FlowGraph, Node


@dataclass
class RunContext:
    """One run, as seen by every task of it (in memory for forked tasks, from run.json otherwise)."""

    flow_cls: Any
    graph: FlowGraph
    flow_store: FlowStore
    run_id: str
    flow_file: str
    parameters: Dict[str, Any] = field(default_factory=dict)        # attribute -> value
    parameter_entries: Dict[str, ArtifactEntry] = field(default_factory=dict)  # attribute -> index entry
    user: str = ""
    tags: List[str] = field(default_factory=list)
    system_tags: List[str] = field(default_factory=list)
    max_num_splits: int = 10000
    launcher: str = "fork"
    origin_run_id: Optional[str] = None

    @property
    def flow_name(self) -> str:
        return self.graph.name


@dataclass
class TaskRequest:
    """One attempt of one task: what to run and with which inputs."""

    step: str
    task_id: str
    input_paths: List[str] = field(default_factory=list)  # "step/task_id" of each parent task
    split_index: Optional[int] = None                     # set when the parent is a foreach split
    attempt: int = 0
    catch_fallback: bool = False                          # run @catch's fallback, not the step

    def pathspec(self, run: RunContext) -> str:
        return "%s/%s/%s/%s" % (run.flow_name, run.run_id, self.step, self.task_id)


def child_foreach_stack(graph: FlowGraph, node: Node, parent_infos: List[TaskRecord],
                        split_index: Optional[int]) -> List[FrameRecord]:
    """The foreach stack of a task of ``node`` given its parents' records."""
    first = parent_infos[0]
    stack = list(first.foreach_stack)
    if node.is_join:
        split = graph[node.matching_split]
        return stack[:-1] if split.foreach_var else stack
    parent_node = graph[first.step]
    if parent_node.foreach_var:
        stack.append(FrameRecord(step=parent_node.name, task="%s/%s" % (first.step, first.task_id),
                                 index=int(split_index or 0), num_splits=int(first.foreach_num_splits or 0)))
    return stack
