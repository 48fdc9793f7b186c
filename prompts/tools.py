"""The external programs the prompt tools need, found on PATH, with their versions.

Owns the one error a missing program raises, naming it and how to install it, so the CLI
can say so and exit 2 instead of showing a traceback.
"""

import shutil
import subprocess

#: Program -> the Debian package that provides it.
PACKAGES = {"ffmpeg": "ffmpeg", "ffprobe": "ffmpeg", "espeak-ng": "espeak-ng"}


class ToolMissing(RuntimeError):
    def __init__(self, program: str) -> None:
        self.program = program
        package = PACKAGES.get(program, program)
        super().__init__(f"{program} is not installed (apt-get install {package})")


def require(program: str) -> str:
    """The path of ``program``, or ``ToolMissing``."""
    path = shutil.which(program)
    if path is None:
        raise ToolMissing(program)
    return path


def available(program: str) -> bool:
    return shutil.which(program) is not None


def version(program: str) -> str:
    """The version word of ``program -version`` / ``--version`` ("5.1.9-0+deb12u1")."""
    flag = "--version" if program == "espeak-ng" else "-version"
    out = subprocess.run(
        [require(program), flag], capture_output=True, text=True, check=True
    ).stdout
    words = out.split()
    # "ffmpeg version 5.1.9-0+deb12u1 ..." / "eSpeak NG text-to-speech: 1.51  Data at: ..."
    for marker in ("version", "text-to-speech:"):
        if marker in words:
            return words[words.index(marker) + 1]
    return out.splitlines()[0] if out else "unknown"
