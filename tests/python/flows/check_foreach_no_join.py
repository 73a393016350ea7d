"""Invalid: the foreach in 'start' is never joined."""
from duoflow import FlowSpec, step


class ForeachNoJoinFlow(FlowSpec):
    @step  # problem: never-joined
    def start(self):  # problem: never-joined
        self.items = [1, 2]
        self.next(self.work, foreach="items")  # problem: never-joined

    @step
    def work(self):
        self.next(self.end)  # problem: never-joined

    @step  # problem: never-joined
    def end(self):  # problem: never-joined
        pass


if __name__ == "__main__":
    ForeachNoJoinFlow()
