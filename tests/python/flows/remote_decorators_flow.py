from duoflow import FlowSpec, batch, conda_base, kubernetes, pypi, secrets, step


@conda_base(python="3.11")
class RemoteDecoratorsFlow(FlowSpec):
    @batch(cpu=4, queue="jobs")
    @step
    def start(self):
        print("START RAN")
        self.next(self.middle)

    @secrets(sources=["db-password"])
    @kubernetes
    @step
    def middle(self):
        self.next(self.end)

    @pypi(packages={"pandas": "2.1.0"})
    @step
    def end(self):
        pass


if __name__ == "__main__":
    RemoteDecoratorsFlow()
