"""FastAGI wire format, as res_agi.c writes and reads it.

Owns: splitting a command line into arguments exactly like res_agi's parse_args()
(whitespace separates, double quotes group and can yield empty arguments, backslash
escapes), the environment block sent at the start of a session, the reply value
``AgiResult`` and the ``520`` usage texts. Must not hold any session state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

AGI_VERSION: Final = "22.10.1"
REPLY_INVALID: Final = "510 Invalid or unknown command\n"
# Asterisk 22's wording, both on the socket and in AGIExecEnd (fixture a1).
DEAD_TEXT: Final = "Command Not Permitted on a dead channel or intercept routine"
REPLY_DEAD: Final = f"511 {DEAD_TEXT}\n"


@dataclass(frozen=True, slots=True)
class AgiResult:
    """What a handler answers: the socket reply and the AGIExecEnd ResultCode/Result."""

    reply: str
    code: int = 200
    result: str = "Success"


def ok(reply: str) -> AgiResult:
    return AgiResult(reply)


def failure(reply: str) -> AgiResult:
    """RESULT_FAILURE: AGIExecEnd says ``ResultCode: -1`` / ``Failure`` (a1)."""
    return AgiResult(reply, -1, "Failure")


def exec_result(reply: str, app_result: int) -> AgiResult:
    """handle_exec returns the application's own result, so -1 is "Unknown Result" (b)."""
    return AgiResult(reply) if app_result == 0 else AgiResult(reply, 200, "Unknown Result")


def parse_args(line: str) -> list[str]:
    """Split like res_agi.c parse_args(): ``STREAM FILE x ""`` gives 4 arguments."""
    args: list[str] = []
    current: list[str] | None = None
    quoted = escaped = False
    for char in line:
        if char == '"' and not escaped:
            quoted = not quoted
            if quoted and current is None:
                current = []
            continue
        if char in " \t" and not quoted and not escaped:
            if current is not None:
                args.append("".join(current))
                current = None
            continue
        if char == "\\" and not escaped:
            escaped = True
            continue
        escaped = False
        if current is None:
            current = []
        current.append(char)
    if current is not None:
        args.append("".join(current))
    return args


def environment(fields: list[tuple[str, str]], args: list[str]) -> bytes:
    """``agi_key: value`` lines, ``agi_arg_N`` for each argument, then an empty line."""
    lines = [f"agi_{key}: {value}\n" for key, value in fields]
    lines += [f"agi_arg_{n}: {value}\n" for n, value in enumerate(args, start=1)]
    return ("".join(lines) + "\n").encode()


_STREAM_FILE_USAGE: Final = (
    "Send the given file, allowing playback to be interrupted by the given digits, if any. "
    "Returns <literal>0</literal> if playback completes without a digit being pressed, or "
    "the ASCII numerical value of the digit if one was pressed, or <literal>-1</literal> on "
    "error or if the channel was disconnected. If musiconhold is playing before calling "
    "stream file it will be automatically stopped and will not be restarted after "
    "completion.\n"
    "It sets the following channel variables upon completion:\n"
    "<variable>PLAYBACKSTATUS</variable>: The status of the playback attempt as a text "
    "string.\n"
    "    <value>SUCCESS</value>\n"
    "    <value>FAILED</value>\n"
)

USAGE: Final[dict[str, str]] = {
    "stream file": _STREAM_FILE_USAGE,
    "get data": "Stream the given file, and receive DTMF data.\n",
    "wait for digit": "Waits up to <replaceable>timeout</replaceable> milliseconds for "
    "channel to receive a DTMF digit.\n",
    "say digits": "Say a given digit string, returning early if any of the given DTMF "
    "digits are received on the channel.\n",
    "say number": "Say a given number, returning early if any of the given DTMF digits "
    "are received on the channel.\n",
    "set music": "Enables/Disables the music on hold generator.\n",
    "get variable": "Returns <literal>0</literal> if <replaceable>variablename</replaceable> "
    "is not set.\n",
    "get full variable": "Evaluates the given <replaceable>expression</replaceable> against "
    "the channel specified by <replaceable>variablename</replaceable>.\n",
    "set variable": "Sets a variable to the current channel.\n",
    "exec": "Executes <replaceable>application</replaceable> with given "
    "<replaceable>options</replaceable>.\n",
    "verbose": "Sends <replaceable>message</replaceable> to the console via verbose "
    "message system.\n",
}


def usage(command: str) -> AgiResult:
    """The multi-line 520 reply of a command used with the wrong arguments (a1)."""
    text = USAGE.get(command, "")
    if not text:
        return AgiResult("520 Invalid command syntax.  Proper usage not available.\n", 520, "Usage")
    reply = f"520-Invalid command syntax.  Proper usage follows:\n{text}520 End of proper usage.\n"
    return AgiResult(reply, 520, "Usage")
