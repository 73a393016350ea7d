"""Card components added to current.card (docs.metaflow.org, Easy Custom Reports with Card Components)."""
from metaflow import FlowSpec, card, current, step
from metaflow.cards import Image, Markdown, Table


class CardComponentsFlow(FlowSpec):
    @card(type="blank")
    @step
    def start(self):
        current.card.append(Markdown("# Guess the number"))
        current.card.append(Table([[1, 2], [3, 4]], headers=["a", "b"]))
        self.next(self.end)

    @card(type="blank", id="extra")
    @step
    def end(self):
        current.card["extra"].append(Markdown("more"))
        current.card["extra"].refresh()
        print("RESULT: components=%d" % len(current.card["extra"].components))
        print("RESULT: image class=%s" % Image.__name__)


if __name__ == "__main__":
    CardComponentsFlow()
