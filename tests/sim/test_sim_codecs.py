"""Property tests of the simulator's own wire code: AGI argument splitting and the AMI
frame reader never fail on arbitrary input."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from sim.agi_codec import parse_args
from sim.ami_codec import MAX_HEADERS, STREAM_LIMIT, FrameReader, Request

WORD = st.text(alphabet=st.characters(blacklist_characters=' \t"\\\n', codec="utf-8"), min_size=1)


def test_agi_arguments_split_like_res_agi() -> None:
    assert parse_args('STREAM FILE demo-congrats ""') == ["STREAM", "FILE", "demo-congrats", ""]
    assert parse_args('EXEC Set "CDR(ivr)=1234"') == ["EXEC", "Set", "CDR(ivr)=1234"]
    assert parse_args('SET VARIABLE X "a b"  c') == ["SET", "VARIABLE", "X", "a b", "c"]
    assert parse_args(r"VERBOSE a\"b \\ x") == ["VERBOSE", 'a"b', "\\", "x"]
    assert parse_args("") == []


@given(st.lists(st.one_of(WORD, st.just("")), max_size=6))
def test_quoted_arguments_round_trip(args: list[str]) -> None:
    line = " ".join(f'"{a}"' for a in args)
    assert parse_args(line) == args


@given(st.lists(WORD, max_size=6))
def test_plain_words_round_trip(args: list[str]) -> None:
    assert parse_args(" ".join(args)) == args


async def read_all(data: bytes) -> list[Request]:
    reader = asyncio.StreamReader(limit=STREAM_LIMIT)
    reader.feed_data(data)
    reader.feed_eof()
    frames = FrameReader(reader)
    out = []
    while (request := await frames.read()) is not None:
        out.append(request)
    return out


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=20000))
def test_the_ami_frame_reader_survives_any_bytes(data: bytes) -> None:
    for request in asyncio.run(read_all(data)):
        assert len(request.headers) <= MAX_HEADERS


def test_frames_split_on_blank_lines_and_keep_repeated_keys() -> None:
    data = b"Action: Originate\r\nVariable: A=1\nVariable: B=2\r\n\r\n\r\nAction:Ping\r\n\r\n"
    first, second = asyncio.run(read_all(data))
    assert first.action == "Originate" and first.get_all("variable") == ["A=1", "B=2"]
    assert second.action == "Ping"


def test_an_overlong_line_marks_the_frame_and_the_next_frame_is_clean() -> None:
    data = b"Action: Ping\r\nX: " + b"y" * 30000 + b"\r\n\r\nAction: Ping\r\n\r\n"
    first, second = asyncio.run(read_all(data))
    assert first.error == "Failed to parse message: line too long"
    assert (second.error, second.action) == ("", "Ping")
