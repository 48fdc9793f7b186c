"""Log output: readable text for a terminal, or one JSON object per line for machines.

JSON lines carry ``call_id`` and ``agent_id`` when a log call passes them in ``extra``, so
a call's whole story can be pulled out of the log with one filter.
"""

import logging
from typing import Any

import orjson

HANDLER_NAME = "callcenter"
#: Fields of ``extra`` copied into JSON lines.
CONTEXT_FIELDS = ("call_id", "agent_id", "peer", "queue")


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": round(record.created, 6),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


def configure(level: str, fmt: str) -> None:
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.set_name(HANDLER_NAME)
    root = logging.getLogger()
    # Replace only our own handler: a host (a test runner) may have attached its own.
    root.handlers[:] = [h for h in root.handlers if h.get_name() != HANDLER_NAME] + [handler]
    root.setLevel(level)
    # Migrations announce every plugin at INFO; only their problems matter here.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))
