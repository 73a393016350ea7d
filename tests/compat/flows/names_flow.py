"""Every public name of the package imports; the local helpers work in a step."""
from metaflow import (S3, Config, ConfigValue, DataArtifact, DeployedFlow, Deployer, FlowMutator,  # noqa: F401
                      FlowSpec, IncludeFile, JSONType, JSONTypeClass, Metaflow, NBDeployer, NBRunner,
                      Parameter, Run, Runner, Step, StepMutator, Task, UserStepDecorator, batch, card,
                      catch, conda, conda_base, config_expr, current, default_metadata,
                      default_namespace, environment, exit_hook, get_metadata, get_namespace,
                      kubernetes, metadata, namespace, parallel, parallel_imap_unordered,
                      parallel_map, profile, project, pypi, pypi_base, resources, retry, schedule,
                      secrets, step, timeout, trigger, trigger_on_finish, user_step_decorator)


class NamesFlow(FlowSpec):
    @step
    def start(self):
        self.doubled = parallel_map(lambda x: 2 * x, [1, 2, 3])
        print("RESULT: doubled=%s" % self.doubled)
        stats = {}
        with profile("block", stats_dict=stats):
            pass
        print("RESULT: profiled=%s" % sorted(stats))
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    NamesFlow()
