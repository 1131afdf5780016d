"""A progress line on stderr for long runs.

Shown only when asked for (the command line asks unless ``--quiet``), when
stderr is a terminal, and once the work has taken more than two seconds: a
quick run prints nothing, and a pipe or a log file never gets control
characters. Readers report how far they are with :func:`advance`, which does
nothing when no progress line is active.
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
import time
from collections.abc import Iterator
from typing import TextIO

#: Seconds of work before the line appears, and between two redraws.
DELAY = 2.0
REDRAW = 0.1
WIDTH = 30


class Progress:
    """Work measured in units (bytes of input), drawn as ``label [####    ] 45 %``."""

    def __init__(
        self,
        label: str,
        total: int,
        *,
        stream: TextIO | None = None,
        delay: float = DELAY,
        redraw: float = REDRAW,
    ) -> None:
        self.label = label
        self.total = max(total, 1)
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.redraw = redraw
        self.started = time.monotonic()
        self.done = 0
        self.base = 0
        self.following = 0
        self.drawn = 0.0
        self.shown = False

    def at(self, position: int) -> None:
        """The current file is read up to ``position`` (its own units)."""
        self.done = min(self.base + position, self.total)
        now = time.monotonic()
        if now - self.started < self.delay or now - self.drawn < self.redraw:
            return
        self.drawn = now
        share = self.done / self.total
        filled = int(share * WIDTH)
        bar = "#" * filled + " " * (WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {share * 100:3.0f} %")
        self.stream.flush()
        self.shown = True

    def start_file(self, size: int) -> None:
        """The previous file is finished; the next one is ``size`` units long."""
        self.base = self.following
        self.following += size
        self.at(0)

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * (len(self.label) + WIDTH + 10) + "\r")
            self.stream.flush()


_CURRENT: contextvars.ContextVar[Progress | None] = contextvars.ContextVar(
    "parindex_progress", default=None
)


def wanted(enabled: bool, stream: TextIO | None = None) -> bool:
    """Whether to show progress: asked for, and stderr is a terminal."""
    target = stream if stream is not None else sys.stderr
    return enabled and bool(getattr(target, "isatty", lambda: False)())


@contextlib.contextmanager
def track(label: str, total: int, enabled: bool) -> Iterator[Progress | None]:
    """Make a progress line the current one inside the block (``None`` when not wanted)."""
    if not wanted(enabled):
        yield None
        return
    bar = Progress(label, total)
    token = _CURRENT.set(bar)
    try:
        yield bar
    finally:
        _CURRENT.reset(token)
        bar.close()


def advance(position: int) -> None:
    """Readers: the current file is read up to ``position`` bytes."""
    bar = _CURRENT.get()
    if bar is not None:
        bar.at(position)


__all__ = ["Progress", "advance", "track", "wanted"]
