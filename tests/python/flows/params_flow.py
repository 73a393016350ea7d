"""Parameters of every kind; 'start' records what it sees."""
from duoflow import FlowSpec, JSONType, Parameter, step


class ParamsFlow(FlowSpec):
    """Typed parameters from the command line."""

    alpha = Parameter("alpha", default=0.1, help="Learning rate for the model")
    count = Parameter("count", default=3, help="How many rounds to train")
    who = Parameter("who", default="world", help="Who to greet at the end")
    ratio = Parameter("ratio", default=1, type=float, help="A float given an int default")
    config = Parameter("config", default='{"depth": 2}', type=JSONType,
                       help="Model settings as a JSON object")
    labels = Parameter("labels", default="a,b", separator=",", help="Comma-separated labels")

    @step
    def start(self):
        self.seen = {
            "alpha": self.alpha,
            "count": self.count,
            "who": self.who,
            "ratio": self.ratio,
            "config": self.config,
            "labels": list(self.labels),
        }
        self.seen_types = {key: type(value).__name__ for key, value in self.seen.items()}
        self.next(self.end)

    @step
    def end(self):
        self.alpha_in_end = self.alpha


if __name__ == "__main__":
    ParamsFlow()
