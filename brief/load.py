"""Read a brief's YAML (and its CSL-JSON, CSL-YAML and BibTeX source files) into the model.

Every problem of a brief that fails validation is reported at once. Its misspelt keys are then
read as meant and its broken parts replaced by neutral stand-ins, so that the later checks still
run over the rest of it and report their own problems in the same run.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from brief import validation
from brief.diagnostics import BriefError, Diagnostic, Location, display_path, error
from brief.editions import Edition, apply_edition, translatables
from brief.model import Brief, NodePath
from brief.source_files import expand_sources
from brief.yaml_positions import SourceMap, read_yaml


@dataclass
class LoadedBrief:
    """A validated brief with the map back to its source text."""

    brief: Brief
    where: SourceMap
    path: Path
    source_files: list[Path] = field(default_factory=list)  # sources files it merged in
    stand_ins: frozenset[NodePath] = frozenset()  # broken parts replaced to check the rest
    edition: Edition | None = None  # an edition in another language, made from the master
    warnings: list[Diagnostic] = field(default_factory=list)  # found loading (an edition's)

    @property
    def folder(self) -> Path:
        return self.path.parent


def load_brief(path: Path, language: str | None = None) -> LoadedBrief:
    """Read and validate a brief, or its edition in `language` (the master brief with its
    catalog's translations); raise BriefError with every problem found."""
    master = _load(path)
    if language is None or language.lower() == master.brief.language.lower():
        return master
    return _load(path, language, master)


def _load(path: Path, language: str | None = None, master: LoadedBrief | None = None
          ) -> LoadedBrief:
    shown = display_path(path)
    where = SourceMap(shown)
    data = read_yaml(path, shown, where, ())
    if not isinstance(data, dict):
        raise BriefError([error(
            Location(shown), "a brief is a YAML mapping of keys such as `title` and `summary`",
            "start from `brief new FILE.yaml`, which writes a brief to fill in",
        )])
    problems: list[Diagnostic] = []
    source_files: list[Path] = []
    if "sources" in data:
        data["sources"] = expand_sources(data["sources"], path.parent, where, problems,
                                         source_files)
    edition = None
    if master is not None and not problems:
        edition = _edition(data, where, path, language, master, problems)
    warnings = [problem for problem in problems if not problem.is_error]
    problems = [problem for problem in problems if problem.is_error]
    try:
        brief = Brief.model_validate(data)
    except ValidationError as failure:
        # Without all its sources, checking the rest would only report their ids as unknown.
        typos = validation.typos(failure.errors(), data)
        patched = None if problems else _patched(data, failure, where, path, source_files,
                                                 typos)
        problems += validation.diagnostics(failure.errors(), data, where, typos)
        raise BriefError(problems, patched) from None
    if problems:
        raise BriefError(problems + warnings)
    return LoadedBrief(brief, where, path, source_files, edition=edition, warnings=warnings)


def _edition(data: dict, where: SourceMap, path: Path, language: str, master: LoadedBrief,
             problems: list[Diagnostic]) -> Edition:
    """Make the master's `data` the edition in `language`, and say what it changed."""
    originals, with_copies = apply_edition(data, where, path, language, problems)
    edition = Edition(master, untranslated={
        item.path for item in translatables(data)
        if item.path not in originals and not item.optional})
    for translated in originals:
        if translated[-1] == "quote":
            source = validation.node(data, translated[:-1]).get("source")
            (edition.versioned_quotations if source in with_copies
             else edition.own_translations).add(translated[:-1])
    return edition


# Neutral stand-ins for broken parts: valid, citation-free, and keeping list positions, so
# that the checks can still run over the rest of a brief whose shape has errors.
PLACEHOLDER_TEXT = "…"
PLACEHOLDER_BLOCK = {"text": PLACEHOLDER_TEXT}
PLACEHOLDERS: dict[str, Any] = {
    "title": PLACEHOLDER_TEXT, "summary": PLACEHOLDER_TEXT, "date": "2000-01-01",
    "organisation": {"name": PLACEHOLDER_TEXT}, "sources": [],
    "sections": [{"heading": PLACEHOLDER_TEXT, "body": [PLACEHOLDER_BLOCK]}],
    "recommendations": [{"to": PLACEHOLDER_TEXT, "actions": [PLACEHOLDER_TEXT]}],
}


def _patched(data: dict, failure: ValidationError, where: SourceMap, path: Path,
             source_files: list[Path], typos: dict[NodePath, NodePath]) -> LoadedBrief | None:
    """The brief with misspelt keys read as meant and each part that failed validation
    replaced, or None if that fails too."""
    data = copy.deepcopy(data)
    for typo, meant in typos.items():
        container = validation.node(data, typo[:-1])
        container[meant[-1]] = container.pop(typo[-1])
        for table in (where.values, where.keys):  # positions follow the key read as meant
            for place, location in list(table.items()):
                if place[: len(typo)] == typo:
                    table[meant + place[len(typo):]] = location
    errors = [item for item in failure.errors()
              if validation.data_path(item["loc"], data) not in {*typos, *typos.values()}]
    stand_ins: set[NodePath] = set()
    # A key read as meant may hold mistakes of its own, found by validating again; they are
    # reported once its name is right.
    for _ in range(3):
        if not _stand_in(data, errors, stand_ins):
            return None
        try:
            return LoadedBrief(Brief.model_validate(data), where, path, source_files,
                               frozenset(stand_ins))
        except ValidationError as again:
            errors = again.errors()
        except (TypeError, KeyError, IndexError, AttributeError):
            return None
    return None


def _stand_in(data: dict, errors: list[dict], stand_ins: set[NodePath]) -> bool:
    """Replace each broken part of `data` in place; False if the brief cannot be patched."""
    for item in errors:
        broken = validation.data_path(item["loc"], data)
        stand_ins.add(broken[:2])
        if not broken:
            continue
        if broken == ("sources",):
            return False  # every citation would look unknown
        if len(broken) == 1:
            if broken[0] in PLACEHOLDERS:
                data[broken[0]] = copy.deepcopy(PLACEHOLDERS[broken[0]])
            else:
                data.pop(broken[0], None)
        elif broken[0] == "sections" and len(broken) >= 4 and broken[2] == "body":
            body = data["sections"][broken[1]]["body"]
            body[broken[3]] = _stand_in_block(body[broken[3]])
        elif broken[0] == "sources" and isinstance(broken[1], int):
            source = data["sources"][broken[1]]
            known_id = source.get("id") if isinstance(source, dict) else None
            data["sources"][broken[1]] = {"id": str(known_id or f"…{broken[1]}"),
                                          "type": "document"}
        elif isinstance(broken[1], int) and broken[0] in PLACEHOLDERS:
            data[broken[0]][broken[1]] = copy.deepcopy(PLACEHOLDERS[broken[0]][0])
        else:
            data[broken[0]] = copy.deepcopy(PLACEHOLDERS.get(broken[0], PLACEHOLDER_TEXT))
    return True


def _stand_in_block(block: Any) -> dict:
    """A broken block as a text block of its own words, so that its citations still count
    (and are still checked); a neutral text when it has no words."""
    if isinstance(block, dict):
        for kind in ("claim", "quote", "text"):
            if isinstance(block.get(kind), str) and block[kind].strip():
                return {"text": block[kind]}
    return dict(PLACEHOLDER_BLOCK)
