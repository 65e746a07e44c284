"""Typography by language: quotation marks, apostrophes, the spaces French puts before some
marks, and the no-break spaces that keep a number with what names it.

Every text brief prints passes here once, per output path: the whole rendered HTML document
(user text, labels, notes and bibliography from pandoc, the Evidence appendix, the <title> that
becomes the PDF's Title, the <meta> tags of the web edition) through `typeset_html`, which
touches text nodes and <meta> values only; and plain strings printed elsewhere (the running
footer's CSS, the JSON-LD) through `typeset_text`. The rules are data, one table per language
(LANGUAGES): a new language is a new entry, not new code.
"""

from __future__ import annotations

import html as html_module
import re
from dataclasses import dataclass, field
from typing import Any

NBSP = "\u00a0"  # no-break space
NNBSP = "\u202f"  # narrow no-break space
WORD_JOINER = "\u2060"  # forbids a line break where it stands; prints nothing
NON_BREAKING_HYPHEN = "\u2011"
SPACES = " \u00a0\u202f"  # the spaces a rule replaces: typed, or already no-break


@dataclass(frozen=True)
class Typography:
    """How one language sets its text."""

    # Opening and closing marks for typed "double" quotes, then for 'single' ones within them.
    quotes: tuple[str, str, str, str]
    # The space set inside the primary marks (French « ».)
    space_inside_quotes: str = ""
    # Marks preceded by a no-break space (French: ; ! ? and :); added where none was typed.
    space_before: dict[str, str] = field(default_factory=dict)
    # Words that bind to the number after them (`p. 5`, `art. 33`), besides COMMON_NUMBERED.
    numbered: tuple[str, ...] = ()
    # Words that bind to the number before them (`5 millions`), besides COMMON_UNITS.
    units: tuple[str, ...] = ()
    # The space between a number and `%`, added where none was typed; empty: as typed.
    percent_space: str = ""
    # Whether a space between groups of three digits is part of the number (10 000).
    digit_groups: bool = False
    # The mark between the numbers of a range (9–12), for the ranges typed with an en dash;
    # empty: as typed. French sets a hyphen, as its citation locale does for pages (p. 5-6).
    range_mark: str = ""
    # Whether a note's call stands before the punctuation that follows it (French and Spanish:
    # "asile¹."), not after it (English: "asylum.¹").
    note_call_before_punctuation: bool = False
    # The dash before the name of whom a quotation is from.
    attribution_dash: str = "—"
    # Abbreviations written otherwise before a number (German capitalises its nouns: Art. 3).
    numbered_spelling: dict[str, str] = field(default_factory=dict)


# Abbreviations and symbols every language's notes use before a number (the locator labels
# of brief.markup, the number signs, currencies written before their amount).
COMMON_NUMBERED = (
    "p.", "pp.", "para.", "paras.", "art.", "arts.", "Art.", "Arts.", "ch.", "chap.", "sec.",
    "vol.", "vols.",
    "n.", "nn.", "fig.", "no.", "No.", "nos.", "Nos.", "N°", "n°", "Nº", "nº", "§", "§§", "¶",
    "¶¶", "USD", "EUR", "CHF", "GBP", "US$", "$", "€", "£",
)
# Units that follow a number.
COMMON_UNITS = (
    "%", "‰", "km", "km²", "m", "m²", "cm", "mm", "kg", "g", "t", "ha", "°C", "°F", "h", "min",
    "kW", "MW", "GW", "kWh", "USD", "EUR", "CHF", "GBP", "€", "$", "£",
)

