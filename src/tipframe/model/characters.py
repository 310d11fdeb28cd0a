"""Characters text may not hold: controls and invisible format characters that make text read other than it is.

Refused: C0 controls but tab and line feed, DEL and the C1 controls; the bidirectional
embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069), which can make text
display in another order than it is stored; and invisible format characters with no place in
prose (zero-width space, word joiner, invisible operators, deprecated format characters, a
byte-order mark inside text, interlinear annotation, the Mongolian vowel separator). Kept,
because scripts need them: right-to-left letters, the implicit direction marks (U+200E, U+200F,
U+061C), the zero-width joiner and non-joiner (Persian, Indic scripts, emoji) and the soft hyphen.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

#: the refused characters, as a regular-expression class body (Python and ECMA-262 read it alike)
REFUSED: Final = r"\u0000-\u0008\u000B-\u001F\u007F-\u009F\u180E\u200B\u202A-\u202E\u2060-\u206F\uFEFF\uFFF9-\uFFFB"
_REFUSED_RE: Final = re.compile(f"[{REFUSED}]")
# Unicode gives controls no names, only aliases; these are the ones people meet.
_CONTROLS: Final = {
    0x00: "NULL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x0B: "LINE TABULATION",
    0x0C: "FORM FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
}


def character_name(char: str) -> str:
    """A character as a message names it: ``U+202E RIGHT-TO-LEFT OVERRIDE``."""
    code = ord(char)
    name = unicodedata.name(char, "") or _CONTROLS.get(code, "")
    return f"U+{code:04X} {name}" if name else f"U+{code:04X} (a control character)"


def refused_characters(text: str) -> str | None:
    """What ``text`` holds that text may not, as a message; None when it holds none.

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    str or None
        ``contains U+202E RIGHT-TO-LEFT OVERRIDE at character 4: ...``, naming up to three distinct
        characters with the position of each one's first occurrence (from 1).
    """
    first: dict[str, int] = {}
    for match in _REFUSED_RE.finditer(text):
        first.setdefault(match.group(), match.start() + 1)
        if len(first) == 3:
            break
    if not first:
        return None
    named = [f"{character_name(char)} at character {at}" for char, at in first.items()]
    return "contains " + ", ".join(named) + ": invisible control and format characters are not allowed"
