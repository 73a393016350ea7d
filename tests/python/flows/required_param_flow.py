"""A required parameter with no default."""
from duoflow import FlowSpec, Parameter, step


class RequiredParamFlow(FlowSpec):
    """Cannot run without --seed."""

    seed = Parameter("seed", required=True, type=int, help="Random seed for the run")

    @step
    def start(self):
        self.seed_seen = self.seed
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    RequiredParamFlow()
