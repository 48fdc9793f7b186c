"""Reads the queue file (YAML) for ``acd.queue_config``; a bad file stops the start.

Owns only the reading: the format and its checks are ``acd.queue_config``'s, so the
message of a refused file names the file and then the place in it.
"""

from pathlib import Path

import yaml

from acd.model import QueueConfig
from acd.queue_config import QueueConfigError, parse_queues
from cti.ids import QueueName


def load_queue_file(path: Path, default_wrap_up: float) -> dict[QueueName, QueueConfig]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise QueueConfigError(f"{path}: cannot read the queue file: {exc}") from exc
    try:
        return parse_queues(raw, default_wrap_up=default_wrap_up)
    except QueueConfigError as exc:
        raise QueueConfigError(f"{path}: {exc}") from exc
