"""What goes on the one-page handout, and what to say when it does not fit."""

from __future__ import annotations

from collections import Counter

from brief.diagnostics import Diagnostic, error
from brief.load import LoadedBrief
from brief.markup import plain_text
from brief.model import Brief, NodePath

MOST_CITED = 4  # sources a leaflet can list without crowding the recommendations


def most_cited(brief: Brief, limit: int = MOST_CITED) -> list[str]:
    """The ids of the sources cited most often in the whole brief, first cited first on a tie.

    Each source counts once per citation cluster it appears in, so `[@a; @a]` is one use;
    the handout lists these as the evidence behind the brief.
    """
    counts: Counter[str] = Counter()
    first_use: dict[str, int] = {}
    for *_, cluster in brief.citations():
        for key in dict.fromkeys(item.key for item in cluster.items):
            counts[key] += 1
            first_use.setdefault(key, len(first_use))
    known = set(brief.source_ids())
    ranked = sorted((key for key in counts if key in known),
                    key=lambda key: (-counts[key], first_use[key]))
    return ranked[:limit]


def printed_parts(brief: Brief) -> list[tuple[NodePath, str, str]]:
    """The user's texts the handout prints, as (path, what it is, plain text)."""
    parts: list[tuple[NodePath, str, str]] = [(("title",), "the title", brief.title)]
    if brief.subtitle:
        parts.append((("subtitle",), "the subtitle", brief.subtitle))
    if brief.key_messages:
        parts += [(("key_messages", i), f"key message {i + 1}", text)
                  for i, text in enumerate(brief.key_messages)]
    else:
        parts.append((("summary",), "the summary", brief.summary))
    for r, recommendation in enumerate(brief.recommendations):
        parts.append((("recommendations", r, "to"), f"the addressee of recommendations "
                      f"{r + 1}", recommendation.to))
        parts += [(("recommendations", r, "actions", a),
                   f"recommendation {r + 1}, action {a + 1}", text)
                  for a, text in enumerate(recommendation.actions)]
    return [(path, what, plain_text(text)) for path, what, text in parts]


def overflow_error(loaded: LoadedBrief, pages: int, overflow_mm: float) -> Diagnostic:
    """The handout needs more than one page: located at its longest text, naming the others."""
    parts = sorted(printed_parts(loaded.brief), key=lambda part: -len(part[2]))[:3]
    where = loaded.where
    longest = [f"{what} (line {where.value(path).line}, {len(text)} characters)"
               for path, what, text in parts]
    return error(
        where.value(parts[0][0]),
        f"the handout does not fit on one page: it needs {pages} pages, about "
        f"{max(1, round(overflow_mm))} mm too much",
        f"shorten the longest texts on it: {'; '.join(longest)}")