LANGUAGES: dict[str, Typography] = {
    "en": Typography(quotes=("“", "”", "‘", "’"),
                     units=("million", "millions", "billion", "billions", "trillion")),
    "fr": Typography(
        quotes=("«", "»", "“", "”"), space_inside_quotes=NNBSP,
        space_before={";": NNBSP, "!": NNBSP, "?": NNBSP, ":": NBSP},
        numbered=("paragr.", "al.", "t.", "éd."),
        units=("million", "millions", "milliard", "milliards"),
        percent_space=NNBSP, digit_groups=True, range_mark=NON_BREAKING_HYPHEN,
        note_call_before_punctuation=True),
    "es": Typography(
        quotes=("«", "»", "“", "”"),
        numbered=("pág.", "págs.", "párr.", "cap.", "núm.", "n.º", "N.º", "apdo."),
        units=("millón", "millones", "mil"), digit_groups=True,
        range_mark=NON_BREAKING_HYPHEN, note_call_before_punctuation=True),
    "de": Typography(
        quotes=("„", "“", "‚", "‘"),
        numbered=("S.", "Nr.", "Art.", "Abs.", "Bd.", "Kap.", "Rn.", "Ziff."),
        units=("Mio.", "Mrd.", "Million", "Millionen", "Milliarde", "Milliarden"),
        percent_space=NNBSP, digit_groups=True, attribution_dash="–",
        numbered_spelling={"art.": "Art.", "arts.": "Art."}),
    # Korean and Simplified Chinese take Western marks; Japanese and Traditional Chinese, corner
    # brackets.
    "ko": Typography(quotes=("“", "”", "‘", "’")),
    "zh": Typography(quotes=("“", "”", "‘", "’")),
    "zh-hant": Typography(quotes=("「", "」", "『", "』")),
    "zh-tw": Typography(quotes=("「", "」", "『", "』")),
    "zh-hk": Typography(quotes=("「", "」", "『", "』")),
    "ja": Typography(quotes=("「", "」", "『", "』")),
    "ar": Typography(quotes=("«", "»", "“", "”")),
}
# A language without a table keeps the marks most languages read without surprise.
FALLBACK = LANGUAGES["en"]
# Every abbreviation, in any language, that names the number after it.
NUMBERED_WORDS = frozenset(COMMON_NUMBERED).union(
    *(rules.numbered for rules in LANGUAGES.values()))


def rules_for(language: str) -> Typography:
    """The table for a BCP 47 tag: the most specific entry (`zh-Hant-TW` → `zh-hant`), else the
    base language's, else English marks without any spacing rule."""
    parts = language.lower().split("-")
    for length in range(len(parts), 0, -1):
        found = LANGUAGES.get("-".join(parts[:length]))
        if found:
            return found
        if length == 3 and "-".join(parts[::2]) in LANGUAGES:  # zh-hant-tw → zh-tw
            return LANGUAGES["-".join(parts[::2])]
    return FALLBACK


def markdown_quotes(language: str) -> list[str]:
    """The four marks markdown-it's typographer puts for "…" and '…', with their spaces."""
    rules = rules_for(language)
    space = rules.space_inside_quotes
    first, last, inner_first, inner_last = rules.quotes
    return [first + space, space + last, inner_first, inner_last]


def quotation_marks(language: str) -> tuple[str, str]:
    """The marks, with their spaces, that the language puts around a quotation it shows."""
    rules = rules_for(language)
    space = rules.space_inside_quotes
    return rules.quotes[0] + space, space + rules.quotes[1]


# Web addresses are never typeset (an apostrophe or a space in one breaks it); the same
# pattern brief.render makes breakable.
URL_RE = re.compile(r"(?:https?://|www\.|mailto:)[^\s<>]+?(?=[.,;:!?)\]\"'»”’]*(?:\s|$))")
OPENING_CONTEXT = " \t\n\u00a0\u202f([{«„“‘‚「『—–-/"
# 'word' with a closing mark that ends a word: a quotation in single marks, not an apostrophe.
SINGLE_QUOTED_RE = re.compile(r"(?<![\w’'])'(?=\w)([^'\n]*?[^\s'])'(?!\w)")
# Korean sets its particles right after a closing mark ('불법 이주민'으로): a mark between a
# letter and a Hangul syllable closes a quotation there, where markdown's typographer saw an
# apostrophe.
HANGUL_PARTICLE_QUOTED_RE = re.compile(
    r"(?<![\w’'])'(?=\w)([^'’\n]*?[^\s'])['’](?=[\uac00-\ud7a3])")
# A UN document symbol (A/HRC/32/47, E/CN.4/2005/L.10, CCPR/C/ERI/CO/1): never broken at its
# first slash, where a reader would not see that the line continues a symbol; a short one is not
# broken at all, a long one only after a later slash, as an address breaks.
SYMBOL_RE = re.compile(r"(?<![A-Za-z0-9/.\-])[A-Z]{1,8}/[A-Z0-9][\w.\-]*(?:/[\w.\-]+)*")
SHORT_SYMBOL = 24  # characters: A/HRC/RES/35/35 and the like, never split
# Creative Commons licence names are one name: CC BY 4.0, CC BY-NC-SA 4.0, CC0 1.0.
LICENCE_RE = re.compile(r"(?<![A-Za-z0-9])CC(?:0|[ \u00a0]BY(?:-(?:NC|ND|SA))*)(?:[ \u00a0]\d\.\d)?\b")
# A range of numbers (pp. 5–6, 1994–2014) stays on one line.
RANGE_RE = re.compile(r"(?<=\d)([–—])(?=\d)")
DIGIT_GROUPS_RE = re.compile(r"(?<![\d.,])(\d{1,3})((?:[ \u00a0\u202f]\d{3})+)(?![\d])")


