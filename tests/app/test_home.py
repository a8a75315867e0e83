from core.i18n import translate
from tests.app.conftest import assert_clean, run_page
from ui.navigation import FEATURE_PAGES


def test_home_runs_and_says_what_the_app_offers():
    app = run_page("pages/home.py")
    assert_clean(app)
    assert app.title[0].value == translate("en", "home.title")
    text = " ".join(m.value for m in app.markdown)
    assert "10,000 real MNIST digits" in text
    for key in ("cnn", "cnn_robust", "mlp_3b1b", "mlp_keras"):
        assert f"`{key}`" in text


def test_every_feature_page_runs_without_exception():
    for entry in FEATURE_PAGES:
        app = run_page(entry.path)
        assert_clean(app)
