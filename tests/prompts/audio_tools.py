"""Skip a test that needs ffmpeg or espeak-ng when they are missing, unless
``CALLCENTER_REQUIRE_AUDIO_TOOLS=1`` (set by CI) makes that a failure."""

import os

import pytest

from prompts.tools import PACKAGES, available


def required() -> bool:
    return os.environ.get("CALLCENTER_REQUIRE_AUDIO_TOOLS") == "1"


def require_version(program: str, wanted: str, found: str) -> None:
    """Byte-for-byte comparisons hold only with the version that made the files."""
    if found == wanted:
        return
    message = f"{program} {found} here; the committed files were made with {wanted}"
    if required():
        pytest.fail(message)
    pytest.skip(message)


def require_tools(*programs: str) -> None:
    missing = [p for p in programs if not available(p)]
    if not missing:
        return
    names = ", ".join(missing)
    if required():
        pytest.fail(f"CALLCENTER_REQUIRE_AUDIO_TOOLS=1 but {names} is not installed")
    packages = " ".join(sorted({PACKAGES[p] for p in missing}))
    pytest.skip(f"{names} not installed (apt-get install {packages})")
