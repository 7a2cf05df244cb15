"""Progress of a batch on stderr: a tqdm bar on a terminal, plain lines in logs and pipes."""

from __future__ import annotations

import sys
import time
from typing import Any


class _ProgressLines:
    """Progress as plain lines on stderr, for logs and pipes (no terminal to redraw a bar):
    one line at every tenth of the runs, and at least every minute."""

    def __init__(self, total: int, name: str, every_seconds: float = 60.0):
        self.total, self.name, self.every = total, name, every_seconds
        self.done, self.start = 0, time.monotonic()
        self.last, self.next_tenth = self.start, 1

    def update(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        tenth = self.done * 10 // self.total
        if tenth >= self.next_tenth or now - self.last >= self.every:
            self.next_tenth = tenth + 1
            self.last = now
            sys.stderr.write(f"{self.name}: {self.done}/{self.total} runs "
                             f"({self.done / self.total:.0%}), {now - self.start:.0f} s\n")
            sys.stderr.flush()

    def close(self) -> None:
        pass


def progress_bar(total: int, name: str, progress: bool) -> Any:
    """A tqdm bar on a terminal, plain progress lines otherwise; None without progress."""
    if not progress or total == 0:
        return None
    if not sys.stderr.isatty():
        return _ProgressLines(total, name)
    from tqdm import tqdm

    return tqdm(total=total, desc=name, unit="run", file=sys.stderr, dynamic_ncols=True,
                leave=False)


__all__ = ["progress_bar"]
