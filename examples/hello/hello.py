"""The smallest duoflow flow: start -> hello -> end.

    python hello.py run
    python hello.py run --name Ada
    python hello.py show
"""

from duoflow import FlowSpec, Parameter, current, step


class HelloFlow(FlowSpec):
    """Greet someone and keep the greeting as an artifact."""

    # The parameter is `--name` on the command line and `self.who` in steps: the attribute `name`
    # is taken (in Metaflow it holds the flow's class name), so the two names differ here.
    who = Parameter("name", default="world", help="Who to greet.")

    @step
    def start(self):
        """Say which run this is."""
        print("Starting run %s" % current.run_id)
        self.next(self.hello)

    @step
    def hello(self):
        """Build the greeting and store it as the artifact `greeting`."""
        self.greeting = "Hello, %s!" % self.who
        self.greeting_task = current.pathspec
        print(self.greeting)
        self.next(self.end)

    @step
    def end(self):
        """Read the greeting back in another task and say where it is stored."""
        print("The greeting %r is an artifact of %s" % (self.greeting, self.greeting_task))
        print("See it again with: python hello.py dump %s" % self.greeting_task)


if __name__ == "__main__":
    HelloFlow()
