"""`python -m bench.draw_breakdown`: where the time between the end of a stroke and its prediction goes.

Run by hand like `python -m bench` (never as a timed test). Every time is read on the page's own
clock, from the pen being lifted:
  canvas pause      pen lifted → the drawing leaves the browser (the canvas component would wait
                    200 ms; ui.canvas presses its "send now" button at pen-up)
  server            the drawing sent → the first message of the rerun back
  to prediction     that first message → the prediction's caption in the page
  paint             the caption in the page → the next frame painted
  total             pen lifted → that frame (what `python -m bench` times, without Playwright's overhead)
  all views         pen lifted → the last message of the rerun (every figure sent)
"""

from __future__ import annotations

import argparse
import statistics

from playwright.sync_api import Page, sync_playwright

from bench.__main__ import percentile
from bench.interactions.draw import CANVAS, canvas_ready, draw_stroke, lift_pen, prediction_shown
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, VIEWPORT, start_server, stop_server, wait_for_idle

RECORDER = """
window.__events = [];
const record = (kind, detail) => window.__events.push([kind, performance.now(), detail]);
const NativeSocket = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new NativeSocket(...args);
  const send = socket.send.bind(socket);
  socket.send = data => { record('sent', data.byteLength ?? data.length ?? 0); return send(data); };
  socket.addEventListener('message', event => record('received', event.data.byteLength ?? event.data.size ?? 0));
  return socket;
};
window.WebSocket.prototype = NativeSocket.prototype;
Object.assign(window.WebSocket, NativeSocket);
document.addEventListener('mouseup', () => record('pen lifted', 0), true);
new MutationObserver(() => {
  const captions = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
    .map(caption => caption.textContent).join('|');
  const strokes = captions.match(/strokes so far: (\\d+)/);
  if (strokes && strokes[1] !== window.__shownStrokes) {
    window.__shownStrokes = strokes[1];
    record('caption', +strokes[1]);
    requestAnimationFrame(() => record('painted', +strokes[1]));
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
PHASES = ("canvas pause", "server", "to prediction", "paint", "total", "all views")


def first(events: list, kind: str, after: float, detail=None) -> float:
    return next(e[1] for e in events if e[0] == kind and e[1] >= after and (detail is None or e[2] == detail))


def one_stroke(page: Page, repetition: int) -> dict[str, float]:
    page.evaluate("window.__events = []")
    draw_stroke(page, repetition)
    lift_pen(page, repetition)
    prediction_shown(page, repetition)
    wait_for_idle(page, settle=0.3)
    events = page.evaluate("window.__events")
    lifted = first(events, "pen lifted", 0.0)
    sent = first(events, "sent", lifted)
    answered = first(events, "received", sent)
    caption = first(events, "caption", sent, repetition + 1)
    painted = first(events, "painted", caption, repetition + 1)
    last = max(e[1] for e in events if e[0] == "received")
    return dict(zip(PHASES, (sent - lifted, answered - sent, caption - answered, painted - caption,
                             painted - lifted, last - lifted)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.draw_breakdown", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--strokes", type=int, default=20)
    args = parser.parse_args(argv)
    process, url = start_server()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            context = browser.new_context(viewport=VIEWPORT)
            context.add_init_script(RECORDER)
            page = context.new_page()
            page.goto(f"{url}/draw", wait_until="domcontentloaded")
            wait_for_idle(page)
            canvas_ready(page)
            page.locator(CANVAS).wait_for()
            wait_for_idle(page)
            samples = [one_stroke(page, repetition) for repetition in range(args.strokes)]
            browser.close()
    finally:
        stop_server(process)
    print(f"\n{'phase (ms, from the pen lifted)':<34} {'p50':>7} {'p95':>7} {'min':>7}")
    for phase in PHASES:
        values = [sample[phase] for sample in samples]
        print(f"{phase:<34} {statistics.median(values):>7.0f} {percentile(values, 0.95):>7.0f} {min(values):>7.0f}")


if __name__ == "__main__":
    main()
