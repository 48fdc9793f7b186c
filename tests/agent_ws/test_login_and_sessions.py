"""Login against crm_core's users, the session cookie, ws tokens, throttling, logout."""

import httpx

from .conftest import Stack, login


async def test_login_with_the_right_password_sets_an_http_only_cookie_and_returns_a_ws_token(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post("/api/login", json={"username": "alice", "password": "alice-secret"})

    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {"username": "alice", "display_name": "Alice Example", "role": "agent"}
    assert len(body["ws_token"]) >= 20
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("cc_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie
    assert "Path=/" in cookie


async def test_login_with_a_wrong_password_is_401_with_a_clear_error(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post("/api/login", json={"username": "alice", "password": "nope"})

    assert response.status_code == 401
    assert response.json() == {"error": "invalid username or password"}
    assert "set-cookie" not in response.headers


async def test_login_of_an_unknown_user_answers_exactly_like_a_wrong_password(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post("/api/login", json={"username": "mallory", "password": "x"})

    assert response.status_code == 401
    assert response.json() == {"error": "invalid username or password"}


async def test_login_of_a_disabled_account_is_refused(http: httpx.AsyncClient) -> None:
    response = await http.post("/api/login", json={"username": "zed", "password": "zed-secret"})

    assert response.status_code == 401


async def test_login_without_a_password_is_422_naming_the_field(http: httpx.AsyncClient) -> None:
    response = await http.post("/api/login", json={"username": "alice"})

    assert response.status_code == 422
    assert response.json()["field"] == "password"


async def test_five_failures_lock_the_account_for_the_rest_of_the_minute(
    http: httpx.AsyncClient, stack: Stack
) -> None:
    for _ in range(5):
        wrong = await http.post("/api/login", json={"username": "alice", "password": "bad"})
        assert wrong.status_code == 401
        stack.clock.advance(5)

    locked = await http.post("/api/login", json={"username": "alice", "password": "alice-secret"})
    other = await http.post("/api/login", json={"username": "bob", "password": "bob-secret"})
    stack.clock.advance(60 - 5 * 4)  # the first failure leaves the window
    again = await http.post("/api/login", json={"username": "alice", "password": "alice-secret"})

    assert locked.status_code == 429
    assert locked.json()["error"].startswith("too many failed logins")
    assert int(locked.headers["retry-after"]) == 35
    assert other.status_code == 200
    assert again.status_code == 200


async def test_one_address_spraying_many_accounts_is_throttled_but_an_office_can_sign_in(
    http: httpx.AsyncClient, stack: Stack
) -> None:
    # A shift of agents behind one office address: a few typos each do not lock the door.
    for n in range(40):
        wrong = await http.post("/api/login", json={"username": f"agent{n}", "password": "x"})
        assert wrong.status_code == 401
    assert (await login_status(http, "bob")) == 200

    # One machine trying account after account is stopped at the address limit.
    for n in range(40, 50):
        await http.post("/api/login", json={"username": f"agent{n}", "password": "x"})
    sprayed = await http.post("/api/login", json={"username": "carol", "password": "x"})
    assert sprayed.status_code == 429
    assert (await login_status(http, "alice")) == 429  # even the right password waits
    stack.clock.advance(61)
    assert (await login_status(http, "alice")) == 200


async def login_status(http: httpx.AsyncClient, name: str) -> int:
    response = await http.post("/api/login", json={"username": name, "password": f"{name}-secret"})
    return response.status_code


async def test_the_lock_counts_an_account_name_whatever_its_case(
    http: httpx.AsyncClient,
) -> None:
    for name in ("Alice", "ALICE", "alice", "aLice", "alicE"):
        await http.post("/api/login", json={"username": name, "password": "bad"})

    locked = await http.post("/api/login", json={"username": "alice", "password": "alice-secret"})

    assert locked.status_code == 429


async def test_session_answers_the_user_and_a_fresh_ws_token(http: httpx.AsyncClient) -> None:
    first_token = await login(http, "alice")

    response = await http.get("/api/session")

    assert response.status_code == 200
    assert response.json()["user"]["username"] == "alice"
    assert response.json()["ws_token"] != first_token


async def test_session_without_a_cookie_is_401(http: httpx.AsyncClient) -> None:
    response = await http.get("/api/session")

    assert response.status_code == 401
    assert response.json() == {"error": "not logged in"}


async def test_logout_ends_the_session_and_clears_the_cookie(http: httpx.AsyncClient) -> None:
    await login(http, "alice")

    response = await http.post("/api/logout")
    after = await http.get("/api/session")

    assert response.status_code == 204
    assert 'cc_session=""' in response.headers["set-cookie"]
    assert after.status_code == 401


async def test_a_session_expires_after_its_lifetime(http: httpx.AsyncClient, stack: Stack) -> None:
    await login(http, "alice")

    stack.clock.advance(stack.sessions.session_ttl - 1)
    still = await http.get("/api/session")
    stack.clock.advance(2)
    gone = await http.get("/api/session")

    assert still.status_code == 200
    assert gone.status_code == 401


def test_a_ws_token_is_single_use_and_short_lived(stack: Stack) -> None:
    from agent_ws.sessions import SessionUser

    _, session = stack.sessions.open(SessionUser("alice", "Alice Example", "agent"))
    token = stack.sessions.issue_ws_token(session)
    late = stack.sessions.issue_ws_token(session)

    assert stack.sessions.redeem_ws_token(token) == session
    assert stack.sessions.redeem_ws_token(token) is None
    stack.clock.advance(stack.sessions.ws_token_ttl)
    assert stack.sessions.redeem_ws_token(late) is None
