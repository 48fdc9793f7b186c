"""pydub, imported the one way that works everywhere we run.

pydub 0.25.1 imports ``audioop`` (a DeprecationWarning on Python 3.11 and 3.12, gone in 3.13
where the ``audioop-lts`` package stands in) and warns at import when ffmpeg is missing.
Tests run with warnings as errors, so the import is quiet and happens only once ffmpeg is
known to be there.
"""

import warnings
from typing import Any

from prompts.tools import require


def pydub() -> Any:
    """The ``pydub`` module; ``ToolMissing`` when ffmpeg is not installed."""
    require("ffmpeg")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        import pydub as module
    return module
