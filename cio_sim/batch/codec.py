"""What one stored run is made of: its row (key, seed, parameters and summary as JSON), the
checksums that prove a row and a weekly table unchanged, and the compact encoding of a weekly
table. Built where a run ran (a worker) and checked by every reader."""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

KEY_COLUMNS = ("scenario_index", "point", "replication")

#: One stored run: (scenario_index, point, replication, scenario, seed, error, params JSON,
#: summary JSON), built by the worker that ran it (:func:`run_row`).
Row = tuple[int, int, int, str, str, str | None, str, str]


def plain(value: Any) -> Any:
    """A JSON/SQLite-friendly Python scalar (numpy scalars become int/float/bool)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def run_row(key: tuple[int, int, int], scenario: str, seed: str, params: Mapping[str, Any],
            summary: Mapping[str, Any] | None, error: str | None) -> Row:
    """The ``runs`` row of one run, ready to insert (JSON built where the run ran)."""
    summary_json = json.dumps({k: plain(v) for k, v in (summary or {}).items()},
                              allow_nan=True)
    params_json = json.dumps({k: plain(v) for k, v in params.items()})
    return (*key, scenario, seed, error, params_json, summary_json)


def row_checksum(row: Sequence[Any]) -> str:
    """The checksum of a stored run: its eight fields (key, scenario, seed, error, params and
    summary JSON), so one changed byte of a stored value is found by every reader."""
    text = json.dumps(list(row[:8]), separators=(",", ":"), ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def weekly_checksum(key: Sequence[int], blob: bytes) -> str:
    """The checksum of a stored weekly table: its run's key and its bytes."""
    digest = hashlib.blake2b(json.dumps(list(key[:3])).encode(), digest_size=16)
    digest.update(bytes(blob))
    return digest.hexdigest()



def encode_frame(frame: pd.DataFrame) -> bytes:
    """A run's weekly table as compact bytes: column arrays, zlib-compressed.

    Numeric and boolean columns keep their dtype exactly; other columns go as JSON lists.
    """
    return encode_columns(len(frame), {name: frame[name].to_numpy() for name in frame.columns})


def encode_columns(rows: int, data: Mapping[Any, np.ndarray]) -> bytes:
    """The bytes :func:`encode_frame` gives for a frame of ``rows`` rows with these columns
    (name -> array, in order), for a table whose columns are at hand without the frame."""
    columns, parts = [], []
    for name, values in data.items():
        if values.dtype.kind in "biuf":
            raw = np.ascontiguousarray(values).tobytes()
            columns.append([str(name), values.dtype.str, len(raw)])
        else:
            raw = json.dumps([plain(v) for v in values.tolist()]).encode()
            columns.append([str(name), "json", len(raw)])
        parts.append(raw)
    header = json.dumps({"rows": rows, "columns": columns}).encode()
    return zlib.compress(struct.pack("<I", len(header)) + header + b"".join(parts), 1)


def decode_columns(blob: bytes) -> tuple[int, dict[str, np.ndarray | list[Any]]]:
    """The row count and the columns (arrays; lists for JSON columns) of a weekly table
    encoded by :func:`encode_frame`."""
    raw = zlib.decompress(blob)
    (size,) = struct.unpack_from("<I", raw)
    header = json.loads(raw[4:4 + size])
    pos, data = 4 + size, {}
    for name, dtype, length in header["columns"]:
        chunk = raw[pos:pos + length]
        pos += length
        data[name] = (json.loads(chunk) if dtype == "json"
                      else np.frombuffer(chunk, dtype=np.dtype(dtype)).copy())
    return header["rows"], data


def decode_frame(blob: bytes) -> pd.DataFrame:
    """The weekly table encoded by :func:`encode_frame`."""
    rows, data = decode_columns(blob)
    return pd.DataFrame(data, index=pd.RangeIndex(rows))



__all__ = ["KEY_COLUMNS", "Row", "decode_columns", "decode_frame", "encode_columns",
           "encode_frame", "plain", "row_checksum", "run_row", "weekly_checksum"]
