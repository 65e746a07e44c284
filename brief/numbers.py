"""Whole numbers in text that a brief, a sources file or a copy wrote: one parser for all of them.

`str.isdigit()` accepts characters that `int()` refuses (superscripts such as `²`), `\\d` in a
pattern accepts every script's digits, and `int()` refuses more than 4,300 digits: each of these
once turned a page number into a traceback. Here only ASCII digits make a number, and no more
of them than a page, a volume or a year needs.
"""

from __future__ import annotations

import re

MOST_DIGITS = 9  # a billion pages, volumes or years: more is a typo or an attack
EPOCH_DIGITS = 11  # seconds since 1970, until the year 5138
DIGITS = rf"[0-9]{{1,{MOST_DIGITS}}}"  # for patterns that take numbers apart


def whole_number(text: object, most_digits: int = MOST_DIGITS) -> int | None:
    """`text` as a whole number if it is one (`12`, ` 401 `), else None (`²`, `1.5`, `-3`, a
    5,000-digit string, true). Whole numbers that are already ints pass through."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text if 0 <= text < 10 ** most_digits else None
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not 0 < len(text) <= most_digits or not text.isascii() or not text.isdigit():
        return None
    return int(text)
