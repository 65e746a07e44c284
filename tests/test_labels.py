"""Every label in the brief's language, in every output: the data, and a French brief."""

from __future__ import annotations

import string

from brief.render import all_labels

LANGUAGES = {"en", "fr", "es", "de", "ko", "zh", "ja", "ar"}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_label():
    table = all_labels()
    assert set(table) == LANGUAGES
    for language, labels in table.items():
        assert sorted(labels) == sorted(table["en"]), language
        for key, text in labels.items():
            assert text.strip(), (language, key)
            # A translation may leave out what English names ("About {organisation}" is
            # "À propos"), never ask for a value that the code does not give.
            assert placeholders(text) <= placeholders(table["en"][key]), (language, key)
