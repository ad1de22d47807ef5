#!/usr/bin/env python3
"""The web container's health check (docker-compose.yml): GET /healthz from gunicorn inside the container.

Exits 0 while the database answers (Redis is reported but does not make the portal unhealthy), else 1.
Sends a Host header the portal accepts (the first of DJANGO_ALLOWED_HOSTS), so ALLOWED_HOSTS need not list
127.0.0.1. Usage: scripts/healthcheck.py [URL], default http://127.0.0.1:8000/healthz.
"""

import json
import os
import sys
import urllib.error
import urllib.request


def main(url):
    hosts = [host.strip() for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if host.strip()]
    host = next((host.lstrip(".") for host in hosts if host != "*"), "localhost")
    request = urllib.request.Request(url, headers={"Host": host, "X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            body = json.load(response)
    except urllib.error.HTTPError as error:
        print(f"unhealthy: HTTP {error.code} {error.read(500).decode(errors='replace')}")
        return 1
    except (OSError, ValueError) as error:
        print(f"unhealthy: {error}")
        return 1
    print(json.dumps(body))
    return 0 if body.get("database") == "ok" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/healthz"))
