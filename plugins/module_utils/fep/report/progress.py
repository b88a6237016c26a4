# -*- coding: utf-8 -*-
"""``n/N audited, k failing`` while a long audit runs, without flooding the terminal or AWX.

The callback plugin fepkit.fep.progress feeds every host's audit result here; a line is due
when another tenth of the hosts has finished, when ``every_seconds`` have passed since the
last line, and once at the end.  15,000 hosts print about ten lines, plus one per half minute.
"""
import math
import time

# what the callback sees of a host's fep_audit task
AUDITED, FAILING, NOT_AUDITED = "audited", "failing", "not_audited"


class Progress(object):
    """Counts hosts by their first final state and says when a line is due."""

    def __init__(self, total=None, share=0.1, every_seconds=30.0, clock=time.monotonic):
        self.total = total
        self.share = share
        self.every_seconds = every_seconds
        self.clock = clock
        self.states = {}
        self.last_time = clock()
        self.last_step = 0
        self.last_line = None

    def step(self, done):
        if not self.total:
            return 0
        return math.floor(done / max(1.0, self.total * self.share))

    def record(self, host, state):
        """Record ``host``'s state (only its first one counts: a rescue after a failure does not
        count the host twice); the line to print now, or None."""
        if host in self.states:
            return None
        self.states[host] = state
        done = len(self.states)
        now = self.clock()
        if (self.step(done) > self.last_step or now - self.last_time >= self.every_seconds
                or (self.total and done >= self.total)):
            return self.emit(now)
        return None

    def finish(self):
        """The closing line when the last one printed is not up to date, else None."""
        if not self.states:
            return None
        line = self.line()
        return None if line == self.last_line else self.emit(self.clock())

    def emit(self, now):
        self.last_time = now
        self.last_step = self.step(len(self.states))
        self.last_line = self.line()
        return self.last_line

    def line(self):
        done = len(self.states)
        failing = sum(1 for state in self.states.values() if state != AUDITED)
        not_audited = sum(1 for state in self.states.values() if state == NOT_AUDITED)
        head = "%d/%d" % (done, self.total) if self.total else "%d" % done
        text = "fepkit: %s audited, %d failing" % (head, failing)
        if not_audited:
            text += " (%d could not be audited)" % not_audited
        return text
