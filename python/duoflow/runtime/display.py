"""What the runtime prints while a flow runs.

``PlainDisplay``: prefixed lines, for CI logs and files. ``LiveDisplay``: on a terminal, a status
block per step (done / running / failed, time left) that stays at the bottom, with the output of
narrow steps scrolling above it; wide foreach steps do not flood the screen (their logs are
stored). ``quiet`` keeps only errors and the summary.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, TextIO

# A step with more tasks than this is shown by its status line only on a terminal.
WIDE_STEP = 8
REDRAW_INTERVAL = 0.1


@dataclass
class StepProgress:
    queued: int = 0
    running: int = 0
    done: int = 0
    failed: int = 0
    cloned: int = 0
    first_start: Optional[float] = None
    last_end: Optional[float] = None
    busy_seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.queued + self.running + self.done + self.failed


@dataclass
class Failure:
    pathspec: str
    error_type: str
    message: str
    traceback: str
    attempts: int


class Display:
    """Plain, line-oriented output (also the base of the live display)."""

    # How often the event loop should call tick() (None: only when something happens).
    tick_interval: Optional[float] = None

    def __init__(self, quiet: bool = False, out: TextIO = None, err: TextIO = None):
        self.quiet = quiet
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.steps: Dict[str, StepProgress] = {}
        self.started = time.time()

    # -- lifecycle ---------------------------------------------------------------------------
    def progress(self, step: str) -> StepProgress:
        return self.steps.setdefault(step, StepProgress())

    def run_started(self, headline: str) -> None:
        if not self.quiet:
            self._line(self.out, headline)

    def task_cloned(self, step: str) -> None:
        """A task reused from the origin run of a resume."""
        p = self.progress(step)
        p.done += 1
        p.cloned += 1

    def task_queued(self, step: str) -> None:
        self.progress(step).queued += 1

    def task_started(self, step: str, pathspec: str, attempt: int) -> None:
        p = self.progress(step)
        if attempt == 0:
            p.queued -= 1
        p.running += 1
        p.first_start = p.first_start or time.time()

    def task_output(self, step: str, pathspec: str, stream: str, line: str) -> None:
        if not self.quiet:
            self._line(self.out if stream == "stdout" else self.err, "[%s] %s" % (pathspec, line))

    def task_finished(self, step: str, pathspec: str, ok: bool, seconds: float, final: bool) -> None:
        p = self.progress(step)
        p.running -= 1
        p.busy_seconds += seconds
        p.last_end = time.time()
        if final:
            if ok:
                p.done += 1
            else:
                p.failed += 1

    def notice(self, text: str, error: bool = False) -> None:
        """A runtime message (retry, kill, interrupt); errors show even when quiet."""
        if error or not self.quiet:
            self._line(self.err if error else self.out, text)

    def tick(self) -> None:
        """Called on every turn of the event loop (the live display redraws here)."""

    def close(self) -> None:
        """Leave the terminal clean before the summary."""

    # -- summary -----------------------------------------------------------------------------
    def summary(self, headline: str, failures: List[Failure], logs_command: str, ok: bool) -> None:
        self.close()
        for failure in failures:
            self._line(self.err, "Task %s failed after %d attempt%s: %s: %s" % (
                failure.pathspec, failure.attempts, "" if failure.attempts == 1 else "s",
                failure.error_type, _first_line(failure.message)))
            for line in failure.traceback.rstrip().splitlines():
                self._line(self.err, "    " + line)
            self._line(self.err, "  See its logs: %s logs %s" % (logs_command, failure.pathspec))
        if not self.quiet and self.steps:
            self._line(self.out, self.step_table())
        self._line(self.out if ok else self.err, headline)

    def step_table(self) -> str:
        rows = ["  %-20s %7s %7s %7s %10s" % ("step", "tasks", "cloned", "failed", "task time")]
        for name, p in self.steps.items():
            rows.append("  %-20s %7d %7d %7d %9.2fs" % (name, p.done + p.failed, p.cloned, p.failed, p.busy_seconds))
        return "\n".join(rows)

    def _line(self, stream: TextIO, text: str) -> None:
        stream.write(text + "\n")
        stream.flush()


class LiveDisplay(Display):
    """A redrawn status block on a terminal; output of narrow steps scrolls above it."""

    tick_interval = REDRAW_INTERVAL

    def __init__(self, quiet: bool = False, out: TextIO = None, err: TextIO = None):
        super().__init__(quiet, out, err)
        self._drawn_lines = 0
        self._last_draw = 0.0
        self._hidden_notice: Dict[str, bool] = {}

    def task_output(self, step: str, pathspec: str, stream: str, line: str) -> None:
        if self.quiet:
            return
        if self.progress(step).total > WIDE_STEP:
            if not self._hidden_notice.get(step):
                self._hidden_notice[step] = True
                self._above("[%s] step '%s' runs wide: its output is stored, not shown "
                            "(see the logs command)" % (pathspec.rsplit("/", 2)[0], step))
            return
        self._above("[%s] %s" % (pathspec, line))

    def notice(self, text: str, error: bool = False) -> None:
        if error or not self.quiet:
            self._above(text)

    def tick(self) -> None:
        now = time.time()
        if now - self._last_draw >= REDRAW_INTERVAL:
            self._redraw()

    def close(self) -> None:
        self._redraw()
        self._drawn_lines = 0

    def _above(self, text: str) -> None:
        self._erase()
        self.out.write(text + "\n")
        self._redraw()

    def _erase(self) -> None:
        if self._drawn_lines:
            self.out.write("\x1b[%dF\x1b[J" % self._drawn_lines)
            self._drawn_lines = 0

    def _redraw(self) -> None:
        self._erase()
        lines = [self._status_line(name, p) for name, p in self.steps.items()]
        if lines:
            self.out.write("\n".join(lines) + "\n")
        self._drawn_lines = len(lines)
        self._last_draw = time.time()
        self.out.flush()

    def _status_line(self, name: str, p: StepProgress) -> str:
        total = max(p.total, 1)
        width = 20
        filled = int(width * (p.done + p.failed) / total)
        bar = "#" * filled + "." * (width - filled)
        text = "  %-16s [%s] %d/%d done, %d running, %d failed" % (
            name[:16], bar, p.done, p.total, p.running, p.failed)
        remaining = p.queued + p.running
        if remaining and p.done and p.first_start:
            rate = p.done / max(time.time() - p.first_start, 1e-6)
            text += ", ~%s left" % _duration(remaining / rate)
        return text


def _duration(seconds: float) -> str:
    if seconds < 60:
        return "%ds" % max(1, round(seconds))
    if seconds < 3600:
        return "%dm%02ds" % divmod(int(seconds), 60)
    return "%dh%02dm" % (int(seconds) // 3600, int(seconds) % 3600 // 60)


def _first_line(text: str) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def make_display(quiet: bool, live: Optional[bool] = None) -> Display:
    """The live display on a terminal, the plain one otherwise (and always when quiet)."""
    if live is None:
        isatty = getattr(sys.stdout, "isatty", None)  # R's console stream (reticulate) may lack it
        live = bool(isatty and isatty()) and not quiet
    return LiveDisplay(quiet) if live else Display(quiet)
