"""The optional error tracker: Sentry (or a compatible service such as GlitchTip), on when SENTRY_DSN is set.

Django's and Celery's integrations report unhandled errors in requests and tasks. Nothing personal
leaves the portal: no request bodies, cookies, query strings, Referer or user fields (the same promise
as the logs and the error e-mails, intro_sodertorn.errors), no local variables of the traceback, no
SQL parameters; no performance tracing.
"""

PRIVATE_HEADERS = {"cookie", "referer", "authorization", "x-csrftoken"}


def init_error_tracker(dsn, environment=""):
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=0,
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
    )


def _without_query(url):
    return url.split("?", 1)[0] if isinstance(url, str) else url


def scrub_event(event, hint=None):
    """Remove what a visitor typed or holds from an event before it is sent."""
    request = event.get("request")
    if request:
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        if "url" in request:
            request["url"] = _without_query(request["url"])
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {name: value for name, value in headers.items() if name.lower() not in PRIVATE_HEADERS}
    event.pop("user", None)
    for breadcrumb in (event.get("breadcrumbs") or {}).get("values", []):
        scrub_breadcrumb(breadcrumb)
    return event


def scrub_breadcrumb(breadcrumb, hint=None):
    """SQL parameters and URLs with query strings stay out of the breadcrumbs too."""
    data = breadcrumb.get("data")
    if isinstance(data, dict):
        for key in ("db.params", "params"):
            data.pop(key, None)
        if "url" in data:
            data["url"] = _without_query(data["url"])
    return breadcrumb
