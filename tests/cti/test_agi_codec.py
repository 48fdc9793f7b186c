"""FastAGI codec: environment and replies, against the recorded transcripts and edge cases."""

import pytest

from cti.agi_codec import (
    AgiReply,
    AgiReplyParser,
    ReplyEvent,
    parse_env,
    parse_reply_line,
    quote,
    token,
)
from tests.cti.transcripts import AGI_TRANSCRIPTS, read_bytes, records


def _env_and_rest(name: str) -> tuple[list[str], list[str]]:
    text = read_bytes(name, "agi.rx.txt").decode()
    head, _, rest = text.partition("\n\n")
    return head.split("\n"), rest.splitlines(keepends=True)


@pytest.mark.parametrize("name", AGI_TRANSCRIPTS)
def test_environment_of_every_transcript(name: str) -> None:
    env_lines, _ = _env_and_rest(name)
    env = parse_env(env_lines)
    recorded = [r["line"] for r in records(name, "agi") if r["kind"] == "env"][:-1]
    assert list(env.values) == [line.split(": ", 1)[0] for line in recorded]
    assert env.bad_lines == 0
    assert env.script == "ivr"
    assert env.values["agi_network"] == "yes"
    assert env.args == (env.values["agi_extension"], env.values["agi_callerid"])


@pytest.mark.parametrize("name", AGI_TRANSCRIPTS)
def test_replies_of_every_transcript_match_the_recorded_kinds(name: str) -> None:
    _, rest = _env_and_rest(name)
    parser = AgiReplyParser()
    seen: list[str] = []
    for line in rest:
        item = parser.feed_line(line)
        if item is ReplyEvent.HANGUP:
            seen.append("hangup")
        elif isinstance(item, AgiReply):
            seen.append("response")
    recorded = [r for r in records(name, "agi") if r["dir"] == "rx" and r["kind"] != "env"]
    expected: list[str] = []
    for rec in recorded:
        if rec["kind"] == "hangup":
            expected.append("hangup")
        elif rec["kind"] == "response" and not _continues_block(expected, rec["line"]):
            expected.append("response")
    assert seen == expected
    assert parser.stray_lines == 0


def _continues_block(expected: list[str], line: str) -> bool:
    # Usage lines of a 520- block are recorded one by one but make a single reply.
    return not line[:3].isdigit() or line.startswith("520 End")


def test_multi_line_520_is_one_reply_and_the_next_reply_stays_in_step() -> None:
    _, rest = _env_and_rest("a1_inbound_ivr")
    parser = AgiReplyParser()
    replies = [r for r in map(parser.feed_line, rest) if isinstance(r, AgiReply)]
    usage = next(r for r in replies if r.code == 520)
    assert usage.lines[0] == "520-Invalid command syntax.  Proper usage follows:"
    assert usage.lines[-1] == "520 End of proper usage."
    assert len(usage.lines) == 7
    after = replies[replies.index(usage) + 1]
    assert (after.code, after.result) == (200, "1")


@pytest.mark.parametrize(
    ("line", "code", "result", "data", "endpos"),
    [
        ("200 result=0", 200, "0", None, None),
        ("200 result=1 (8005551234)", 200, "1", "8005551234", None),
        ('200 result=1 ("John Doe" <2125550100>)', 200, "1", '"John Doe" <2125550100>', None),
        ("200 result=0 endpos=242214", 200, "0", None, 242214),
        ("200 result=-1 endpos=16160", 200, "-1", None, 16160),
        ("200 result=1234", 200, "1234", None, None),
        ("200 result= (timeout)", 200, "", "timeout", None),
        ("200 result=12 (timeout)", 200, "12", "timeout", None),
        ("200 result=1 (a (nested) value)", 200, "1", "a (nested) value", None),
        ("200 result=1 (x) endpos=5)", 200, "1", "x) endpos=5", None),
        ("200 result=0 (timeout) endpos=8000", 200, "0", "timeout", 8000),
        ("200 result=1 ()", 200, "1", "", None),
        ("510 Invalid or unknown command", 510, "", None, None),
        ("511 Command Not Permitted on a dead channel or intercept routine", 511, "", None, None),
        ("503 result=-2 Memory allocation failure", 503, "-2", "Memory allocation failure", None),
    ],
)
def test_reply_lines(
    line: str, code: int, result: str, data: str | None, endpos: int | None
) -> None:
    reply = parse_reply_line(line)
    assert (reply.code, reply.result, reply.data, reply.endpos) == (code, result, data, endpos)
    assert reply.lines == (line,)


def test_error_reply_message_is_the_text_after_the_code() -> None:
    assert (
        parse_reply_line("510 Invalid or unknown command").message == "Invalid or unknown command"
    )


@pytest.mark.parametrize("line", ["", "garbage", "20 result=1", "2000 result=1", "abc def"])
def test_unparsable_lines_are_stray_not_replies(line: str) -> None:
    parser = AgiReplyParser()
    assert parser.feed_line(line + "\n") is None
    assert parser.stray_lines == 1
    assert isinstance(parser.feed_line("200 result=0\n"), AgiReply)


def test_hangup_line_is_a_notice_not_a_reply() -> None:
    parser = AgiReplyParser()
    assert parser.feed_line("HANGUP\n") is ReplyEvent.HANGUP
    reply = parser.feed_line("200 result=1 (1234)\n")
    assert isinstance(reply, AgiReply) and reply.data == "1234"


def test_provisional_100_reply_is_skipped() -> None:
    parser = AgiReplyParser()
    assert parser.feed_line("100 result=0 Trying...\n") is None
    assert isinstance(parser.feed_line("200 result=0\n"), AgiReply)


def test_args_are_ordered_by_number_not_text() -> None:
    lines = [f"agi_arg_{n}: a{n}" for n in (10, 2, 1, 9, 3, 4, 5, 6, 7, 8, 11)]
    assert parse_env(lines).args == tuple(f"a{n}" for n in range(1, 12))


@pytest.mark.parametrize(
    ("values", "script"),
    [
        ({"agi_network_script": "ivr"}, "ivr"),
        ({"agi_network_script": "inbound?lang=en"}, "inbound"),
        ({"agi_network_script": "/inbound"}, "inbound"),
        ({"agi_request": "agi://10.0.0.5:4573/queue/wait?x=1"}, "queue/wait"),
        ({}, ""),
    ],
)
def test_script_route_name(values: dict[str, str], script: str) -> None:
    assert parse_env([f"{k}: {v}" for k, v in values.items()]).script == script


def test_environment_garbage_lines_are_counted() -> None:
    env = parse_env(["agi_channel: SIP/1", "nonsense", "x: y", "agi_arg_1:"])
    assert env.bad_lines == 2
    assert env.args == ("",)


def test_quoting_follows_res_agi_escapes() -> None:
    assert quote("welcome") == '"welcome"'
    assert quote("") == '""'
    assert quote('say "hi" \\ bye') == '"say \\"hi\\" \\\\ bye"'
    assert token("beep") == "beep"
    assert token("default,60") == '"default,60"'
    assert token("CDR(ivr)=1234") == '"CDR(ivr)=1234"'
    with pytest.raises(ValueError):
        quote("x\nANSWER")
