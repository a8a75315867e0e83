"""Start the app: `python -m ui.serve [SCRIPT] [streamlit options]` (SCRIPT defaults to app.py).

Streamlit treats a folder named pages/ beside the entry script as an old-style multipage app
until st.navigation first runs in the process, so the first session after a start would get a
navigation built from file names. This launcher settles that before the server starts.

It also runs PyTorch on one thread per operation: the app's tensors are small, and a server
answers many sessions at once, where two threads per operation fight over the two cores.

And it imports pandas and PIL.Image before any session starts. Plotly serializes a figure by looking
these modules up among the loaded ones without importing them; while one session's first table was
still importing pandas, another session's figure found the half-made module and raised
("partially initialized module 'pandas' has no attribute 'Series'").
"""

from __future__ import annotations

import sys

import pandas  # noqa: F401  (see the docstring)
import PIL.Image  # noqa: F401
import torch
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli


def main(argv: list[str]) -> None:
    script = argv[0] if argv and argv[0].endswith(".py") else "app.py"
    options = argv[1:] if argv and argv[0].endswith(".py") else argv
    PagesManager.uses_pages_directory = False
    torch.set_num_threads(1)
    sys.argv = ["streamlit", "run", script, *options]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
