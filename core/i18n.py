"""User-interface strings by key, one JSON catalog per language in locales/.

Adding a language is adding one file, locales/<code>.json, with the same keys as en.json and a
"_meta.name" (the language's own name) and "_meta.direction" ("ltr" or "rtl").
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DEFAULT_LANGUAGE = "en"


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


def translate(language: str, key: str, **params: object) -> str:
    """The text for key in language (English where the language lacks it), formatted with params."""
    text = catalog(language).get(key)
    if text is None:
        text = catalog(DEFAULT_LANGUAGE)[key]
    return text.format(**params) if params else text


def missing_keys(language: str) -> set[str]:
    """Keys English has and the language lacks."""
    return set(catalog(DEFAULT_LANGUAGE)) - set(catalog(language))
