"""Text for a terminal: the one encoder of everything brief prints.

What brief prints quotes text it did not write: a source's copy (the closest passage to a
quotation), a sources file, a file's name. A terminal obeys the control characters in such
text: `ESC ] 0 ; … BEL` retitles its window, `ESC [ 2K` and a bare carriage return erase what
was printed, and a C1 character such as U+009B starts a command of its own. So every control
character but newline and tab is shown, not obeyed: C0 characters and DEL as their Unicode
pictures (U+241B ␛ for ESC), C1 characters as U+FFFD �. Shown rather than dropped, because a
stray control character in a copy is often why a quotation does not match it, and the reader
should see that something is there.
"""

from __future__ import annotations

import sys

_SHOWN = {**{code: 0x2400 + code for code in range(0x20) if chr(code) not in "\n\t"},
          0x7F: 0x2421, **dict.fromkeys(range(0x80, 0xA0), 0xFFFD)}


def for_terminal(text: str) -> str:
    """The text with no control character left for a terminal to obey."""
    return text.translate(_SHOWN)


def say(line: str) -> None:
    """A line of news on stderr, where brief reports what it does."""
    sys.stderr.write(for_terminal(line) + "\n")
