"""The app's pages, in menu order: app.py builds the navigation and the home page its links from this list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageEntry:
    path: str
    url_path: str
    title_key: str
    summary_key: str
    icon: str


HOME = PageEntry("pages/home.py", "home", "nav.home", "home.summary", ":material/home:")

FEATURE_PAGES: list[PageEntry] = [
    PageEntry("pages/playground.py", "playground", "nav.playground", "playground.summary", ":material/model_training:"),
    PageEntry("pages/backprop.py", "backprop", "nav.backprop", "backprop.summary", ":material/swap_horiz:"),
    PageEntry("pages/descent.py", "descent", "nav.descent", "descent.summary", ":material/landscape:"),
    PageEntry("pages/draw.py", "draw", "nav.draw", "draw.summary", ":material/draw:"),
    PageEntry("pages/attack.py", "attack", "nav.attack", "attack.summary", ":material/bolt:"),
]