def _months(rules: Typography) -> str:
    """The names of the months in the table's language, as a pattern ("" for a language whose
    dates are written without spaces to guard, or that babel does not know)."""
    language = next((name for name, table in LANGUAGES.items() if table is rules), "en")
    if language in ("ko", "zh", "ja") or language.startswith("zh-"):
        return ""
    from babel.core import UnknownLocaleError
    from babel.dates import get_month_names

    try:
        names = {name for width in ("wide", "abbreviated") for context in
                 ("format", "stand-alone") for name in get_month_names(
                     width, context, locale=language).values()}
    except (UnknownLocaleError, ValueError):
        return ""
    names |= {name.capitalize() for name in names}
    return _alternation(tuple(name for name in names if len(name.rstrip(".")) > 2))


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


_compiled: dict[int, dict[str, re.Pattern]] = {}  # by id(): the tables live as long as brief


def _patterns(rules: Typography) -> dict[str, re.Pattern]:
    """The language's rules as patterns, compiled once per table."""
    if id(rules) in _compiled:
        return _compiled[id(rules)]
    marks = "".join(re.escape(mark) for mark in rules.space_before)
    first, last = rules.quotes[0], rules.quotes[1]
    numbered = _alternation(COMMON_NUMBERED + rules.numbered)
    patterns = {
        # An abbreviation, its space, a number (arabic or roman).
        "numbered": re.compile(
            rf"(?<![\w.])({numbered})[ \u00a0]+(?=\d|[IVXLCDM]+\b)"),
        # A numbered abbreviation and its number, then the space before what completes the
        # reference: another one (§ 60 Abs. 5) or the name of the law (Art. 3 EMRK).
        "reference_goes_on": re.compile(
            rf"(?<![\w.])((?:{numbered})\u00a0(?:\d+|[IVXLCDM]+)[a-z]?)[ ]"
            rf"(?=(?:{numbered})[ \u00a0](?:\d|[IVXLCDM]+\b)|[A-ZÄÖÜ][\wÄÖÜäöü]*[A-ZÄÖÜ]\b)"),
        # A date: a day, a month's name, a year (15 mars 2024, 4. November 1950, 14 de marzo
        # de 2025, March 15, 2024).
        **({"date": re.compile(
            rf"(?<![\w.])(?:\d{{1,2}}\.?|1er)(?:[ \u00a0]+de)?[ \u00a0]+(?:{months})"
            rf"(?:(?:[ \u00a0]+de)?[ \u00a0]+\d{{4}})?(?!\w)"
            rf"|(?<!\w)(?:{months})[ \u00a0]+\d{{1,2}},?[ \u00a0]+\d{{4}}(?!\d)")}
           if (months := _months(rules)) else {}),
        # A number, its space, a unit.
        "units": re.compile(
            rf"(?<=\d)[ \u00a0]+({_alternation(COMMON_UNITS + rules.units)})"
            r"(?![A-Za-z0-9²³])"),  # ASCII: a Chinese word may follow a unit unspaced
    }
    if marks:
        # A run of the marks after a word or a closing mark (never after a space, an opening
        # bracket or another mark), ending the text or followed by a space or closing mark:
        # `10:30`, `a:b` and `?q=` are not punctuation.
        patterns["space_before"] = re.compile(
            rf"(?<=[^\s{marks}(\[{{«„“‘‚])[{SPACES}]?([{marks}]+)(?=[\s»”’)\]}}.,]|$)")
    if rules.space_inside_quotes:
        patterns["after_opening"] = re.compile(rf"{re.escape(first)}[{SPACES}]*")
        patterns["before_closing"] = re.compile(rf"[{SPACES}]*{re.escape(last)}")
    _compiled[id(rules)] = patterns
    return patterns


def typeset_text(text: str, language: str, before: str = "", joiners: bool = True) -> str:
    """Plain (unescaped) text set as `language` sets it.

    `before` is the character printed just before the text (the end of the text node before
    it), so that a mark at the start of a text is read in its context. Without `joiners` no
    invisible WORD JOINER is put in (for metadata, where one would end up in a search field).
    """
    if not text:
        return text
    parts = URL_RE.split(text)
    addresses = URL_RE.findall(text)
    out = []
    for index, part in enumerate(parts):
        context = "x" if index else before  # after an address: as after a word
        out.append(_typeset_words(part, rules_for(language), context, joiners))
        if index < len(addresses):
            out.append(addresses[index])
    return "".join(out)


