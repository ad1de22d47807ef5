"""Locust user for bench/list_throughput.py: GET one path as fast as possible with a logged-in session.

Run by the benchmark (headless, on loopback only): BENCH_PATH is the page, BENCH_SESSION the session id.
A response other than 200 counts as a failure, so a redirect to the login page cannot pass for a fast page.
"""

import os

from locust import FastHttpUser, constant, task


class PageUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def page(self):
        with self.client.get(
            os.environ["BENCH_PATH"],
            headers={"Cookie": f"sessionid={os.environ['BENCH_SESSION']}"},
            allow_redirects=False,
            catch_response=True,
            name="page",
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
