"""Load test (locust): simulated users of several roles browsing and writing, on the portal under gunicorn.

Run through ``scripts/load-test.sh`` (own PostgreSQL, Redis, gunicorn with 2 workers and a Celery
worker; 50 users for 2 minutes). Each simulated user logs in once with its own session (the
login is throttled only on failures, and a real person does not log in per click) and then:

- readers (``lasare``, ``introchef-botkyrka``): home, insats search and details, the register,
  action points, dashboards, the public catalogue;
- the strategist: action points and their journal, adds journal notes, creates action points and
  contacts, starts exports;
- insats administrators (Huddinge, Botkyrka): edit their own municipality's insatser through the
  real form (read again before every edit: the version lock refuses a stale form) and export lists;
- the regional statistics administrator: dashboards and exports.

A write counts as acknowledged when the portal answers the POST with a redirect to the page of
what was written and that page shows it; each one is recorded with its unique marker text in
LOAD_WRITES_FILE (JSON lines). ``bench/load_check.py`` then asserts that every acknowledged write
is in the database and prints the result table with the figures of LOAD_SUMMARY_FILE, written
here when the test stops (requests, failures, responses >= 500, p50/p95).
"""

import datetime
import json
import os
import random
import re
import threading
import uuid

import lxml.html
from locust import HttpUser, between, events, task

WRITES_FILE = os.environ.get("LOAD_WRITES_FILE", "/tmp/intro-load-writes.jsonl")
SUMMARY_FILE = os.environ.get("LOAD_SUMMARY_FILE", "/tmp/intro-load-summary.json")
SEARCHES = ["svenska", "arbete", "kurs", "sfi", "praktik", "samhällsorientering", "föräldrar", "hälsa"]

_write_lock = threading.Lock()
_server_errors = {"count": 0, "examples": []}


@events.request.add_listener
def count_server_errors(request_type, name, response_time, response_length, response=None, exception=None, **kw):
    if response is not None and response.status_code >= 500:
        _server_errors["count"] += 1
        if len(_server_errors["examples"]) < 10:
            _server_errors["examples"].append(f"{request_type} {name} {response.status_code}")


@events.test_stop.add_listener
def write_summary(environment, **kwargs):
    total = environment.stats.total
    summary = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "server_errors": _server_errors["count"],
        "server_error_examples": _server_errors["examples"],
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "rps": round(total.total_rps, 1),
        "errors": [
            f"{error.method} {error.name}: {error.error} x{error.occurrences}"
            for error in environment.stats.errors.values()
        ][:20],
    }
    with open(SUMMARY_FILE, "w") as handle:
        json.dump(summary, handle, indent=2)


def marker():
    return f"LT-{uuid.uuid4().hex[:12]}"


def record(kind, user, mark, **extra):
    with _write_lock, open(WRITES_FILE, "a") as handle:
        handle.write(json.dumps({"kind": kind, "user": user, "marker": mark, **extra}) + "\n")


