"""The stages read their stored runs back as every reader of a batch store does: a stored row
changed after it was written is refused, not averaged into an exploration's tables."""

from __future__ import annotations

import sqlite3

import pytest

import cio_sim
from cio_sim.batch import run_batch
from cio_sim.batch.store import DB_NAME, StoreError
from cio_sim.explore import stages


def test_a_changed_stored_row_is_refused(tmp_path):
    sc = cio_sim.load_scenario("consensus_2021", {"horizon_weeks": 8})
    run_batch(sc, replications=2, out=tmp_path / "round").close()
    db = tmp_path / "round" / DB_NAME
    rows = stages._rows(db)
    assert sorted(rows) == [(0, 0, 0), (0, 0, 1)] and all(e is None for _, e in rows.values())
    conn = sqlite3.connect(db)
    conn.execute("UPDATE runs SET summary = replace(summary, '\"submitted\": ', "
                 "'\"submitted\": 1') WHERE replication = 1")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="does not match its checksum"):
        stages._rows(db)
