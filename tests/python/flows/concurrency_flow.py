"""Tasks that notice each other through files in --rendezvous.

--mode exclusive: each task holds one of --slots slot files (created with O_EXCL, so two tasks
can never both hold one) for the whole of its step, and records the holders of every slot it
found taken. With --max-workers N and --slots N no task ever finds all slots taken: if two step
bodies overlapped beyond N, the later one would, whatever their timing.
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
    slots = Parameter("slots", default=1, help="exclusive: how many tasks may run at once")

    @step
    def start(self):
        self.items = list(range(self.width))
        self.next(self.task, foreach="items")

    @step
    def task(self):
        me = "%s-%d" % (self.mode, self.index)
        if self.mode == "exclusive":
            self.crowded_by = self.hold_a_slot(me)
        else:
            open(os.path.join(self.rendezvous, me), "w").close()
            deadline = time.time() + 15
            while len(os.listdir(self.rendezvous)) < self.width and time.time() < deadline:
                time.sleep(0.02)
            self.peers = sorted(n for n in os.listdir(self.rendezvous) if n != me)
        self.next(self.join)

    def hold_a_slot(self, me):
        """Take a free slot for a moment; the tasks that held all slots when none was free."""
        for number in range(self.slots):
            path = os.path.join(self.rendezvous, "slot-%d" % number)
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                continue
            os.write(fd, me.encode())
            os.close(fd)
            time.sleep(0.2)  # a wide window, so that overlapping tasks would be caught at it
            os.remove(path)
            return []
        return sorted(self.holder(name) for name in os.listdir(self.rendezvous))

    def holder(self, slot):
        try:
            with open(os.path.join(self.rendezvous, slot)) as handle:
                return handle.read() or "(starting)"
        except FileNotFoundError:
            return "(just left)"

    @step
    def join(self, inputs):
        if self.mode == "exclusive":
            self.all_crowded_by = [inp.crowded_by for inp in inputs]
        else:
            self.all_peers = [inp.peers for inp in inputs]
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ConcurrencyFlow()
