"""PendingActions: which received frames answer which action (pure, no socket)."""

import pytest

from cti.ami_actions import PendingActions
from cti.ami_codec import AmiMessage, make_message
from cti.errors import ActionFailed, LinkDown


def frame(*headers: tuple[str, str]) -> AmiMessage:
    msg = make_message(list(headers))
    assert msg is not None
    return msg


async def test_plain_response_resolves_its_action_only() -> None:
    pending = PendingActions()
    mine = pending.register("Ping", "a-1")
    other = pending.register("Ping", "a-2")
    assert pending.offer(frame(("Response", "Success"), ("ActionID", "a-1"), ("Ping", "Pong")))
    assert mine.result().headers.get("Ping") == "Pong"
    assert not other.done()
    assert len(pending) == 1


async def test_list_items_wait_for_the_response_first() -> None:
    pending = PendingActions()
    future = pending.register("Status", "s-1")
    early_item = frame(("Event", "Status"), ("ActionID", "s-1"))
    assert not pending.offer(early_item)  # no response yet: not part of an answer
    assert pending.offer(
        frame(("Response", "Success"), ("ActionID", "s-1"), ("EventList", "start"))
    )
    assert not pending.offer(frame(("Event", "Newexten"), ("Uniqueid", "1.1")))
    assert pending.offer(frame(("Event", "Status"), ("Channel", "x"), ("ActionID", "s-1")))
    assert not future.done()
    done = frame(("Event", "StatusComplete"), ("ActionID", "s-1"), ("EventList", "Complete"))
    assert pending.offer(done)
    assert [m.name for m in future.result().events] == ["Status"]
    assert future.result().complete is done


async def test_event_echoing_an_answered_action_id_is_not_consumed() -> None:
    pending = PendingActions()
    pending.register("Originate", "o-1")
    pending.offer(frame(("Response", "Success"), ("ActionID", "o-1")))
    assert not pending.offer(frame(("Event", "OriginateResponse"), ("ActionID", "o-1")))


async def test_error_response_fails_with_action_failed() -> None:
    pending = PendingActions()
    future = pending.register("FooBar", "f-1")
    pending.offer(frame(("Response", "Error"), ("ActionID", "f-1"), ("Message", "nope")))
    with pytest.raises(ActionFailed, match="FooBar: nope"):
        future.result()


async def test_fail_all_fails_every_waiting_action_with_link_down() -> None:
    pending = PendingActions()
    futures = [pending.register("Ping", f"p-{n}") for n in range(3)]
    pending.fail_all("socket closed")
    for future in futures:
        with pytest.raises(LinkDown, match="socket closed"):
            future.result()
    assert len(pending) == 0