def ids_in(html, pattern):
    return sorted({int(found) for found in re.findall(pattern, html)})


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    usernames = ()

    def on_start(self):
        self.username = random.choice(self.usernames)
        page = self.get("/logga-in/", name="/logga-in/")
        token = self.token(page.text)
        response = self.post(
            "/logga-in/", {"username": self.username, "password": "demo", "csrfmiddlewaretoken": token}
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not log in ({response.status_code})")
        self.insats_ids = ids_in(self.get("/insatser/", name="/insatser/").text, r'href="/insatser/(\d+)/"')

    # --- HTTP with a browser's manners ----------------------------------------------------------

    def _secure_cookies_over_loopback(self):
        # The portal runs with production settings, so its cookies are Secure; on http://127.0.0.1
        # a browser still sends them (localhost is a secure context), the requests library does not.
        for cookie in self.client.cookies:
            cookie.secure = False

    def get(self, url, name=None):
        self._secure_cookies_over_loopback()
        return self.client.get(url, name=name or url, allow_redirects=False)

    def post(self, url, data, name=None):
        self._secure_cookies_over_loopback()
        referer = self.host.rstrip("/") + url
        return self.client.post(url, data=data, name=name or url, allow_redirects=False, headers={"Referer": referer})

    def token(self, html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def form_values(self, html, has_field):
        """The values a browser would send from the page's form holding ``has_field``."""
        document = lxml.html.fromstring(html)
        for form in document.forms:
            if has_field in form.inputs:
                return list(form.form_values())
        raise RuntimeError(f"No form with {has_field} on the page")

    @staticmethod
    def replace(values, **changes):
        kept = [(key, value) for key, value in values if key not in changes]
        return kept + list(changes.items())

    def acknowledged(self, response, location_pattern, mark, name):
        """A redirect to the written thing's page, and that page shows the marker."""
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not re.search(location_pattern, location):
            return False
        return mark in self.get(location, name=name).text

    # --- reads shared by every role -------------------------------------------------------------

    @task(3)
    def home(self):
        self.get("/")

    @task(3)
    def search_insatser(self):
        self.get(f"/insatser/?q={random.choice(SEARCHES)}", name="/insatser/?q=")

    @task(3)
    def insats_detail(self):
        if self.insats_ids:
            self.get(f"/insatser/{random.choice(self.insats_ids)}/", name="/insatser/[id]/")

    @task(2)
    def register(self):
        self.get(random.choice(["/natverk/kontakter/", "/natverk/organisationer/", "/natverk/grupper/"]))

    @task(2)
    def action_points(self):
        self.get("/uppdrag/atgardspunkter/")

    @task(1)
    def dashboard(self):
        self.get("/statistik/dashboard/")

    @task(1)
    def my_exports(self):
        self.get("/mina-exporter/")


class Reader(PortalUser):
    weight = 5
    usernames = ("lasare", "introchef-botkyrka")

    @task(2)
    def catalogue(self):
        self.get(f"/katalog/?q={random.choice(SEARCHES)}", name="/katalog/?q=")


class Strategist(PortalUser):
    weight = 2
    usernames = ("strateg",)

    def on_start(self):
        super().on_start()
        self.point_ids = ids_in(self.get("/uppdrag/atgardspunkter/").text, r'href="/uppdrag/atgardspunkter/(\d+)/"')
        self.network_ids = ids_in(self.get("/natverk/grupper/").text, r'href="/natverk/grupper/(\d+)/"')

    @task(3)
    def action_point_detail(self):
        self.get(f"/uppdrag/atgardspunkter/{random.choice(self.point_ids)}/", name="/uppdrag/atgardspunkter/[id]/")

    @task(3)
    def add_journal_note(self):
        point = random.choice(self.point_ids)
        url = f"/uppdrag/atgardspunkter/{point}/"
        page = self.get(url, name="/uppdrag/atgardspunkter/[id]/")
        mark = marker()
        values = self.replace(
            self.form_values(page.text, "text"),
            text=f"Lasttest: anteckning {mark}",
            date=datetime.date.today().isoformat(),
        )
        response = self.post(f"{url}anteckning/", values, name="/uppdrag/atgardspunkter/[id]/anteckning/ POST")
        if self.acknowledged(response, rf"/uppdrag/atgardspunkter/{point}/$", mark, "/uppdrag/atgardspunkter/[id]/"):
            record("journal_note", self.username, mark)

    @task(1)
    def create_action_point(self):
        page = self.get("/uppdrag/atgardspunkter/ny/")
        mark = marker()
        values = self.form_values(page.text, "title")
        owner = next(
            (
                value
                for value in lxml.html.fromstring(page.text).xpath("//select[@name='owner_user']/option/@value")
                if value
            ),
            "",
        )
        values = self.replace(
            values,
            title=f"Lasttest: åtgärd {mark}",
            description="Skapad av lasttestet.",
            owner_user=owner,
            due_date=(datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
        )
        response = self.post("/uppdrag/atgardspunkter/ny/", values, name="/uppdrag/atgardspunkter/ny/ POST")
        if self.acknowledged(response, r"/uppdrag/atgardspunkter/\d+/$", mark, "/uppdrag/atgardspunkter/[id]/"):
            record("action_point", self.username, mark)

    @task(2)
    def create_contact(self):
        page = self.get("/natverk/kontakter/ny/")
        mark = marker()
        organisations = [
            value
            for value in lxml.html.fromstring(page.text).xpath("//select[@name='organisation']/option/@value")
            if value
        ]
        values = self.replace(
            self.form_values(page.text, "name"),
            name=f"Lasttest Person {mark}",
            title="Handläggare",
            organisation=random.choice(organisations),
            email=f"{mark.lower()}@example.org",
        )
        response = self.post("/natverk/kontakter/ny/", values, name="/natverk/kontakter/ny/ POST")
        if self.acknowledged(response, r"/natverk/kontakter/\d+/$", mark, "/natverk/kontakter/[id]/"):
            record("contact", self.username, mark)

    @task(1)
    def export_members(self):
        network = random.choice(self.network_ids)
        page = self.get(f"/natverk/grupper/{network}/", name="/natverk/grupper/[id]/")
        response = self.post(
            f"/natverk/grupper/{network}/medlemmar/export/",
            {"csrfmiddlewaretoken": self.token(page.text)},
            name="/natverk/grupper/[id]/medlemmar/export/ POST",
        )
        if response.status_code == 302 and response.headers.get("Location") == "/mina-exporter/":
            record("export", self.username, "")


class InsatsAdministrator(PortalUser):
    weight = 2
    usernames = ("admin-huddinge", "admin-botkyrka")

    def on_start(self):
        super().on_start()
        # The insatser this administrator may edit: the edit page answers 200 for those, 403 for the rest.
        self.own_ids = []
        for pk in self.insats_ids:
            self._secure_cookies_over_loopback()
            url = f"/insatser/{pk}/andra/"
            with self.client.get(url, name="/insatser/[id]/andra/ (may I?)", catch_response=True) as response:
                if response.status_code in (200, 403):
                    response.success()
                if response.status_code == 200:
                    self.own_ids.append(pk)

    @task(4)
    def edit_insats(self):
        if not self.own_ids:
            return
        pk = random.choice(self.own_ids)
        url = f"/insatser/{pk}/andra/"
        # Read the form again before every edit: it carries the version the lock compares.
        page = self.get(url, name="/insatser/[id]/andra/")
        values = dict(self.form_values(page.text, "version"))
        mark = marker()
        short = re.sub(r" \[LT-[0-9a-f]+\]$", "", values.get("short_description", ""))[:250]
        changed = self.replace(
            self.form_values(page.text, "version"), short_description=f"{short} [{mark}]", reason=f"Lasttest {mark}"
        )
        response = self.post(url, changed, name="/insatser/[id]/andra/ POST")
        if self.acknowledged(response, rf"/insatser/{pk}/$", mark, "/insatser/[id]/"):
            record("insats_edit", self.username, mark, insats=pk)
        elif response.status_code == 200:
            record("insats_edit_refused", self.username, mark, insats=pk)

    @task(1)
    def export_list(self):
        page = self.get("/insatser/?q=svenska", name="/insatser/?q=")
        response = self.post(
            "/insatser/exportera/",
            {"csrfmiddlewaretoken": self.token(page.text), "q": "svenska"},
            name="/insatser/exportera/ POST",
        )
        if response.status_code == 302 and response.headers.get("Location") == "/mina-exporter/":
            record("export", self.username, "")


class StatisticsAdministrator(PortalUser):
    weight = 1
    usernames = ("statistik-region",)

    @task(3)
    def dashboards(self):
        self.get(random.choice(["/statistik/dashboard/", "/statistik/oversikt/", "/statistik/katalog/"]))

    @task(1)
    def export_overview(self):
        page = self.get("/statistik/dashboard/")
        response = self.post(
            "/statistik/export/statistik.overview/",
            {"csrfmiddlewaretoken": self.token(page.text)},
            name="/statistik/export/[kind]/ POST",
        )
        if response.status_code == 302 and response.headers.get("Location") == "/mina-exporter/":
            record("export", self.username, "")
