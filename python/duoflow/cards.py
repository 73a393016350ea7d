"""``duoflow.cards``: Metaflow's card components, accepted so that flows with ``@card`` run.

duoflow does not render cards yet. A step may still build components and add them to
``current.card`` as with Metaflow (``current.card.append(Markdown("# Hi"))``); they are kept for
the task and dropped when it ends. Reading cards back (``get_cards``) raises a clear error.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from .unsupported import UnsupportedFeatureError

__all__ = ["Artifact", "Table", "Image", "Error", "Markdown", "VegaChart", "ProgressBar", "ValueBox",
           "PythonCode", "EventsTimeline", "JSONViewer", "YAMLViewer", "MetaflowCardComponent",
           "MetaflowCard", "get_cards"]


class MetaflowCardComponent:
    """A card component: keeps what it was given (``update`` replaces it); renders nothing."""

    def __init__(self, *args: Any, **kwargs: Any):
        self.args, self.kwargs = args, kwargs

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args or self.args, dict(self.kwargs, **kwargs)

    def render(self) -> Any:
        return None

    @classmethod
    def from_dataframe(cls, *args: Any, **kwargs: Any) -> "MetaflowCardComponent":
        return cls(*args, **kwargs)

    @classmethod
    def from_matplotlib(cls, *args: Any, **kwargs: Any) -> "MetaflowCardComponent":
        return cls(*args, **kwargs)

    @classmethod
    def from_pil_image(cls, *args: Any, **kwargs: Any) -> "MetaflowCardComponent":
        return cls(*args, **kwargs)

    def __repr__(self) -> str:
        return "%s(...)" % type(self).__name__


def _component(name: str) -> type:
    return type(name, (MetaflowCardComponent,), {"__module__": __name__,
                                                 "__doc__": "Metaflow's %s card component (not rendered)." % name})


Artifact = _component("Artifact")
Table = _component("Table")
Image = _component("Image")
Error = _component("Error")
Markdown = _component("Markdown")
VegaChart = _component("VegaChart")
ProgressBar = _component("ProgressBar")
ValueBox = _component("ValueBox")
PythonCode = _component("PythonCode")
EventsTimeline = _component("EventsTimeline")
JSONViewer = _component("JSONViewer")
YAMLViewer = _component("YAMLViewer")


class MetaflowCard:
    """Base of custom card types; duoflow renders no card, so a subclass is never called."""

    type: Optional[str] = None

    def __init__(self, *args: Any, **kwargs: Any):
        pass

    def render(self, task: Any) -> str:
        return ""


def get_cards(*args: Any, **kwargs: Any):
    """Metaflow's reader of rendered cards; duoflow renders none yet."""
    raise UnsupportedFeatureError("get_cards", "reading the cards a task rendered",
                                  "Read the task's artifacts with the client instead "
                                  "(Task(pathspec).data); card rendering is planned.")


class CardCollector:
    """``current.card``: the components a task adds, kept in memory and not rendered."""

    def __init__(self) -> None:
        self._cards: Dict[Optional[str], List[Any]] = {None: []}

    def append(self, component: Any, id: Optional[str] = None) -> None:
        self._cards.setdefault(id, []).append(component)

    def extend(self, components: List[Any], id: Optional[str] = None) -> None:
        self._cards.setdefault(id, []).extend(components)

    def clear(self, id: Optional[str] = None) -> None:
        self._cards[id] = []

    def refresh(self, *args: Any, **kwargs: Any) -> None:
        """Metaflow re-renders a live card here; there is nothing to render."""

    @property
    def components(self) -> List[Any]:
        return list(self._cards[None])

    def __getitem__(self, id: str) -> "_CardView":
        return _CardView(self, id)

    def __setitem__(self, id: str, components: Any) -> None:
        self._cards[id] = list(components) if isinstance(components, (list, tuple)) else [components]


class _CardView:
    """``current.card["id"]``: the same operations on one card."""

    def __init__(self, collector: CardCollector, id: str):
        self._collector, self._id = collector, id

    def append(self, component: Any) -> None:
        self._collector.append(component, self._id)

    def extend(self, components: List[Any]) -> None:
        self._collector.extend(components, self._id)

    def clear(self) -> None:
        self._collector.clear(self._id)

    def refresh(self, *args: Any, **kwargs: Any) -> None:
        """Nothing to render."""

    @property
    def components(self) -> List[Any]:
        return list(self._collector._cards.get(self._id, []))