def _typeset_words(text: str, rules: Typography, before: str, joiners: bool) -> str:
    if not text:
        return text
    patterns = _patterns(rules)
    first, last, inner_first, inner_last = rules.quotes
    # One character stands for the text before, so that lookbehinds see its kind; none of the
    # rules rewrites these four, and it is removed at the end.
    text = _kind_of(before[-1:]) + text
    if "'" in text:
        text = HANGUL_PARTICLE_QUOTED_RE.sub(lambda m: inner_first + m.group(1) + inner_last,
                                             text)
        text = SINGLE_QUOTED_RE.sub(lambda m: inner_first + m.group(1) + inner_last, text)
        text = text.replace("'", "’")
    if '"' in text:
        # A typed straight double quote opens after a space or an opening mark, else closes.
        text = re.sub('"', lambda m: first if text[m.start() - 1] in OPENING_CONTEXT
                      else last, text)
    if "space_before" in patterns:
        text = patterns["space_before"].sub(
            lambda m: rules.space_before[m.group(1)[0]] + m.group(1), text)
    if "after_opening" in patterns:
        text = patterns["after_opening"].sub(first + rules.space_inside_quotes, text)
        text = patterns["before_closing"].sub(rules.space_inside_quotes + last, text)
    text = patterns["numbered"].sub(
        lambda m: rules.numbered_spelling.get(m.group(1), m.group(1)) + NBSP, text)
    for _ in range(3):  # § 60 Abs. 5 AufenthG: each part joins the one before
        text, joined = patterns["reference_goes_on"].subn(lambda m: m.group(1) + NBSP, text)
        if not joined:
            break
    if "date" in patterns:
        text = patterns["date"].sub(lambda m: re.sub("[ ]", NBSP, m.group(0)), text)
    text = patterns["units"].sub(
        lambda m: (rules.percent_space or NBSP if m.group(1) == "%" else NBSP) + m.group(1),
        text)
    if rules.percent_space:
        text = re.sub(r"(?<=\d)%", rules.percent_space + "%", text)
    if rules.digit_groups:
        text = DIGIT_GROUPS_RE.sub(
            lambda m: m.group(1) + re.sub(f"[{SPACES}]", NNBSP, m.group(2)), text)
    text = LICENCE_RE.sub(lambda m: m.group(0).replace(" ", NBSP)
                          .replace("-", "-" + WORD_JOINER if joiners else "-"), text)
    if rules.range_mark:
        text = re.sub(r"(?<=\d)–(?=\d)", rules.range_mark, text)
    if joiners:
        text = SYMBOL_RE.sub(_bound_symbol, text)
        text = RANGE_RE.sub(lambda m: m.group(1) + WORD_JOINER, text)
    return text[1:]


def _bound_symbol(match: re.Match) -> str:
    symbol = match.group(0)
    if len(symbol) <= SHORT_SYMBOL:
        return symbol.replace("/", "/" + WORD_JOINER)
    return symbol.replace("/", "/" + WORD_JOINER, 1)


def _kind_of(character: str) -> str:
    """A space, an opening mark, a digit or a letter: what a rule needs to know of the
    character before a text (the closing » before it is read as a letter)."""
    if not character or character.isspace():
        return " "
    if character in OPENING_CONTEXT:
        return "("
    return "0" if character.isdigit() else "x"


# The pieces of an HTML document: comments, elements whose content is not text to typeset
# (kept whole), tags, and text.
PIECES_RE = re.compile(
    r"<!--[\s\S]*?-->|<(script|style|code|pre|kbd|samp|textarea)\b[^>]*>[\s\S]*?</\1\s*>"
    r"|<[^>]*>|[^<]+", re.I)
# Elements inside a line of text: the text after one continues the text before it.
INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "em", "i", "mark", "q", "s", "small", "span",
          "strong", "sub", "sup", "time", "u", "del", "ins", "wbr", ""}
TAG_NAME_RE = re.compile(r"</?([A-Za-z0-9]*)")
META_CONTENT_RE = re.compile(r'(<meta\b[^>]*?\bcontent=")([^"]*)(")', re.I)
LANG_RE = re.compile(r'\slang="([^"]*)"', re.I)
# Elements without an end tag: they never hold text in another language.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


