"""The AMI codec against every recorded Asterisk 22 transcript."""

import random

import pytest

from cti.ami_codec import AmiMessage, AmiParser, encode_message
from tests.cti.transcripts import AMI_TRANSCRIPTS, ami_rx_records, read_bytes


def _feed_in_chunks(data: bytes, sizes: list[int]) -> tuple[list[AmiMessage], AmiParser]:
    parser = AmiParser()
    out: list[AmiMessage] = []
    pos = 0
    for size in sizes:
        out += parser.feed(data[pos : pos + size])
        pos += size
    out += parser.feed(data[pos:])
    return out, parser


def _expected(name: str) -> list[tuple[str, list[list[str | None]]]]:
    return [(r["kind"], r["headers"]) for r in ami_rx_records(name)]


def _as_records(msgs: list[AmiMessage]) -> list[tuple[str, list[list[str | None]]]]:
    return [(m.kind, [list(h) for h in m.headers]) for m in msgs]


@pytest.mark.parametrize("name", AMI_TRANSCRIPTS)
def test_transcript_parses_identically_in_one_chunk(name: str) -> None:
    data = read_bytes(name, "ami.rx.txt")
    msgs, parser = _feed_in_chunks(data, [len(data)])
    assert _as_records(msgs) == _expected(name)
    assert parser.garbage_frames == 0
    assert parser.buffered == 0


@pytest.mark.parametrize("name", AMI_TRANSCRIPTS)
def test_transcript_parses_identically_byte_by_byte(name: str) -> None:
    data = read_bytes(name, "ami.rx.txt")
    msgs, parser = _feed_in_chunks(data, [1] * len(data))
    assert _as_records(msgs) == _expected(name)
    assert parser.garbage_frames == 0


@pytest.mark.parametrize("name", AMI_TRANSCRIPTS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_transcript_parses_identically_in_random_chunks(name: str, seed: int) -> None:
    data = read_bytes(name, "ami.rx.txt")
    rng = random.Random(seed)
    sizes = [rng.randint(1, 700) for _ in range(len(data) // 100)]
    msgs, _ = _feed_in_chunks(data, sizes)
    assert _as_records(msgs) == _expected(name)


@pytest.mark.parametrize("name", AMI_TRANSCRIPTS)
def test_encoding_parsed_frames_gives_back_the_exact_bytes(name: str) -> None:
    data = read_bytes(name, "ami.rx.txt")
    msgs = AmiParser().feed(data)
    assert b"".join(encode_message(m) for m in msgs) == data
    for msg, record in zip(msgs, ami_rx_records(name), strict=True):
        assert encode_message(msg) == record["raw"].encode()


@pytest.mark.parametrize("name", AMI_TRANSCRIPTS)
def test_names_are_the_event_or_response_value(name: str) -> None:
    for msg in AmiParser().feed(read_bytes(name, "ami.rx.txt")):
        if msg.kind == "banner":
            assert msg.name == ""
            assert msg.headers == (("Asterisk Call Manager/11.0.0", None),)
        else:
            key = "Event" if msg.kind == "event" else "Response"
            assert msg.name == msg.get(key)


def test_command_output_keeps_every_repeated_line_in_order() -> None:
    msgs = AmiParser().feed(read_bytes("e1_action_basics", "ami.rx.txt"))
    (queue_show,) = [m for m in msgs if m.action_id == "e1_action_basics-command-6"]
    output = queue_show.get_all("Output")
    assert output[1] == "   Members: "
    assert output[-2:] == ["", ""]
    assert queue_show.get("Output") == output[0]


def test_value_containing_colon_space_is_kept_whole() -> None:
    msgs = AmiParser().feed(read_bytes("e1_action_basics", "ami.rx.txt"))
    user_events = [m for m in msgs if m.name == "UserEvent"]
    assert user_events[0].get("Header1") == "a: b"
    errors = [m for m in msgs if m.name == "Error" and m.kind == "response"]
    assert (errors[0].get("Message") or "").startswith("Invalid/unknown command: FooBar.")


def test_header_lookup_is_exact_with_a_case_insensitive_variant() -> None:
    (msg,) = AmiParser(expect_banner=False).feed(
        b"Event: X\r\nUniqueID: 1.2\r\nK: a\r\nK: b\r\n\r\n"
    )
    assert msg.get("Uniqueid") is None
    assert msg.get_folded("Uniqueid") == "1.2"
    assert msg.get("K") == "a"
    assert msg.get("Missing", "dflt") == "dflt"
    assert msg.get_folded("Missing", "dflt") == "dflt"


def test_list_items_carry_the_action_id_wherever_it_sits() -> None:
    msgs = AmiParser().feed(read_bytes("d1_queue_answered", "ami.rx.txt"))
    members = [m for m in msgs if m.name == "QueueMember"]
    assert members and all(m.action_id for m in members)
    assert all(m.headers[-1][0] == "ActionID" for m in members)
