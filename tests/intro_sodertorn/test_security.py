"""Security of the portal: login throttle, cookies and headers, CSP, no personal data in URLs or logs."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from intro_sodertorn.models import AuditEvent

Kind = AuditEvent.Kind


def _fail(client, username="strateg", ip="192.0.2.10"):
    return client.post("/logga-in/", {"username": username, "password": "fel"}, REMOTE_ADDR=ip)


def _login(client, username="strateg", ip="192.0.2.10", password="demo"):
    return client.post("/logga-in/", {"username": username, "password": password}, REMOTE_ADDR=ip)


# --- Login throttle ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_after_five_failures_even_the_right_password_is_refused_with_a_time_to_try_again(cast, anonymous_client):
    for _ in range(5):
        assert _fail(anonymous_client).status_code == 200
    response = _login(anonymous_client)
    body = response.content.decode()
    assert response.status_code == 200 and "_auth_user_id" not in anonymous_client.session
    retry = timezone.localtime(AuditEvent.objects.filter(kind=Kind.LOGIN_FAILED).earliest("at").at) + timedelta(
        minutes=15
    )
    assert "För många misslyckade inloggningar" in body and f"{retry:%H:%M}" in body
    assert AuditEvent.objects.filter(kind=Kind.THROTTLED, username="strateg").count() == 1
    # Refused attempts do not try the password, so they are not counted as failures.
    assert AuditEvent.objects.filter(kind=Kind.LOGIN_FAILED).count() == 5


@pytest.mark.django_db
def test_four_failures_still_let_the_right_password_in_and_a_success_starts_the_count_again(cast, anonymous_client):
    for _ in range(4):
        _fail(anonymous_client)
    assert _login(anonymous_client).status_code == 302
    anonymous_client.post("/logga-ut/")
    for _ in range(4):
        _fail(anonymous_client)
    assert _login(anonymous_client).status_code == 302


@pytest.mark.django_db
def test_the_block_lifts_after_fifteen_minutes(cast, anonymous_client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _fail(anonymous_client)
        assert _login(anonymous_client).status_code == 200
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert _login(anonymous_client).status_code == 200
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        assert _login(anonymous_client).status_code == 302


@pytest.mark.django_db
def test_one_user_names_block_does_not_lock_out_another_user(cast, anonymous_client):
    for _ in range(5):
        _fail(anonymous_client, "strateg")
    assert _login(anonymous_client, "lasare").status_code == 302


@pytest.mark.django_db
def test_an_address_guessing_many_user_names_is_blocked_and_others_are_not(cast, anonymous_client, settings):
    for number in range(settings.LOGIN_FAILURES_PER_IP):
        _fail(anonymous_client, f"gissning{number}", ip="198.51.100.1")
    assert _login(anonymous_client, "lasare", ip="198.51.100.1").status_code == 200
    assert _login(anonymous_client, "lasare", ip="198.51.100.2").status_code == 302


@pytest.mark.django_db
def test_the_address_is_the_proxys_last_forwarded_entry_only_when_trusted(cast, anonymous_client, settings):
    settings.USE_X_FORWARDED_FOR = True
    anonymous_client.post(
        "/logga-in/",
        {"username": "x", "password": "y"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.99, 192.0.2.55",
    )
    settings.USE_X_FORWARDED_FOR = False
    anonymous_client.post(
        "/logga-in/", {"username": "x", "password": "y"}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.55"
    )
    addresses = list(
        AuditEvent.objects.filter(kind=Kind.LOGIN_FAILED).order_by("at").values_list("ip_address", flat=True)
    )
    assert addresses == ["192.0.2.55", "10.0.0.1"]


@pytest.mark.django_db
def test_the_admin_login_page_is_throttled_too(cast, anonymous_client):
    for _ in range(5):
        anonymous_client.post("/admin/login/", {"username": "admin", "password": "fel"}, REMOTE_ADDR="192.0.2.20")
    response = anonymous_client.post(
        "/admin/login/", {"username": "admin", "password": "demo"}, REMOTE_ADDR="192.0.2.20"
    )
    assert response.status_code == 200 and "För många misslyckade inloggningar" in response.content.decode()


@pytest.mark.django_db
def test_password_reset_is_throttled_per_address(cast, anonymous_client, settings):
    for _ in range(settings.PASSWORD_RESETS_PER_IP):
        response = anonymous_client.post(
            reverse("password_reset"), {"email": cast["lasare"].email}, REMOTE_ADDR="192.0.2.30"
        )
        assert response.status_code == 302
    assert len(mail.outbox) == settings.PASSWORD_RESETS_PER_IP
    response = anonymous_client.post(
        reverse("password_reset"), {"email": cast["lasare"].email}, REMOTE_ADDR="192.0.2.30"
    )
    assert response.status_code == 200 and "För många begäranden" in response.content.decode()
    assert len(mail.outbox) == settings.PASSWORD_RESETS_PER_IP
    assert AuditEvent.objects.filter(kind=Kind.PASSWORD_RESET_THROTTLED).count() == 1
    # The e-mail typed is not stored: it may be someone else's.
    assert not AuditEvent.objects.filter(username=cast["lasare"].email).exists()


def test_a_password_reset_is_sent_by_a_job_for_known_and_unknown_addresses_alike(cast, anonymous_client, settings):
    """The request only queues the job (no account lookup, no SMTP in it): the same answer whether the address has an
    account or not. Checked on the real broker with eager mode off; the job then sends one link, or nothing."""
    import redis

    from intro_sodertorn.celery import app
    from intro_sodertorn.tasks import send_password_reset

    queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    app.control.purge()
    app.conf.task_always_eager = False
    try:
        for address in (cast["lasare"].email, "ingen-sadan@exempel.se"):
            response = anonymous_client.post(reverse("password_reset"), {"email": address}, REMOTE_ADDR="192.0.2.31")
            assert response.status_code == 302 and response.url == reverse("password_reset_done")
        assert mail.outbox == [], "nothing is sent inside the request"
        assert queue.llen("celery") == 2, "one job per request, whatever the address"
    finally:
        app.control.purge()
        app.conf.task_always_eager = True
    send_password_reset(cast["lasare"].email, {"domain_override": "portal.exempel.se", "use_https": True})
    send_password_reset("ingen-sadan@exempel.se", {"domain_override": "portal.exempel.se", "use_https": True})
    assert [message.to for message in mail.outbox] == [[cast["lasare"].email]]
    assert "https://portal.exempel.se/" in mail.outbox[0].body


# --- Content-Security-Policy ------------------------------------------------------------------


def test_every_page_carries_a_strict_content_security_policy(client_as):
    policy = client_as("lasare").get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'" and directives["form-action"] == "'self'"
    assert "unsafe" not in policy


def _session_cookie(live_server, username):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url}


# Collected in the page before any of its own scripts run; init scripts are not bound by the CSP.
LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${where} ${e.sample}`);
});
"""


