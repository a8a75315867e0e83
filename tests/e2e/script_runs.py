"""How many script runs a page asks the server for: the rerun requests (BackMsg.rerun_script) it sends on its
websocket. Attach before the page opens the app, so the websocket is watched from its start."""

from __future__ import annotations

from playwright.sync_api import Page, WebSocket
from streamlit.proto.BackMsg_pb2 import BackMsg


class RerunRequests:
    """Counts the rerun requests a page sends."""

    def __init__(self, page: Page) -> None:
        self.count = 0
        page.on("websocket", self._watch)

    def _watch(self, websocket: WebSocket) -> None:
        websocket.on("framesent", self._sent)

    def _sent(self, payload: str | bytes) -> None:
        if isinstance(payload, str):
            return
        message = BackMsg()
        message.ParseFromString(payload)
        if message.WhichOneof("type") == "rerun_script":
            self.count += 1
