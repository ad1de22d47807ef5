"""gunicorn settings for the portal (docker-compose.yml and the Dockerfile start gunicorn with this file).

The access log leaves out the query string and the referrer: search forms send what was
typed (a contact's name, say) in the query string, and the referrer repeats the previous
page's. Method, path, status, size, duration and user agent are enough to run the service.
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'

# A request that runs longer than this is cut off and its worker restarted. Set on purpose: every page answers in
# well under a second at the benchmarked sizes (README, "Performance"), and the long work (Excel exports and imports,
# e-mail) runs as Celery jobs, so 30 s only ever ends a request that has gone wrong. Raising it would let a
# misbehaving request hold one of the few workers; lower it only with the slowest page's time in mind.
timeout = 30
graceful_timeout = 30
# gunicorn names itself in the Server header without a version (gunicorn 23+): nothing to hide there.
