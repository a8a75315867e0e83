"""Every scene opens its page cleanly, with every setting it names in place and no notice."""

from __future__ import annotations

import pytest

from core.scenes import SCENES
from tests.app.conftest import assert_clean
from tests.app.test_url_state_pages import notice, open_link, pages_through_navigation  # noqa: F401
from ui.page_params import page_bindings


@pytest.mark.parametrize("item", SCENES, ids=[item.key for item in SCENES])
def test_a_scene_opens_its_page_with_its_settings(item):
    app = open_link(item.page, **item.query)
    assert_clean(app)
    assert notice(app) == ""
    bindings = {binding.key: binding for binding in page_bindings(item.page)}
    checked = 0
    for key, text in item.query.items():
        binding = bindings[key]
        if binding.state_key is not None:
            assert app.session_state[binding.state_key] == binding.param.parse(text), key
            checked += 1
    assert checked > 0
    for key, text in item.query.items():  # the page writes back every setting that is not its default
        param = bindings[key].param
        if bindings[key].state_key is not None and param.parse(text) != param.default:
            assert app.query_params[key] == param.to_text(param.parse(text)), key
