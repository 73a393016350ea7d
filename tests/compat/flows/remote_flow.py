"""@batch and @pypi need AWS Batch and an environment manager (docs.metaflow.org, Computing at Scale)."""
from metaflow import FlowSpec, batch, pypi, step


class RemoteFlow(FlowSpec):
    @batch(cpu=2, memory=4000)
    @step
    def start(self):
        self.next(self.end)

    @pypi(packages={"requests": "2.31.0"})
    @step
    def end(self):
        print("RESULT: end ran")


if __name__ == "__main__":
    RemoteFlow()
