"""User-interface strings by key, one JSON catalog per language in locales/.

Adding a language is adding one file, locales/<code>.json, with the same keys as en.json and a
"_meta.name" (the language's own name) and "_meta.direction" ("ltr" or "rtl").
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DEFAULT_LANGUAGE = "en"

RTL_LETTERS = "\u0590-\u05FF\u0600-\u06FF\uFB1D-\uFDFF\uFE70-\uFEFF"
LTR_RUN = re.compile(rf"[^\s{RTL_LETTERS}](?:[^{RTL_LETTERS}\n]*[^\s{RTL_LETTERS}])?")
FORMULA_MARKS = set("∂‖→←×=≈≤≥±·⊙∇^_‑Σσ∑∞′ᵀ/")
MARKUP = ("$", "`", "<", "%{", "](")
EDGE_PUNCTUATION = "-–#*.,:;!?()[]«»\"' "
LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"
LATIN = re.compile("[A-Za-z]")


@cache
def catalog(language: str) -> dict[str, str]:
    """The catalog of one language (read once per process, never modified)."""
    path = LOCALES_DIR / f"{language}.json"
    if not path.is_file():
        raise KeyError(f"no catalog for language '{language}'")
    return json.loads(path.read_text(encoding="utf-8"))


def available_languages() -> list[str]:
    """Language codes with a catalog, English first."""
    codes = sorted(path.stem for path in LOCALES_DIR.glob("*.json"))
    return sorted(codes, key=lambda code: code != DEFAULT_LANGUAGE)


def language_name(language: str) -> str:
    return catalog(language).get("_meta.name", language)


def direction(language: str) -> str:
    return catalog(language).get("_meta.direction", "ltr")


class Literal(str):
    """Text that a user, a file or a link supplied: shown as it is, never read as Markdown or HTML."""


def literal(text: object) -> Literal:
    return Literal(str(text))


def code_span(text: str) -> str:
    """text as a Markdown code span: nothing in it becomes a link, an image, markup or HTML.

    The fence is one backtick longer than the longest run of backticks inside, and line breaks
    become spaces, so the text cannot close the span early.
    """
    text = " ".join(text.splitlines()) or " "
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") or text.isspace() else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def translate(language: str, key: str, **params: object) -> str:
    """The text for key in language (English where the language lacks it), formatted with params.

    A param marked literal() appears as a code span, whatever Markdown or HTML it holds.
    """
    text = catalog(language).get(key)
    if text is None:
        text = catalog(DEFAULT_LANGUAGE)[key]
    params = {name: code_span(value) if isinstance(value, Literal) else value for name, value in params.items()}
    if direction(language) != "rtl":
        return text.format(**params) if params else text
    text = text.format(**{name: _isolate_value(value) for name, value in params.items()}) if params else text
    return isolate_formulas(text)


def _isolate_value(value: object) -> object:
    """A value with Latin letters (a parameter name, a layer, an identifier) as its own direction island."""
    if isinstance(value, str) and LATIN.search(value) and not any(mark in value for mark in (*MARKUP, "\\", "\n")):
        return f"{FSI}{value}{PDI}"
    return value


def isolate_formulas(text: str) -> str:
    """Wrap each formula-like run (e.g. "ε = 0.20", "∂L/∂w", "2‑3‑2") of right-to-left text in a left-to-right
    isolate, so the bidirectional algorithm cannot reorder its symbols; LaTeX, code and markup are left alone."""
    return LTR_RUN.sub(lambda match: _isolate_run(match.group()), text)


def _isolate_run(run: str) -> str:
    if any(mark in run for mark in MARKUP):
        return run
    return "".join(_isolate_clause(part) for part in _clauses(run))


def _clauses(run: str) -> list[str]:
    """run split after each ", " or "; " that is outside brackets (the separators stay in the parts)."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(run):
        depth += (char in "([{") - (char in ")]}")
        if char in ",;" and depth <= 0 and run[index + 1 : index + 2] == " ":
            parts.append(run[start : index + 2])
            start = index + 2
    return [*parts, run[start:]]


def _isolate_clause(clause: str) -> str:
    start, end = _formula_bounds(clause)
    if start == end or not FORMULA_MARKS & set(clause[start:end]):
        return clause
    return f"{clause[:start]}{LRI}{clause[start:end]}{PDI}{clause[end:]}"


def _formula_bounds(clause: str) -> tuple[int, int]:
    """Where the formula in clause starts and ends: edge punctuation trimmed, brackets kept paired."""
    core = clause.strip(EDGE_PUNCTUATION)
    if not core:
        return 0, 0
    start = clause.index(core)
    end = start + len(core)
    for opening, closing in ("()", "[]"):
        unclosed = clause.count(opening, start, end) - clause.count(closing, start, end)
        while unclosed > 0 and clause[end : end + 1] == closing:
            end, unclosed = end + 1, unclosed - 1
        while unclosed < 0 and start > 0 and clause[start - 1] == opening:
            start, unclosed = start - 1, unclosed + 1
    return start, end


def missing_keys(language: str) -> set[str]:
    """Keys English has and the language lacks."""
    return set(catalog(DEFAULT_LANGUAGE)) - set(catalog(language))
