"""B7: 20 steps, each storing PER_STEP (default 50) small artifacts of its own."""
import os

from duoflow import FlowSpec, step


def store(flow, prefix):
    for i in range(int(os.environ.get("PER_STEP", "50"))):
        setattr(flow, "%s_%d" % (prefix, i), {"i": i, "name": "%s-%d" % (prefix, i)} if i % 2 else i * 0.5)


class ManyArtifactsFlow(FlowSpec):
    @step
    def start(self):
        store(self, 'start')
        self.next(self.s01)

    @step
    def s01(self):
        store(self, 's01')
        self.next(self.s02)

    @step
    def s02(self):
        store(self, 's02')
        self.next(self.s03)

    @step
    def s03(self):
        store(self, 's03')
        self.next(self.s04)

    @step
    def s04(self):
        store(self, 's04')
        self.next(self.s05)

    @step
    def s05(self):
        store(self, 's05')
        self.next(self.s06)

    @step
    def s06(self):
        store(self, 's06')
        self.next(self.s07)

    @step
    def s07(self):
        store(self, 's07')
        self.next(self.s08)

    @step
    def s08(self):
        store(self, 's08')
        self.next(self.s09)

    @step
    def s09(self):
        store(self, 's09')
        self.next(self.s10)

    @step
    def s10(self):
        store(self, 's10')
        self.next(self.s11)

    @step
    def s11(self):
        store(self, 's11')
        self.next(self.s12)

    @step
    def s12(self):
        store(self, 's12')
        self.next(self.s13)

    @step
    def s13(self):
        store(self, 's13')
        self.next(self.s14)

    @step
    def s14(self):
        store(self, 's14')
        self.next(self.s15)

    @step
    def s15(self):
        store(self, 's15')
        self.next(self.s16)

    @step
    def s16(self):
        store(self, 's16')
        self.next(self.s17)

    @step
    def s17(self):
        store(self, 's17')
        self.next(self.s18)

    @step
    def s18(self):
        store(self, 's18')
        self.next(self.end)

    @step
    def end(self):
        store(self, 'end')


if __name__ == "__main__":
    ManyArtifactsFlow()
