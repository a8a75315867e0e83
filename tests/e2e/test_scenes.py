"""Every scene link on the home page opens the state it names, in one browser session."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from core.i18n import translate
from core.scenes import SCENES
from tests.e2e.conftest import assert_no_exception_box, open_page, screenshot, wait_for_idle
from ui.page_params import page_bindings

pytestmark = pytest.mark.e2e

WHAT_EACH_SCENE_SHOWS = {
    "fgsm_seven_to_three": ["Prediction 7", "→ 3", translate("en", "attack.flipped")],
    "robust_cnn_holds": ["Prediction 7", "→ 7", translate("en", "attack.not_flipped")],
    "dead_relu": ["Dead ReLU", "Backward, layer 1."],
    "lecture_backprop": [translate("en", "backprop.explain_backward_output", layer=3).split("**")[1]],
    "xor_needs_hidden_layer": [translate("en", "playground.no_hidden_note")],
}


@pytest.mark.parametrize("item", SCENES, ids=[item.key for item in SCENES])
def test_a_scene_link_opens_the_state_it_names(page, app_url, item):
    open_page(page, app_url)
    page.get_by_role("link", name=translate("en", item.title_key)).click()
    wait_for_idle(page, timeout=90)
    url = urlparse(page.url)
    assert url.path.rstrip("/").endswith(item.page)
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    for binding in page_bindings(item.page):
        text = item.query.get(binding.key)
        if text is not None and binding.state_key is not None and binding.param.parse(text) != binding.param.default:
            assert query.get(binding.key) == binding.param.to_text(binding.param.parse(text)), binding.key
    for shown in WHAT_EACH_SCENE_SHOWS.get(item.key, []):
        expect(page.get_by_text(shown, exact=False).first).to_be_visible()
    assert_no_exception_box(page)
    screenshot(page, f"scene_{item.key}")
