"""The UI catalogs: every key a page asks for exists, and every language has every key."""

import json
import re
import string
from pathlib import Path

import pytest

from core import i18n

ROOT = Path(__file__).resolve().parents[2]
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""")


def keys_used_in_code() -> dict[str, str]:
    """Every literal key passed to t(...) in pages/, ui/ and app.py, with a file that uses it."""
    used = {}
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]:
        for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8")):
            used.setdefault(key, path.name)
    return used


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalog_files_are_valid_flat_json_with_sorted_keys():
    for path in sorted(i18n.LOCALES_DIR.glob("*.json")):
        catalog = json.loads(path.read_text(encoding="utf-8"))
        assert all(isinstance(value, str) for value in catalog.values()), path.name
        assert list(catalog) == sorted(catalog), f"{path.name}: keys are not sorted"


def test_every_key_used_in_code_is_in_the_english_catalog():
    english = i18n.catalog("en")
    missing = {key: where for key, where in keys_used_in_code().items() if key not in english}
    assert not missing, missing


@pytest.mark.parametrize("language", i18n.available_languages())
def test_every_language_has_every_key_with_the_same_placeholders(language):
    assert not i18n.missing_keys(language)
    english, other = i18n.catalog("en"), i18n.catalog(language)
    for key, text in english.items():
        assert placeholders(other[key]) == placeholders(text), key
    assert i18n.direction(language) in ("ltr", "rtl")


def test_translate_formats_and_falls_back_to_english():
    assert i18n.translate("en", "nav.home") == "Home"
    with pytest.raises(KeyError):
        i18n.translate("en", "no.such.key")


@pytest.mark.parametrize(
    ("text", "isolated"),
    [
        ("ערך ב-ε = 0.20: בדיקה", "ε = 0.20"),
        ("רשת 784‑16‑16‑10 עם", "784‑16‑16‑10"),
        ("ראו ∂L/∂w.", "∂L/∂w"),
        ("מודל, ε = 0.20.", "ε = 0.20"),
        ("מ-3 → 5 ב", "3 → 5"),
        ("**ε = 0.2** כאן", "ε = 0.2"),
    ],
)
def test_formulas_inside_right_to_left_text_are_isolated_left_to_right(text, isolated):
    assert f"\u2066{isolated}\u2069" in i18n.isolate_formulas(text)
    assert i18n.isolate_formulas(text).replace("\u2066", "").replace("\u2069", "") == text


@pytest.mark.parametrize("text", ["נוסחה $x = 1$ כאן", "קוד `a = b` כאן", "מילים בלבד", "ratio 3 of 4"])
def test_latex_code_and_plain_words_are_left_alone(text):
    assert i18n.isolate_formulas(text) == text


def test_only_right_to_left_languages_get_isolates():
    assert "\u2066" not in i18n.translate("en", "attack.current_eps", eps=0.2)
    assert "\u2066ε = 0.20\u2069" in i18n.translate("he", "attack.current_eps", eps=0.2)


def test_a_formula_with_commas_inside_brackets_stays_one_isolate():
    text = "שגיאה יחסית = |g − r| / max(|g|, |r|, 10⁻⁸). סוף"
    assert "\u2066= |g − r| / max(|g|, |r|, 10⁻⁸)\u2069. סוף" in i18n.isolate_formulas(text)


def test_a_latin_value_inside_right_to_left_text_is_its_own_island():
    text = i18n.translate("he", "url.problem_unknown", name="foo")
    assert "\u2068foo\u2069" in text
    assert "\u2068" not in i18n.translate("he", "url.problem_unknown", name="שלום")
    assert "\u2068" not in i18n.translate("en", "url.problem_unknown", name="foo")


INJECTIONS = [
    "[Session expired: log in again](https://example.invalid/login)",
    "![t](http://example.invalid/t.png)",
    "<img src=x onerror=alert(1)>",
    "a `b` ``c``",
    "**bold** _it_ www.example.invalid",
    "line one\nline two](x)",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_a_literal_param_becomes_one_code_span_that_holds_the_text_unchanged(text):
    shown = i18n.translate("en", "url.problem_unknown", name=i18n.literal(text))
    span = i18n.code_span(text)
    assert span in shown
    fence = span[: len(span) - len(span.lstrip("`"))]
    inner = span[len(fence):-len(fence)]
    assert inner.strip() == " ".join(text.splitlines())
    assert "`" * len(fence) not in inner  # the text cannot close the span early


def test_plain_params_are_not_touched():
    assert i18n.translate("en", "url.problem_unknown", name="eps") == i18n.translate("en", "url.problem_unknown",
                                                                                      name="eps")
    assert "`" not in i18n.translate("en", "url.problem_unknown", name="eps")
