"""Numeric arrays inside documents: kept exactly (little-endian bytes, base64) so results reload bit for bit.

The model holds the encoded form only; `tipframe.io.arrays` turns it into numpy arrays and back.
"""

from __future__ import annotations

import base64

import attrs

from tipframe.model.fields import Each, Path, Pattern, Range, check_problems, field


@attrs.frozen(kw_only=True)
class ArrayData:
    """An n-dimensional array of numbers: its type, shape and bytes (little-endian, base64)."""

    dtype: str = field(
        doc="int32, int64, float64 or bool.",
        checks=[Pattern(r"^(int32|int64|float64|bool)$", "one of int32, int64, float64, bool")],
    )
    shape: tuple[int, ...] = field(doc="Length of each dimension.", default=(), checks=[Each(Range(0))])
    data: str = field(doc="The values, little-endian, base64-encoded.", default="")

    def __attrs_post_init__(self) -> None:
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
