"""IncludeFile: the file's content is stored when the run starts."""
from duoflow import FlowSpec, IncludeFile, step


class IncludeFileFlow(FlowSpec):
    table = IncludeFile("table", default="table.csv", help="A CSV to read")
    blob = IncludeFile("blob", default="table.csv", is_text=False)

    @step
    def start(self):
        self.rows = self.table.strip().splitlines()
        self.blob_type = type(self.blob).__name__
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    IncludeFileFlow()
