from duoflow import FlowSpec, project, step


@project(name="demo", branch="fixed")
class ProjectBranchAttrFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ProjectBranchAttrFlow()
