"""@project: the branch a run belongs to (docs.metaflow.org, Coordinating Larger Projects)."""
from metaflow import FlowSpec, current, project, step


@project(name="demo")
class ProjectFlow(FlowSpec):
    @step
    def start(self):
        print("RESULT: project_name=%s" % current.project_name)
        print("RESULT: branch_name=%s" % current.branch_name)
        print("RESULT: is_production=%s" % current.is_production)
        print("RESULT: is_user_branch=%s" % current.is_user_branch)
        print("RESULT: project_flow_name=%s" % current.project_flow_name)
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ProjectFlow()
