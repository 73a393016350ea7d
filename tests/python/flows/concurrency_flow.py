"""Tasks that notice each other through files in --rendezvous.

--mode exclusive: each task marks itself running for a moment and records which other tasks
were marked running at the same time (none, with --max-workers 1).
--mode together: each task waits (up to 15 s) for every other task of the foreach to arrive
(they all do quickly when at least --width tasks run at once).
"""
import os
import time

from duoflow import FlowSpec, Parameter, step


class ConcurrencyFlow(FlowSpec):
    """A foreach whose tasks look for each other."""

    rendezvous = Parameter("rendezvous", required=True, help="A directory shared by the tasks")
    mode = Parameter("mode", default="exclusive", help="'exclusive' or 'together'")
    width = Parameter("width", default=2, help="How many tasks the foreach has")

    @step
    def start(self):
        self.items = list(range(self.width))
        self.next(self.task, foreach="items")

    @step
    def task(self):
        me = os.path.join(self.rendezvous, "%s-%d" % (self.mode, self.index))
        if self.mode == "exclusive":
            open(me, "w").close()
            time.sleep(0.2)
            self.peers = sorted(n for n in os.listdir(self.rendezvous) if n != os.path.basename(me))
            os.remove(me)
        else:
            open(me, "w").close()
            deadline = time.time() + 15
            while len(os.listdir(self.rendezvous)) < self.width and time.time() < deadline:
                time.sleep(0.02)
            self.peers = sorted(n for n in os.listdir(self.rendezvous) if n != os.path.basename(me))
        self.next(self.join)

    @step
    def join(self, inputs):
        self.all_peers = [inp.peers for inp in inputs]
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ConcurrencyFlow()
