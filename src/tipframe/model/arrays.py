"""Numeric arrays inside documents: kept exactly (little-endian bytes, base64) so results reload bit for bit.

The model holds the encoded form only; `tipframe.io.arrays` turns it into numpy arrays and back.
A saved document too large to hold its arrays inline keeps them in a companion ``.npz`` file
(`Companion`): each array then names its entry there (``stored``) instead of carrying ``data``,
and loading the document from its file puts the data back.
"""

from __future__ import annotations

import base64

import attrs

from tipframe.model.fields import Each, Path, Pattern, Range, check_problems, field

#: an entry of a companion file: a dotted path of names and numbers
STORED = Pattern(r"^[a-z_]+(\.([a-z_]+|[0-9]+))*$", "a dotted path such as events.0.trainer_fidelity")


@attrs.frozen(kw_only=True)
class ArrayData:
    """An n-dimensional array of numbers: its type, shape and bytes (little-endian, base64)."""

    dtype: str = field(
        doc="int32, int64, float64 or bool.",
        checks=[Pattern(r"^(int32|int64|float64|bool)$", "one of int32, int64, float64, bool")],
    )
    shape: tuple[int, ...] = field(doc="Length of each dimension.", default=(), checks=[Each(Range(0))])
    data: str = field(doc="The values, little-endian, base64-encoded.", default="")
    stored: str | None = field(
        doc="Its entry in the document's companion .npz file, when the values are kept there (data is then empty).",
        default=None,
        checks=[STORED],
    )

    @classmethod
    def encoded(cls, dtype: str, shape: tuple[int, ...], data: str) -> ArrayData:
        """An array whose ``data`` an encoder has just made from ``shape`` numbers of ``dtype``: not decoded
        again to check its length (at a result's size, that check costs more than the encoding).

        Parameters
        ----------
        dtype, shape, data
            As the fields; ``data`` must be the base64 of exactly that many values.

        Returns
        -------
        ArrayData
        """
        made = object.__new__(cls)
        for name, value in (("dtype", dtype), ("shape", shape), ("data", data), ("stored", None)):
            object.__setattr__(made, name, value)
        return made

    def __attrs_post_init__(self) -> None:
        if self.stored is not None:
            if self.data:
                check_problems([(("data",), "must be empty when the values are stored in the companion file")])
            return
        width = {"int32": 4, "int64": 8, "float64": 8, "bool": 1}.get(self.dtype, 0)
        count = 1
        for n in self.shape:
            count *= n
        problems: list[tuple[Path, str]] = []
        try:
            size = len(base64.b64decode(self.data, validate=True))
        except ValueError:
            problems.append((("data",), "is not base64"))
        else:
            if width and size != count * width:
                problems.append(
                    (
                        ("data",),
                        f"holds {size} bytes, but {self.dtype} of shape {list(self.shape)} needs {count * width}",
                    )
                )
        check_problems(problems)


@attrs.frozen(kw_only=True)
class Companion:
    """The ``.npz`` file beside a document that holds its arrays, and the file's SHA-256."""

    file: str = field(
        doc="The file's name, in the document's folder.",
        checks=[Pattern(r"^[^/\\\x00-\x1f]+\.npz$", "a file name ending .npz, without a folder")],
    )
    sha256: str = field(
        doc="SHA-256 of the file, in hexadecimal.",
        checks=[Pattern(r"^[0-9a-f]{64}$", "a SHA-256 digest in hexadecimal")],
    )
