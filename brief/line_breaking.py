"""A correction to WeasyPrint's line breaking: spaces at the end of a line hang.

WeasyPrint lays out a line of text with Pango and then checks that the line fits. Pango lets a
run of text that ends in spaces (the text before an inline element: `… des crimes contre
<em>…`, `… contre <span class="cite-anchor">l’humanité…`) keep them at the line's end even when
they pass the margin, as CSS says collapsible spaces there hang; WeasyPrint's check counts them.
When the words fit and only the spaces do not, it decides the text "cannot be split earlier" and
hyphenates its *first* word, so that the line holds nothing but a fragment (`commis-`) and the
rest of the word starts the next line. Any inline element after the last word of a line can
cause this, in any language; a footnote call in a justified paragraph made it frequent.

The correction measures the text as CSS does: when a split was asked for, the text ends in
collapsible spaces and the text without them fits the width, the whole text is one line. It
wraps WeasyPrint's `split_first_line` where WeasyPrint's inline layout calls it, in the layout
process only.
"""

from __future__ import annotations

import functools
import math

COLLAPSING = ("normal", "nowrap", "pre-line")


def hang_trailing_spaces() -> None:
    """Install the correction (once) in WeasyPrint's inline layout."""
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    if getattr(inline.split_first_line, "hangs_trailing_spaces", False):
        return
    inline.split_first_line = _hanging(line_break.split_first_line, line_break)


def _hanging(split_first_line, line_break):
    @functools.wraps(split_first_line)
    def split(text, style, context, max_width, justification_spacing, is_line_start=True,
              minimum=False):
        result = split_first_line(text, style, context, max_width, justification_spacing,
                                  is_line_start, minimum)
        resume_index = result[2]
        words = text.rstrip(" ")
        if (resume_index is None or minimum or max_width is None or math.isinf(max_width)
                or words == text or not words or style["white_space"] not in COLLAPSING
                # a text that long cannot fit the line, spaces or not: no layout wasted on it
                or len(words) * style["font_size"] * 0.15 > max_width):
            return result
        layout = line_break.create_layout(words, style, context, None, justification_spacing)
        first_line, rest = layout.get_first_line()
        if rest is None and line_break.line_size(first_line, style)[0] <= max_width:
            return split_first_line(text, style, context, math.inf, justification_spacing,
                                    is_line_start, minimum)
        return result

    split.hangs_trailing_spaces = True
    return split
