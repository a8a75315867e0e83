"""A headless Streamlit session: what the browser says over /_stcore/stream, without a browser.

    async with Session("http://127.0.0.1:8501") as session:
        run = await session.open("attack?eps=0.2&attack=pgd")
        run = await session.set_value("attack_eps", 0.3)
        run.page.texts(), run.page.live_charts(), run.exceptions, run.seconds

The client sends a rerun (page, query string, widget states) as the browser's frontend does, and
collects the deltas of that run until the server says the script finished. Only the widget states
of the current action are sent: the server keeps every other widget's value from the runs before.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pyarrow as pa
from google.protobuf.message import Message
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Block_pb2 import Block
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Markdown_pb2 import Markdown
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

STREAM_PATH = "/_stcore/stream"
LIVE_CHART = "live_chart"
RUN_ENDS = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
            ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
TEXT_FIELDS = {"markdown": ("body",), "text": ("body",), "heading": ("body",), "code": ("code_text",),
               "alert": ("body",), "metric": ("label", "body", "delta"), "json": ("body",), "html": ("body",)}


class SessionFailed(Exception):
    """The server did not finish a run in time, or the connection dropped."""


@dataclass(frozen=True)
class Widget:
    id: str
    kind: str
    label: str
    key: str | None
    options: tuple[str, ...] = ()


def user_key(widget_id: str) -> str | None:
    """The key a page gave a widget: Streamlit's ids end with it ("$$ID-<hash>-<key>")."""
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[2] != "None" else None


def element_kind(element: Element) -> str:
    return element.WhichOneof("type") or ""


def text_kind(element: Element) -> str:
    """The element's kind, with st.caption told apart from other markdown."""
    kind = element_kind(element)
    return "caption" if kind == "markdown" and element.markdown.element_type == Markdown.CAPTION else kind


def element_body(element: Element) -> Message:
    return getattr(element, element_kind(element))


def option_texts(body: Message) -> tuple[str, ...]:
    options = getattr(body, "options", ())
    return tuple(option if isinstance(option, str) else option.content for option in options)


def exception_text(element: Element) -> str:
    exception = element.exception
    return f"{exception.type}: {exception.message}"


@dataclass
class Page:
    """The elements and blocks a run left on the page, by their delta path (page order)."""

    elements: dict[tuple[int, ...], Element] = field(default_factory=dict)
    blocks: dict[tuple[int, ...], Block] = field(default_factory=dict)

    def forget(self, path: tuple[int, ...]) -> None:
        """Drop what was at path and inside it (a delta is about to replace it)."""
        for table in (self.elements, self.blocks):
            for known in [known for known in table if known[:len(path)] == path]:
                del table[known]

    def in_order(self) -> list[Element]:
        return [self.elements[path] for path in sorted(self.elements)]

    def texts(self) -> list[tuple[str, str]]:
        """(kind, text) of every element that shows text: markdown, captions, code, alerts, metrics, …"""
        found = []
        for element in self.in_order():
            kind = element_kind(element)
            if kind in TEXT_FIELDS:
                body = element_body(element)
                found.append((text_kind(element), " | ".join(getattr(body, name) for name in TEXT_FIELDS[kind])))
            elif kind == "exception":
                found.append((kind, exception_text(element)))
        return found

    def exceptions(self) -> list[str]:
        return [exception_text(element) for element in self.in_order() if element_kind(element) == "exception"]

    def widgets(self) -> dict[str, Widget]:
        """Every widget on the page (tabs with a key included), by its key (by its id when it has none)."""
        found = {}
        for element in self.in_order():
            body = element_body(element)
            widget_id = getattr(body, "id", "")
            if widget_id and element_kind(element) != "bidi_component":
                widget = Widget(widget_id, element_kind(element), getattr(body, "label", ""), user_key(widget_id),
                                option_texts(body))
                found[widget.key or widget.id] = widget
        for path, block in sorted(self.blocks.items()):
            if block.WhichOneof("type") == "tab_container" and block.tab_container.id:
                labels = tuple(tab.tab.label for child, tab in sorted(self.blocks.items()) if child[:-1] == path)
                widget_id = block.tab_container.id
                found[user_key(widget_id) or widget_id] = Widget(widget_id, "tab_container", "", user_key(widget_id),
                                                                 labels)
        return found

    def widget(self, key: str) -> Widget:
        widgets = self.widgets()
        if key not in widgets:
            raise KeyError(f"no widget {key!r} on the page; there are {sorted(widgets)}")
        return widgets[key]

    def live_charts(self) -> dict[str, dict]:
        """The arguments of every live chart (ui/live_chart.py) by its key: revision, settings and figure."""
        charts = {}
        for element in self.in_order():
            if element_kind(element) == "bidi_component" and LIVE_CHART in element.bidi_component.component_name:
                message = json.loads(element.bidi_component.bytes)
                charts[message["settings"]["key"]] = message
        return charts

    def plotly_charts(self) -> list[dict]:
        """The figure of every st.plotly_chart, as Plotly JSON."""
        return [json.loads(element.plotly_chart.spec) for element in self.in_order()
                if element_kind(element) == "plotly_chart"]

    def dataframes(self) -> list[list[dict]]:
        """The rows of every st.dataframe."""
        return [pa.ipc.open_stream(element.dataframe.arrow_data.data).read_all().to_pylist()
                for element in self.in_order() if element_kind(element) == "dataframe"]


@dataclass
class Run:
    """One script run as the session saw it, from the rerun it sent to the end of the script."""

    page: Page
    exceptions: list[str]  # every exception element the run sent, including ones it later replaced
    seconds: float
    query_string: str
    page_not_found: bool = False


