"""Sign-in, sign-out, sessions, CSRF and login rate limiting through the real app."""

from __future__ import annotations

from bs4 import BeautifulSoup

from server.app import SESSION_COOKIE
from tests.web.conftest import DEMO_PASSWORD, Browser


def test_login_page_is_accessible_html(client: Browser) -> None:
    response = client.page("/login")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.html is not None and soup.html.get("lang") == "en"
    for field in ("email", "password"):
        control = soup.find("input", attrs={"name": field})
        assert control is not None and control.get("id")
        assert soup.find("label", attrs={"for": control["id"]}) is not None
    assert soup.find("input", attrs={"name": "csrf_token"})["value"] == client.csrf
    assert soup.find("a", class_="skip-link")["href"] == "#main"


def test_anonymous_pages_redirect_to_login_with_next(client: Browser) -> None:
    response = client.get("/admin/users?x=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/admin/users%3Fx%3D1"


def test_sign_in_sets_a_signed_httponly_cookie_and_goes_home(client: Browser) -> None:
    client.page("/login")
    response = client.submit(
        "/login",
        {"email": "Admin@Demo.local ", "password": DEMO_PASSWORD, "next": "/admin/teams"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/teams"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    assert client.get("/admin/teams").status_code == 200


def test_next_must_stay_on_this_site(client: Browser) -> None:
    client.page("/login")
    response = client.submit(
        "/login",
        {"email": "admin@demo.local", "password": DEMO_PASSWORD, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_home_sends_each_role_to_its_page(login) -> None:  # type: ignore[no-untyped-def]
    expected = {
        "admin@demo.local": "/admin/users",
        "manager@demo.local": "/manager",
        "trainer@demo.local": "/trainer/scenarios",
        "agent1@demo.local": "/agent",
    }
    for email, home in expected.items():
        response = login(email).get("/", follow_redirects=False)
        assert response.headers["location"] == home


def test_wrong_password_is_401_and_keeps_the_email(client: Browser) -> None:
    client.page("/login")
    response = client.submit("/login", {"email": "agent1@demo.local", "password": "nope"})
    assert response.status_code == 401
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.find(id="login-error").get_text() == "Email or password is not right."
    assert soup.find("input", attrs={"name": "email"})["value"] == "agent1@demo.local"


def test_login_is_rate_limited_per_email(client: Browser) -> None:
    client.page("/login")
    for _ in range(5):
        assert (
            client.submit("/login", {"email": "agent2@demo.local", "password": "wrong"}).status_code
            == 401
        )
    locked = client.submit("/login", {"email": "agent2@demo.local", "password": DEMO_PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text
    other = client.submit(
        "/login", {"email": "agent1@demo.local", "password": DEMO_PASSWORD}, follow_redirects=False
    )
    assert other.status_code == 303


def test_post_without_csrf_token_is_refused(client: Browser) -> None:
    client.page("/login")
    response = client.post("/login", data={"email": "admin@demo.local", "password": DEMO_PASSWORD})
    assert response.status_code == 403
    assert "security token" in response.text
    wrong = client.post(
        "/login",
        data={"email": "admin@demo.local", "password": DEMO_PASSWORD, "csrf_token": "forged"},
    )
    assert wrong.status_code == 403


def test_csrf_header_is_accepted(client: Browser) -> None:
    client.page("/login")
    response = client.post(
        "/login",
        data={"email": "admin@demo.local", "password": DEMO_PASSWORD},
        headers={"X-CSRF-Token": client.csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_logout_clears_the_session(login) -> None:  # type: ignore[no-untyped-def]
    browser = login("manager@demo.local")
    response = browser.submit("/logout", follow_redirects=False)
    assert response.headers["location"] == "/login"
    response = browser.get("/", follow_redirects=False)
    assert response.headers["location"].startswith("/login")


def test_deactivated_user_is_signed_out(login) -> None:  # type: ignore[no-untyped-def]
    admin = login("admin@demo.local")
    agent = login("agent2@demo.local")
    page = admin.page("/admin/users")
    user_link = BeautifulSoup(page.text, "html.parser").find("a", string="agent2@demo.local")
    user_id = user_link["href"].rsplit("/", 1)[1]
    admin.page(f"/admin/users/{user_id}")
    admin.submit(f"/admin/users/{user_id}", {"role": "agent", "name": "Sam Agent"})
    assert agent.get("/", follow_redirects=False).headers["location"].startswith("/login")
