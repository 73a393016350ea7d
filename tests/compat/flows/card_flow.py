"""@card is accepted (docs.metaflow.org, Visualizing Results); rendering is not compared."""
from metaflow import FlowSpec, card, step


class CardFlow(FlowSpec):
    @card
    @step
    def start(self):
        self.rows = [1, 2, 3]
        self.next(self.end)

    @card(type="blank", id="summary")
    @card(type="default")
    @step
    def end(self):
        print("RESULT: rows=%s" % self.rows)


if __name__ == "__main__":
    CardFlow()
