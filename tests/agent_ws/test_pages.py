"""The browser pages: redirects by login state, security headers, static files."""

import httpx
import pytest

from .conftest import login


async def test_root_sends_a_visitor_to_login_and_a_logged_in_user_to_the_desk(
    http: httpx.AsyncClient,
) -> None:
    before = await http.get("/")
    await login(http, "alice")
    after = await http.get("/")

    assert (before.status_code, before.headers["location"]) == (303, "/login")
    assert (after.status_code, after.headers["location"]) == (303, "/agent")


async def test_the_desk_page_needs_a_login(http: httpx.AsyncClient) -> None:
    response = await http.get("/agent")

    assert (response.status_code, response.headers["location"]) == (303, "/login")


async def test_the_desk_page_is_served_with_a_strict_content_security_policy(
    http: httpx.AsyncClient,
) -> None:
    await login(http, "alice")

    response = await http.get("/agent")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert 'id="state-badge"' in response.text
    assert 'src="/static/agent.js"' in response.text


async def test_the_login_page_is_public_and_skipped_when_logged_in(
    http: httpx.AsyncClient,
) -> None:
    page = await http.get("/login")
    await login(http, "alice")
    skipped = await http.get("/login")

    assert page.status_code == 200
    assert 'id="login-form"' in page.text
    assert (skipped.status_code, skipped.headers["location"]) == (303, "/agent")


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/static/agent.js", "javascript"),
        ("/static/socket.js", "javascript"),
        ("/static/pop.js", "javascript"),
        ("/static/login.js", "javascript"),
        ("/static/app.css", "text/css"),
    ],
)
async def test_static_files_are_served(http: httpx.AsyncClient, path: str, kind: str) -> None:
    response = await http.get(path)

    assert response.status_code == 200
    assert kind in response.headers["content-type"]


async def test_the_schema_and_a_docs_page_without_a_cdn_are_public(
    http: httpx.AsyncClient,
) -> None:
    schema = await http.get("/openapi.json")
    docs = await http.get("/docs")

    assert schema.status_code == 200
    assert "/api/agent/not-ready" in schema.json()["paths"]
    assert docs.status_code == 200
    assert "/static/docs.js" in docs.text
    assert "http" not in docs.text.replace('href="/openapi.json"', "")  # nothing external
    assert "script-src 'self'" in docs.headers["content-security-policy"]
