"""The portal core's pages: login, logout, home per role, language, exports, accessibility."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from intro_sodertorn.cast import CAST

pytestmark = pytest.mark.django_db


def test_login_page_shows_swedish_form(anonymous_client):
    response = anonymous_client.get("/logga-in/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="username"' in body and 'name="password"' in body
    assert "Logga in" in body


def test_login_with_demo_password_reaches_home(cast, anonymous_client):
    response = anonymous_client.post("/logga-in/", {"username": "admin-huddinge", "password": "demo"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Anna" in response.content.decode()


def test_login_with_wrong_password_says_so_in_swedish(cast, anonymous_client):
    response = anonymous_client.post("/logga-in/", {"username": "admin-huddinge", "password": "fel"})
    assert response.status_code == 200
    assert "Användarnamnet eller lösenordet är fel" in response.content.decode()


def test_logout_ends_the_session(client_as):
    client = client_as("strateg")
    response = client.post("/logga-ut/")
    assert response.status_code == 302
    assert client.get("/mina-exporter/").status_code == 302


@pytest.mark.parametrize("username", [member.username for member in CAST])
def test_home_page_works_for_every_member_of_the_cast(client_as, username):
    response = client_as(username).get("/")
    assert response.status_code == 200


def test_home_page_names_the_users_roles(client_as):
    body = client_as("admin-huddinge").get("/").content.decode()
    assert "Huddinge" in body


def test_anonymous_home_page_invites_to_log_in(anonymous_client):
    body = anonymous_client.get("/").content.decode()
    assert reverse("login") in body


def test_language_switch_to_english_and_back(client_as):
    client = client_as("lasare")
    assert 'lang="sv"' in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert 'lang="en"' in body and "Log out" in body
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    assert "Logga ut" in client.get("/").content.decode()


def test_swedish_whatever_the_browser_asks_for_until_the_user_switches(client_as):
    client = client_as("lasare")
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="sv"' in page and "Logga ut" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"}, HTTP_ACCEPT_LANGUAGE="sv")
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="sv-SE,sv;q=0.9").content.decode()
    assert 'lang="en"' in page and "Log out" in page, "the user's choice is remembered, whatever the browser says"


def test_accessibility_statement_is_public_and_a_report_reaches_the_strategist(cast, anonymous_client):
    assert anonymous_client.get("/tillganglighet/").status_code == 200
    response = anonymous_client.post(
        "/tillganglighet/",
        {"page_url": "/insatser/", "description": "Knappen syns inte i högkontrastläge.", "email": ""},
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast["strateg"].email]
    assert "högkontrastläge" in mail.outbox[0].body


def test_my_exports_needs_login(anonymous_client):
    response = anonymous_client.get("/mina-exporter/")
    assert response.status_code == 302
    assert response.url.startswith("/logga-in/")


def test_password_reset_by_email_lets_the_user_choose_a_new_password(cast, anonymous_client):
    import re

    response = anonymous_client.post("/losenord/aterstall/", {"email": cast["lasare"].email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Nytt lösenord till portalen Introduktion Södertörn"
    assert "Någon, förhoppningsvis du, har bett om ett nytt lösenord för kontot ”lasare”" in message.body
    # The link is built from SITE_URL, not from the request's Host header.
    assert re.search(r"^" + re.escape(settings.SITE_URL.rstrip("/")) + r"/losenord/aterstall/", message.body, re.M)
    link = re.search(r"https?://[^/]+(/losenord/aterstall/[^\s]+/)", message.body).group(1)
    form_page = anonymous_client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = anonymous_client.post(set_url, {"new_password1": "Sodertorn-2026!", "new_password2": "Sodertorn-2026!"})
    assert done.status_code == 302
    assert anonymous_client.login(username="lasare", password="Sodertorn-2026!")


def test_password_change_needs_the_old_password(client_as):
    client = client_as("lasare")
    response = client.post(
        "/losenord/byt/", {"old_password": "fel", "new_password1": "Ny-Lang-2026!", "new_password2": "Ny-Lang-2026!"}
    )
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
