"""gunicorn settings for the portal (docker-compose.yml and the Dockerfile start gunicorn with this file).

The access log leaves out the query string and the referrer: search forms send what was
typed (a contact's name, say) in the query string, and the referrer repeats the previous
page's. Method, path, status, size, duration and user agent are enough to run the service.
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
