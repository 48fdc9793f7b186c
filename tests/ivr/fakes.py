"""A caller's channel with behaviour: scripted key presses, a log of what was played."""

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from cti.errors import ChannelGone
from ivr.directory import Caller, RequestStatus


@dataclass
class ScriptedChannel:
    """Each GET DATA / WAIT FOR DIGIT consumes the next scripted entry ("" = no input).

    ``hang_up_after`` ends the channel after that many commands, like a caller who gives up.
    """

    entries: deque[str] = field(default_factory=deque)
    log: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    hang_up_after: int | None = None
    dial_statuses: deque[str] = field(default_factory=deque)

    @classmethod
    def pressing(cls, presses: Iterable[str], **kw: object) -> "ScriptedChannel":
        return cls(entries=deque(presses), **kw)  # type: ignore[arg-type]

    def _step(self, line: str) -> None:
        if self.hang_up_after is not None and len(self.log) >= self.hang_up_after:
            raise ChannelGone("caller hung up")
        self.log.append(line)

    async def answer(self) -> None:
        self._step("ANSWER")

    async def stream_file(self, name: str, escape_digits: str = "") -> str | None:
        self._step(f"STREAM FILE {name} {escape_digits}".rstrip())
        return None

    async def get_data(self, prompt: str, timeout_ms: int, max_digits: int) -> str:
        self._step(f"GET DATA {prompt} {timeout_ms} {max_digits}")
        return self.entries.popleft() if self.entries else ""

    async def wait_for_digit(self, timeout_ms: int) -> str | None:
        self._step(f"WAIT FOR DIGIT {timeout_ms}")
        return (self.entries.popleft() or None) if self.entries else None

    async def set_music(self, on: bool, moh_class: str = "default") -> None:
        self._step(f"SET MUSIC {'ON' if on else 'OFF'} {moh_class}")

    async def exec(self, app: str, options: str = "") -> int:
        self._step(f"EXEC {app} {options}")
        if app == "Dial":
            self.variables["DIALSTATUS"] = self.dial_statuses.popleft()
        return -1

    async def get_variable(self, name: str) -> str | None:
        self.log.append(f"GET VARIABLE {name}")
        return self.variables.get(name)

    async def set_variable(self, name: str, value: str) -> None:
        self._step(f"SET VARIABLE {name} {value}")

    async def say_number(self, n: int, escape_digits: str = "") -> str | None:
        self._step(f"SAY NUMBER {n} {escape_digits}".rstrip())
        return None

    async def say_digits(self, digits: str, escape_digits: str = "") -> str | None:
        if not digits.isdigit():
            raise ValueError(f"SAY DIGITS needs digits, got {digits!r}")
        self._step(f"SAY DIGITS {digits} {escape_digits}".rstrip())
        return None

    async def say_date(self, epoch: int, escape_digits: str = "") -> str | None:
        self._step(f"SAY DATE {epoch} {escape_digits}".rstrip())
        return None


@dataclass
class Directory:
    """A customer directory with behaviour: known accounts, requests and callers by ANI."""

    accounts: set[str] = field(default_factory=set)
    requests: dict[str, RequestStatus] = field(default_factory=dict)
    callers: dict[str, Caller] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    async def verify_account(self, digits: str) -> bool:
        self.asked.append(f"account {digits}")
        return digits in self.accounts

    async def request_status(self, number: str) -> RequestStatus | None:
        self.asked.append(f"request {number}")
        return self.requests.get(number)

    async def lookup(self, ani: str) -> Caller | None:
        self.asked.append(f"lookup {ani}")
        return self.callers.get(ani)
