from duoflow import FlowSpec, step


class NoDocstringFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    NoDocstringFlow()
