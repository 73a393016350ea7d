from duoflow import Config, FlowSpec, step, timeout


class RequiredConfigFlow(FlowSpec):
    cfg = Config("cfg", required=True)

    @timeout(seconds=cfg.limit)
    @step
    def start(self):
        print("LIMIT %s" % self.cfg.limit)
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    RequiredConfigFlow()
