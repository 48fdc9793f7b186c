"""Asterisk's side of a FastAGI session, for server tests over a real loopback socket.

Owns: connecting to the server, sending an ``agi_*`` environment, and answering
each command line with scripted reply lines (by default the ones recorded in a
transcript, HANGUP notices included, in their recorded places). Records every
byte the server sent, so tests compare it with the recorded ``*.agi.tx.txt``.
"""

import asyncio
from dataclasses import dataclass, field

from tests.cti.transcripts import records


@dataclass
class AgiPeer:
    env_lines: list[str]
    #: reply lines (with their LF) to send after each received command, in order
    replies: list[list[str]]
    #: close the socket after reading this many commands, without replying to the last
    drop_after: int | None = None
    sent_by_server: bytearray = field(default_factory=bytearray)
    commands: list[str] = field(default_factory=list)
    server_closed: bool = False

    @classmethod
    def from_transcript(cls, name: str) -> "AgiPeer":
        env: list[str] = []
        replies: list[list[str]] = []
        for rec in records(name, "agi"):
            if rec["kind"] == "env":
                env.append(rec["line"])
            elif rec["kind"] == "command":
                replies.append([])
            elif rec["dir"] == "rx" and rec["kind"] != "eof" and replies:
                replies[-1].append(rec["line"])
        return cls(env_lines=env, replies=replies)

    async def run(self, port: int) -> None:
        """Play the session; returns once the server has closed the socket."""
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write("".join(self.env_lines).encode())
            for reply in self.replies:
                line = await reader.readline()
                if not line:
                    break
                self.sent_by_server += line
                self.commands.append(line.decode().rstrip("\n"))
                if self.drop_after is not None and len(self.commands) >= self.drop_after:
                    return
                writer.write("".join(reply).encode())
            self.sent_by_server += await reader.read()  # until the server closes
            self.server_closed = True
        finally:
            writer.close()
            await writer.wait_closed()


def env_for(script: str, *args: str) -> list[str]:
    """A minimal environment like Asterisk 22 sends for ``AGI(agi://host/script,args)``."""
    lines = [
        "agi_network: yes",
        f"agi_network_script: {script}",
        f"agi_request: agi://127.0.0.1:4573/{script}",
        "agi_channel: Local/8005551234@incoming-00000000;2",
        "agi_uniqueid: 1795664215.1",
        "agi_callerid: 2125550100",
        "agi_calleridname: John Doe",
        "agi_extension: 8005551234",
    ]
    lines += [f"agi_arg_{n}: {arg}" for n, arg in enumerate(args, start=1)]
    return [line + "\n" for line in lines] + ["\n"]