class Session:
    """One browser tab's session on the app's server."""

    def __init__(self, base_url: str, timeout: float = 180.0):
        parts = urlsplit(base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        self.stream_url = f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}{STREAM_PATH}"
        self.timeout = timeout
        self.query_string = ""
        self.page_script_hash = ""
        self.page = Page()
        self._socket: ClientConnection | None = None
        self._reader: asyncio.Task | None = None
        self._run_end: asyncio.Future | None = None
        self._heartbeat: asyncio.Future | None = None
        self._exceptions: list[str] = []
        self._page_not_found = False

    async def __aenter__(self) -> Session:
        try:
            self._socket = await connect(self.stream_url, subprotocols=["streamlit"], max_size=None,
                                         open_timeout=self.timeout)
        except (OSError, WebSocketException) as error:
            raise SessionFailed(f"no connection to {self.stream_url}: {error}") from error
        self._reader = asyncio.create_task(self._receive())
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    async def open(self, address: str) -> Run:
        """Open a page by its URL path and query string ("attack?eps=0.2"), as a link in this tab would."""
        path, _, query = address.partition("?")
        self.page_script_hash = ""
        return await self._rerun(query_string=query, page_name=path.strip("/"))

    async def set_value(self, key: str, value) -> Run:
        """Give a widget a new value (the option's text for a select box, radio or select slider) and rerun."""
        return await self._rerun((widget_state(self.page.widget(key), value),))

    async def click(self, key: str) -> Run:
        """Press a button."""
        return await self._rerun((WidgetState(id=self.page.widget(key).id, trigger_value=True),))

    async def rerun(self) -> Run:
        return await self._rerun()

    async def clear_caches(self) -> None:
        """Clear the server's st.cache_data and st.cache_resource (for every session), as the app menu's
        "Clear cache" does; returns once the server has done it."""
        self._heartbeat = asyncio.get_running_loop().create_future()
        await self._socket.send(BackMsg(clear_cache=True).SerializeToString())
        await self._socket.send(BackMsg(app_heartbeat=True).SerializeToString())
        await asyncio.wait_for(self._heartbeat, self.timeout)

    async def _rerun(self, states: tuple[WidgetState, ...] = (), query_string: str | None = None,
                     page_name: str = "") -> Run:
        if self._socket is None:
            raise SessionFailed("the session is not connected")
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = self.query_string if query_string is None else query_string
        rerun.page_script_hash = self.page_script_hash
        rerun.page_name = page_name
        rerun.widget_states.widgets.extend(states)
        self.query_string = rerun.query_string
        self._exceptions, self._page_not_found = [], False
        self._run_end = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        try:
            await self._socket.send(message.SerializeToString())
            await asyncio.wait_for(self._run_end, self.timeout)
        except TimeoutError as error:
            raise SessionFailed(f"no end of the run within {self.timeout:.0f} s") from error
        except ConnectionClosed as error:
            raise SessionFailed(f"the connection closed: {error}") from error
        return Run(self.page, list(self._exceptions), time.perf_counter() - started, self.query_string,
                   self._page_not_found)

    async def _receive(self) -> None:
        try:
            async for raw in self._socket:
                self._handle(ForwardMsg.FromString(raw))
            problem = SessionFailed("the server closed the connection")
        except ConnectionClosed as error:
            problem = SessionFailed(f"the connection closed: {error}")
        settle(self._run_end, problem)
        settle(self._heartbeat, problem)

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.page = Page()
        elif kind == "navigation":
            self.page_script_hash = message.navigation.page_script_hash
        elif kind == "delta":
            self._apply_delta(message)
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "page_not_found":
            self._page_not_found = True
        elif kind == "session_event" and message.session_event.HasField("script_compilation_exception"):
            compiled = message.session_event.script_compilation_exception
            self._exceptions.append(f"{compiled.type}: {compiled.message}")
        elif kind == "heartbeat_ack":
            settle(self._heartbeat, True)
        elif kind == "ref_hash":
            self._exceptions.append("ref_hash: the server referred to a message this client never cached")
        elif kind == "script_finished" and message.script_finished in RUN_ENDS:
            settle(self._run_end, message.script_finished)

    def _apply_delta(self, message: ForwardMsg) -> None:
        path = tuple(message.metadata.delta_path)
        delta = message.delta
        if delta.WhichOneof("type") in ("new_element", "add_block"):
            self.page.forget(path)
        if delta.WhichOneof("type") == "new_element":
            self.page.elements[path] = delta.new_element
            if element_kind(delta.new_element) == "exception":
                self._exceptions.append(exception_text(delta.new_element))
        elif delta.WhichOneof("type") == "add_block":
            self.page.blocks[path] = delta.add_block


def settle(future: asyncio.Future | None, outcome) -> None:
    """Give a waiting future its result, or its exception when outcome is one."""
    if future is None or future.done():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


def widget_state(widget: Widget, value) -> WidgetState:
    """The state the browser sends for a widget set to value."""
    state = WidgetState(id=widget.id)
    if widget.options and str(value) not in widget.options:
        raise ValueError(f"{value!r} is not an option of {widget.key or widget.id}: {widget.options}")
    if widget.kind in ("slider", "button_group") and widget.options:
        state.string_array_value.data.append(str(value))
    elif widget.kind == "slider":
        state.double_array_value.data.append(float(value))
    elif widget.kind in ("selectbox", "radio", "text_input", "text_area", "tab_container"):
        state.string_value = str(value)
    elif widget.kind == "number_input":
        state.double_value = float(value)
    elif widget.kind == "checkbox":
        state.bool_value = bool(value)
    else:
        raise ValueError(f"setting a {widget.kind} is not supported")
    return state
