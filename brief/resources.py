"""Where the package's data lives; kept apart so that cheap commands need not import more."""

from __future__ import annotations

from pathlib import Path


def templates_folder() -> Path:
    """The templates: inside the installed package, or beside it in a source checkout."""
    installed = Path(__file__).with_name("templates")
    return installed if installed.is_dir() else Path(__file__).parent.parent / "templates"
