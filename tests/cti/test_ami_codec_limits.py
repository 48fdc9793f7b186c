"""AMI parser bounds: garbage and oversized input are dropped and counted, never raised."""

import logging

import pytest

from cti.ami_codec import AmiParser, encode_action

EVENT = b"Event: Ping\r\nPrivilege: system,all\r\n\r\n"


def test_banner_is_a_single_line_without_empty_line_after() -> None:
    parser = AmiParser()
    assert parser.feed(b"Asterisk Call Manager/11.0.0\r") == []
    (banner, event) = parser.feed(b"\n" + EVENT)
    assert banner.kind == "banner"
    assert event.name == "Ping"


def test_parser_started_mid_stream_needs_no_banner() -> None:
    (msg,) = AmiParser().feed(EVENT)
    assert msg.kind == "event"


def test_line_without_separator_is_kept_with_no_value() -> None:
    (msg,) = AmiParser(expect_banner=False).feed(b"Response: Follows\r\nfree text\r\n\r\n")
    assert msg.headers == (("Response", "Follows"), ("free text", None))
    assert msg.get("free text") is None


def test_stray_empty_lines_between_frames_are_skipped() -> None:
    msgs = AmiParser(expect_banner=False).feed(b"\r\n" + EVENT + b"\r\n\r\n" + EVENT)
    assert [m.name for m in msgs] == ["Ping", "Ping"]


def test_frame_without_event_or_response_is_garbage(caplog: pytest.LogCaptureFixture) -> None:
    parser = AmiParser(expect_banner=False, peer="10.0.0.1:5038")
    with caplog.at_level(logging.WARNING):
        msgs = parser.feed(b"Foo: bar\r\n\r\n" + EVENT)
    assert [m.name for m in msgs] == ["Ping"]
    assert parser.garbage_frames == 1
    assert "10.0.0.1:5038" in caplog.text


def test_oversized_line_in_one_read_drops_only_its_frame() -> None:
    parser = AmiParser(expect_banner=False, max_line=100)
    msgs = parser.feed(b"Event: Big\r\nData: " + b"x" * 500 + b"\r\n\r\n" + EVENT)
    assert [m.name for m in msgs] == ["Ping"]
    assert parser.garbage_frames == 1


def test_too_many_headers_drops_the_frame() -> None:
    parser = AmiParser(expect_banner=False, max_headers=10)
    many = b"Event: Many\r\n" + b"K: v\r\n" * 20 + b"\r\n"
    assert [m.name for m in parser.feed(many + EVENT)] == ["Ping"]
    assert parser.garbage_frames == 1


def test_endless_line_is_discarded_while_it_streams_in() -> None:
    parser = AmiParser(expect_banner=False, max_line=1024, max_frame=64 * 1024)
    parser.feed(b"Event: Flood\r\nData: ")
    for _ in range(1000):  # 4 MB of one line
        assert parser.feed(b"y" * 4096) == []
        assert parser.buffered <= 1024 + 4096
    msgs = parser.feed(b"\r\n\r\n" + EVENT)
    assert [m.name for m in msgs] == ["Ping"]
    assert parser.garbage_frames == 1


def test_endless_frame_of_short_lines_is_bounded_by_max_frame() -> None:
    parser = AmiParser(expect_banner=False, max_frame=16 * 1024)
    parser.feed(b"Event: Flood\r\n")
    for _ in range(2000):
        parser.feed(b"Output: some line\r\n")
        assert parser.buffered <= 16 * 1024 + 32
    assert [m.name for m in parser.feed(b"\r\n" + EVENT)] == ["Ping"]
    assert parser.garbage_frames == 1


def test_frame_end_split_across_reads_while_discarding_is_found() -> None:
    parser = AmiParser(expect_banner=False, max_line=32)
    parser.feed(b"Event: X\r\nData: " + b"z" * 64 + b"\r\n\r")
    assert [m.name for m in parser.feed(b"\n" + EVENT)] == ["Ping"]


def test_invalid_utf8_is_replaced_not_raised() -> None:
    (msg,) = AmiParser(expect_banner=False).feed(b"Event: X\r\nCallerIDName: Jos\xe9\r\n\r\n")
    assert msg.get("CallerIDName") == "Jos\ufffd"


def test_encode_action_orders_action_then_action_id_then_fields() -> None:
    data = encode_action("Ping", {}, "id-1")
    assert data == b"Action: Ping\r\nActionID: id-1\r\n\r\n"
    data = encode_action("Originate", [("Variable", "A=1"), ("Variable", "B=2")])
    assert data == b"Action: Originate\r\nVariable: A=1\r\nVariable: B=2\r\n\r\n"


@pytest.mark.parametrize(
    "fields",
    [
        {"Value": "x\r\nAction: Hangup"},
        {"Value": "x\nEvil: 1"},
        {"Bad\r\nKey": "v"},
        {"Bad: Key": "v"},
        {"": "v"},
    ],
)
def test_encode_action_refuses_header_injection(fields: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        encode_action("Setvar", fields, "id")
