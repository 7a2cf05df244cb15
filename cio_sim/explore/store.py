"""Finished design points of an exploration, in SQLite: one row per (stage, point), written
in its own transaction as it arrives, so an interrupted exploration resumes where it stopped
and ends with exactly the rows of an uninterrupted one."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

FILENAME = "explore.sqlite"


class PointStore:
    def __init__(self, path: Path):
        self.path = path
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS points (stage TEXT NOT NULL, "
                         "point INTEGER NOT NULL, payload TEXT NOT NULL, "
                         "PRIMARY KEY (stage, point))")
        self._db.commit()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> PointStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, stage: str, point: int, payload: dict[str, Any]) -> None:
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO points VALUES (?, ?, ?)",
                             (stage, int(point), json.dumps(payload, sort_keys=True)))

    def done(self, stage: str) -> set[int]:
        rows = self._db.execute("SELECT point FROM points WHERE stage = ?", (stage,))
        return {r[0] for r in rows}

    def read(self, stage: str) -> dict[int, dict[str, Any]]:
        rows = self._db.execute("SELECT point, payload FROM points WHERE stage = ? "
                                "ORDER BY point", (stage,))
        return {p: json.loads(text) for p, text in rows}