def _admin_pages():
    from django.contrib.auth import get_user_model

    from intro_sodertorn.models import Role

    user = get_user_model().objects.get(username="admin-huddinge")
    return [
        reverse("admin:index"),
        reverse("admin:auth_user_change", args=[user.pk]),
        reverse("admin:portal_role_add"),
        reverse("admin:portal_role_change", args=[Role.objects.order_by("pk").first().pk]),
        reverse("admin:portal_auditevent_changelist"),
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_of_the_portal_breaks_its_content_security_policy(live_server, browser, municipalities):
    """Every page state of the accessibility walk (charts, forms with errors, JS forms) and the admin, in Chromium."""
    from intro_sodertorn.demo import demo_load
    from tests.accessibility.cases import CASES

    demo_load()
    visits = [(case.user, name, case) for name, cases in sorted(CASES.items()) for case in cases]
    visits += [("admin", url, None) for url in _admin_pages()]
    contexts, violations, checked = {}, [], 0
    for user, target, case in visits:
        context = contexts.get(user)
        if context is None:
            context = contexts[user] = browser.new_context(locale="sv-SE")
            context.add_init_script(LISTEN_FOR_VIOLATIONS)
            if user:
                context.add_cookies([_session_cookie(live_server, user)])
        page = context.new_page()
        page.set_default_timeout(5000)
        page.on(
            "console",
            lambda message, where=target: (
                violations.append(f"{where}: {message.text}") if "Content Security Policy" in message.text else None
            ),
        )
        if case is None:
            url = live_server.url + target
        else:
            url = live_server.url + reverse(target, kwargs=case.kwargs() if case.kwargs else None) + case.query
        response = page.goto(url)
        assert response.status < 400, url
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        if case is not None and case.action:
            case.action(page)
            page.wait_for_load_state()
        # Open the user menu (Bootstrap positions it from script).
        if user and page.locator("header .dropdown-toggle").count():
            page.locator("header .dropdown-toggle").first.click()
        violations.extend(f"{url}: {text}" for text in page.evaluate("window.__cspViolations"))
        checked += 1
        page.close()
    for context in contexts.values():
        context.close()
    assert checked > 100
    assert violations == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_print_buttons_and_confirmations_work_without_inline_handlers(live_server, page, login, municipalities):
    from insatsbasen.models import Insats
    from intro_sodertorn.demo import demo_load

    demo_load()
    insats = Insats.objects.filter(owner_municipality__code="0126", status="published").order_by("pk").first()
    page.add_init_script("window.print = () => { window.__printed = true; };")
    page.goto(f"{live_server.url}/katalog/{insats.pk}/")
    page.get_by_role("button", name="Skriv ut").click()
    assert page.evaluate("window.__printed") is True

    login(page, "admin-huddinge")
    page.goto(f"{live_server.url}{reverse('insatsbasen:detail', args=[insats.pk])}")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Arkivera").click()
    page.wait_for_load_state()
    insats.refresh_from_db()
    assert insats.status == "published"
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Arkivera").click()
    page.wait_for_load_state()
    insats.refresh_from_db()
    assert insats.status == "archived"


# --- Cookies and headers -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_session_and_csrf_cookies_are_secure_http_only_and_same_site(cast, anonymous_client, settings):
    assert not settings.DEBUG, "the tests run with production settings (DJANGO_DEBUG=0)"
    page = anonymous_client.get("/logga-in/", secure=True)
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    response = anonymous_client.post("/logga-in/", {"username": "lasare", "password": "demo"}, secure=True)
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


@pytest.mark.django_db
def test_https_responses_carry_hsts_and_the_other_security_headers(anonymous_client):
    response = anonymous_client.get("/logga-in/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Content-Security-Policy" in response


# --- No personal data in URLs or logs ------------------------------------------------------------

# Every URL parameter that is not a number or UUID, with why it carries no personal data.
SAFE_TEXT_PARAMETERS = {
    ("uidb64", "str"): "password reset: the user's id in base64, not a name or address",
    ("token", "str"): "password reset: a one-time token",
    ("action", "slug"): "insats status action: publish, pause, archive ...",
    ("code", "indicatorcode"): "KIS indicator code",
    ("code", "municipalitycode"): "a municipality code (SCB, four digits)",
    ("kind", "str"): "statistics export kind",
    ("app_label", "regex"): "Django admin: an app's label",
    ("object_id", "path"): "Django admin: an object's primary key",
    ("content_type_id", "path"): "Django admin: a content type's id",
    ("id", "str"): "Django admin: a user's primary key (change password)",
    ("language", "slug"): "an insats's text language: a public language's code (ar, en, so ...)",
    ("url", "regex"): "Django admin: the catch-all for unknown admin pages",
    ("lang", "publiclang"): "the public catalogue's language code (ar, en, so ...)",
}
PERSONAL = re.compile(r"mail|name|namn|person|phone|telefon|ssn|birth|fodd|address|adress", re.IGNORECASE)


def _parameters(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _parameters(pattern.url_patterns, route)
        else:
            # Route converters: <type:name> or <name>; regex groups: (?P<name>...).
            for converter, name in re.findall(r"(?<!\?P)<(?:(\w+):)?(\w+)>", route):
                yield route, name, converter or "str"
            for name in re.findall(r"\(\?P<(\w+)>", route):
                yield route, name, "regex"


def test_no_url_pattern_can_carry_personal_data():
    found = list(_parameters(get_resolver().url_patterns))
    assert found, "the walk found no parameters"
    unsafe = [
        f"{route}: <{converter}:{name}>"
        for route, name, converter in found
        if PERSONAL.search(name) or (converter not in ("int", "uuid") and (name, converter) not in SAFE_TEXT_PARAMETERS)
    ]
    assert unsafe == []


def test_gunicorn_logs_paths_without_query_strings_or_referrers():
    root = Path(__file__).resolve().parents[2]
    config = {}
    exec((root / "gunicorn.conf.py").read_text(encoding="utf-8"), config)
    assert "%(U)s" in config["access_log_format"]
    for leaky in ("%(r)s", "%(q)s", "%(f)s", "%({"):
        assert leaky not in config["access_log_format"]
    for name in ("docker-compose.yml", "Dockerfile"):
        text = (root / name).read_text(encoding="utf-8")
        assert "gunicorn.conf.py" in text and "--access-logfile" not in text, name
        gunicorn_lines = [line for line in text.splitlines() if '"gunicorn"' in line]
        assert gunicorn_lines and not any("--timeout" in line for line in gunicorn_lines), name
    assert config["timeout"] == 30


def test_gunicorn_names_no_version_in_the_server_header():
    from gunicorn.http import wsgi

    assert "/" not in wsgi.SERVER and not any(character.isdigit() for character in wsgi.SERVER)


@pytest.mark.django_db
def test_request_logs_name_the_path_but_not_the_query_or_the_posted_data(client_as, caplog):
    client = client_as("lasare")
    with caplog.at_level("WARNING", logger="django.request"):
        client.get("/finns-inte/", {"q": "anna.svensson@example.se"})
        client.post("/granskningslogg/", {"email": "anna.svensson@example.se"})
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "/finns-inte/" in logged and "/granskningslogg/" in logged
    assert "anna.svensson" not in logged
