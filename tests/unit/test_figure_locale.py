"""Plotly's own tool-bar tooltips follow the interface language."""

from core import i18n
from ui.figures import MODEBAR_KEYS, plotly_locale


def test_english_needs_no_plotly_locale():
    assert plotly_locale("en") == {}


def test_every_right_to_left_language_translates_every_tooltip():
    for language in ("he", "fa"):
        config = plotly_locale(language)
        dictionary = config["locales"][language]["dictionary"]
        assert config["locale"] == language and len(dictionary) == len(MODEBAR_KEYS)
        assert dictionary["Zoom"] == i18n.translate(language, "figure.modebar.zoom") != "Zoom"
        assert dictionary["Download plot as a PNG"] != "Download plot as a PNG"
