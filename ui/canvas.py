"""The drawing canvas's pen-up hand-off: send each finished stroke to the app at once.

streamlit-drawable-canvas 0.13.0 waits 200 ms after the last change before it sends the drawing
(a fixed delay in its frontend). Its toolbar's "Update the app with this drawing" button sends at
once, so when a pen, mouse or finger lifts off a canvas, this script presses that button on the
same canvas. If the button is ever missing, the canvas's own delayed send still delivers.
"""

from __future__ import annotations

import streamlit as st

SEND_ON_PEN_UP = """
<script>
(() => {
  const view = window.parent || window;
  if (view.__sendDrawingOnPenUp) return;
  view.__sendDrawingOnPenUp = true;
  const SEND_BUTTON = '.dc-toolbar-card button[title="Update the app with this drawing"]';
  view.document.addEventListener("pointerup", event => {
    const canvas = event.composedPath().find(node => node.classList && node.classList.contains("upper-canvas"));
    if (!canvas) return;
    const send = canvas.getRootNode().querySelector(SEND_BUTTON);
    if (send) view.setTimeout(() => send.click(), 0);
  }, true);
})();
</script>
"""


def send_strokes_on_pen_up() -> None:
    st.html(SEND_ON_PEN_UP, unsafe_allow_javascript=True)
