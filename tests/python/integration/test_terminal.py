"""On a terminal, a wide foreach shows a live status block instead of thousands of log lines."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

ANSI = re.compile(r"\x1b\[\d*[A-Za-z]")


def run_in_terminal(run_flow, *args):
    """Run the flow with stdout and stderr on a pseudo-terminal; returns (exit code, screen text)."""
    flow = run_flow.copy_flow("wide_flow.py")
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, str(flow), *args], cwd=str(run_flow.workdir),
                            env=run_flow.env(), stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed: the process is done writing
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_wide_step_shows_progress_not_every_line(run_flow):
    code, screen = run_in_terminal(run_flow, "run")
    assert code == 0, screen
    assert "\x1b[" in screen  # the status block is redrawn in place
    text = ANSI.sub("", screen)
    assert re.search(r"work\s+\[#+\] 20/20 done, 0 running, 0 failed", text), text
    assert "item-3-output" not in text  # the wide step's lines are stored, not shown
    assert "runs wide" in text and "narrow step output" in text and "end-output" in text
    assert "succeeded" in text


def test_wide_step_output_is_still_in_the_logs(run_flow):
    code, screen = run_in_terminal(run_flow, "run", "--run-id-file", str(run_flow.workdir / "id"))
    assert code == 0, screen
    run_id = (run_flow.workdir / "id").read_text().strip()
    work = run_flow.store / "WideFlow" / "runs" / run_id / "work"
    logs = "".join((d / "attempt-0" / "stdout.log").read_text() for d in work.iterdir())
    assert all("item-%d-output" % i in logs for i in range(20))


def test_quiet_shows_only_the_summary(run_flow):
    code, screen = run_in_terminal(run_flow, "run", "--quiet")
    assert code == 0, screen
    text = ANSI.sub("", screen).strip()
    assert "output" not in text and "[#" not in text
    assert text.splitlines()[-1].startswith("Run WideFlow/") and "succeeded" in text
