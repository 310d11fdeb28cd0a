"""numpy arrays to and from `ArrayData`, the exact encoding documents carry (little-endian bytes, base64)."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

from tipframe.model import ArrayData

__all__ = ["from_numpy", "to_numpy"]


def from_numpy(array: Any) -> ArrayData:
    """Encode a numpy array (or anything `numpy.asarray` takes) as `ArrayData`.

    Parameters
    ----------
    array
        Integers (stored as int32 when they are int32, else int64), floats (float64) or booleans.

    Returns
    -------
    ArrayData
        The values, little-endian, base64-encoded, with their dtype and shape.
    """
    values = np.asarray(array)
    kind = {"i": "int64", "u": "int64", "f": "float64", "b": "bool"}[values.dtype.kind]
    if values.dtype == np.int32:
        kind = "int32"
    converted = np.ascontiguousarray(values, dtype=np.dtype(kind).newbyteorder("<"))
    shape = tuple(int(n) for n in values.shape)
    return ArrayData.encoded(kind, shape, base64.b64encode(converted.tobytes()).decode("ascii"))


def to_numpy(data: ArrayData) -> Any:
    """Decode `ArrayData` into a numpy array in the machine's byte order.

    Parameters
    ----------
    data
        An array as a document carries it (a `ReachResult`'s series, an event log's columns).

    Returns
    -------
    numpy.ndarray
        A new array of ``data.dtype`` and ``data.shape``.
    """
    raw = np.frombuffer(base64.b64decode(data.data), dtype=np.dtype(data.dtype).newbyteorder("<"))
    return raw.astype(np.dtype(data.dtype)).reshape(data.shape)