def typeset_html(document: str, language: str) -> str:
    """An HTML document (or fragment) with the text of its text nodes and <meta> values set
    for `language`; tags, attributes, scripts, styles and code are left exactly as they are.

    Text inside an element with a `lang` of its own (an English title in a French note) is set
    for that language. Each text node is unescaped, typeset and escaped again, so that a `&#39;`
    the template engine wrote becomes an apostrophe and no `<` or `&` can come out unescaped.
    """
    out = []
    before = ""
    last_text = None  # where the text before this one is in `out`, while the line runs on
    # The elements that change the language, innermost last: [tag, language, nested same tags].
    languages: list[list] = []
    in_title = False
    for match in PIECES_RE.finditer(document):
        piece = match.group(0)
        if piece.startswith("<"):
            name = TAG_NAME_RE.match(piece).group(1).lower()
            if name == "title":
                in_title = not piece.startswith("</")
            if piece[:5].lower() == "<meta":
                piece = META_CONTENT_RE.sub(
                    lambda m: m.group(1) + _escape(typeset_text(
                        html_module.unescape(m.group(2)), language, joiners=False),
                        quote=True) + m.group(3), piece)
            elif match.group(1) or name not in INLINE:
                before, last_text = "", None  # a new block (or code) does not continue the text
            _follow_language(languages, piece, name)
            out.append(piece)
            continue
        text = html_module.unescape(piece)
        own = languages[-1][1] if languages else language
        if last_text is not None and before.isspace() and _closes(text, own):
            # A closing mark typed after a space, in an element of its own (`menacée
            # <span>»`): the space before it becomes the language's no-break space.
            out[last_text] = out[last_text].rstrip(SPACES + "\t\n")
            before = "x"
        last_text = len(out)
        # The PDF's Title and the window's: no invisible character
        out.append(_escape(typeset_text(text, own, before, joiners=not in_title)))
        before = text[-1:] or before
    return "".join(out)


# Characters a line must not come between, as typeset_text (and brief.markup, between the
# syllables of a Korean word) marks them: each joined to the next by a WORD JOINER.
JOINED_RE = re.compile(f"[^\\s&;<>{WORD_JOINER}](?:{WORD_JOINER}[^\\s&;<>{WORD_JOINER}])+")


def held_by_markup(document: str) -> str:
    """A typeset document for a browser: each run of characters joined by WORD JOINERs is set
    in a span that does not wrap (`A<span class="nobr">/H</span>RC`), the joiners taken out,
    so that a reader who copies or searches "A/HRC/53/20" in the web edition finds the symbol
    itself. (The PDF keeps the joiners: its text layer leaves them out, and spans there would
    cost the spaces between a Korean word's boxes.)"""
    if WORD_JOINER not in document:
        return document
    out = []
    for match in PIECES_RE.finditer(document):
        piece = match.group(0)
        if piece.startswith("<"):
            out.append(piece.replace(WORD_JOINER, ""))  # an attribute (alt text) never wraps
        else:
            out.append(JOINED_RE.sub(lambda m: '<span class="nobr">' + m.group(0).replace(
                WORD_JOINER, "") + "</span>", piece).replace(WORD_JOINER, ""))
    return "".join(out)


def _follow_language(languages: list[list], tag: str, name: str) -> None:
    """Keep `languages` (see typeset_html) in step with one tag."""
    if name in VOID or tag.endswith("/>") or tag.startswith("<!"):
        return
    if tag.startswith("</"):
        if languages and languages[-1][0] == name:
            if languages[-1][2]:
                languages[-1][2] -= 1
            else:
                languages.pop()
    elif found := LANG_RE.search(tag):
        languages.append([name, found.group(1), 0])
    elif languages and languages[-1][0] == name:
        languages[-1][2] += 1


def _closes(text: str, language: str) -> bool:
    """Whether `text` begins with a mark that the language sets a space before."""
    rules = rules_for(language)
    first = text[:1]
    return bool(first) and (first in rules.space_before or
                            (bool(rules.space_inside_quotes) and first == rules.quotes[1]))


def unbreakable(text: str) -> str:
    """A short unit a reader takes in at once (a date: 14 mars 2024), kept on one line."""
    return re.sub(f"[{SPACES}]", NBSP, text)


def typeset_data(value: Any, language: str, skip: frozenset[str] = frozenset()) -> Any:
    """Every string in a JSON-like value set for `language` (no word joiners), except those
    under the keys in `skip` (addresses, dates, identifiers)."""
    if isinstance(value, str):
        return typeset_text(value, language, joiners=False)
    if isinstance(value, list):
        return [typeset_data(item, language, skip) for item in value]
    if isinstance(value, dict):
        return {key: item if key in skip or key.startswith("@")
                else typeset_data(item, language, skip) for key, item in value.items()}
    return value


def _escape(text: str, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text
