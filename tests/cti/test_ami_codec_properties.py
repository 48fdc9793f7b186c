"""Property tests of the AMI codec (hypothesis)."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from cti.ami_codec import AmiMessage, AmiParser, encode_message, make_message

_text = st.characters(exclude_categories=["Cs"], exclude_characters="\r\n")
keys = st.text(_text.filter(lambda c: c != ":"), min_size=1, max_size=20)
values = st.text(_text, max_size=60)
header = st.tuples(keys, st.one_of(st.none(), values))


@st.composite
def frames(draw: st.DrawFn) -> AmiMessage:
    first = (draw(st.sampled_from(["Event", "Response"])), draw(values))
    rest = draw(st.lists(header, max_size=15))
    msg = make_message([first, *rest])
    assert msg is not None
    return msg


def _chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges)]


@given(st.binary(max_size=4096), st.lists(st.integers(0, 4096), max_size=20))
def test_parser_never_raises_on_arbitrary_bytes(data: bytes, cuts: list[int]) -> None:
    parser = AmiParser(max_line=256, max_frame=1024)
    for chunk in _chunks(data, cuts):
        parser.feed(chunk)
        assert parser.buffered <= 1024 + len(chunk)


@given(st.lists(frames(), min_size=1, max_size=8), st.lists(st.integers(0, 10_000), max_size=30))
@settings(max_examples=200)
def test_generated_frames_round_trip_byte_exactly(msgs: list[AmiMessage], cuts: list[int]) -> None:
    data = b"".join(encode_message(m) for m in msgs)
    parser = AmiParser(expect_banner=False)
    parsed: list[AmiMessage] = []
    for chunk in _chunks(data, cuts):
        parsed += parser.feed(chunk)
    assert parsed == msgs
    assert b"".join(encode_message(m) for m in parsed) == data
    assert parser.garbage_frames == 0


@given(st.integers(2_000, 200_000), st.integers(64, 5000))
@settings(max_examples=30, deadline=None)  # up to 3,000 feeds per example: slow on a busy CI
def test_oversized_lines_are_refused_without_memory_growth(size: int, step: int) -> None:
    parser = AmiParser(expect_banner=False, max_line=1024, max_frame=8192)
    data = b"Event: Big\r\nData: " + b"q" * size + b"\r\n\r\nEvent: After\r\n\r\n"
    names: list[str] = []
    for pos in range(0, len(data), step):
        chunk = data[pos : pos + step]
        names += [m.name for m in parser.feed(chunk)]
        assert parser.buffered <= 8192 + len(chunk)
    assert names == ["After"]
    assert parser.garbage_frames == 1
