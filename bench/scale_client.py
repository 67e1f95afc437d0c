"""A browser as a phone on a bad line uses it: cookies kept by hand (the production cookies are
Secure and __Host-, which HTTP libraries refuse to send over plain HTTP), one connection per
request, and a request that meets a broken connection or a 502/503/504 is sent again, the same
form with the same keys, until it gets an answer."""
import http.client
import re
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

RETRY_STATUS = {502, 503, 504}
_TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


class GaveUp(Exception):
    """A request that found no working host within the client's patience."""


@dataclass
class Tally:
    """Every request of the run, shared by the learners' threads."""

    requests: int = 0
    retries: int = 0
    in_flight: int = 0
    by_server: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    retry_causes: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def begin(self) -> None:
        with self.lock:
            self.in_flight += 1

    def end(self, status: int | None, server: str | None, cause: str | None) -> None:
        with self.lock:
            self.in_flight -= 1
            self.requests += 1
            if status is not None:
                self.by_status[status] += 1
                self.by_server[server or "-"] += 1
            if cause:
                self.retries += 1
                self.retry_causes[cause] += 1


@dataclass
class Page:
    status: int
    location: str
    server: str
    body: str

    def token(self) -> str | None:
        found = _TOKEN.search(self.body)
        return found.group(1) if found else None


class Browser:
    def __init__(self, base: str, tally: Tally, *, forwarded_for: str | None = None, patience: float = 120.0,
                 name: str = "balancer"):
        parts = urllib.parse.urlsplit(base)
        self.name = name  # what to count the answer under when no balancer said which host gave it
        self.host, self.port = parts.hostname, parts.port or 80
        self.tally, self.forwarded_for, self.patience = tally, forwarded_for, patience
        self.cookies: dict[str, str] = {}
        self.token: str | None = None    # the CSRF token of the last page seen

    def get(self, path: str) -> Page:
        return self.send("GET", path)

    def post(self, path: str, fields: list | dict) -> Page:
        fields = list(fields.items()) if isinstance(fields, dict) else fields
        return self.send("POST", path, [("csrf_token", self.token or ""), *fields])

    def send(self, method: str, path: str, fields: list | None = None) -> Page:
        body = urllib.parse.urlencode(fields).encode() if fields is not None else b""
        deadline, tries = time.monotonic() + self.patience, 0
        while True:
            tries += 1
            self.tally.begin()
            page = cause = None
            try:
                page = self._once(method, path, body)
                cause = str(page.status) if page.status in RETRY_STATUS else None
            except (OSError, http.client.HTTPException) as error:
                cause = type(error).__name__
            self.tally.end(page.status if page else None, page.server if page else None, cause)
            if cause is None:
                return page
            if time.monotonic() > deadline:
                raise GaveUp(f"{method} {path}: {cause} after {tries} tries")
            time.sleep(min(0.2 * tries, 2.0))

    def _once(self, method: str, path: str, body: bytes) -> Page:
        headers = {"Host": "127.0.0.1", "Connection": "close", "User-Agent": "scale-out learner"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body if method == "POST" else None, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for line in response.headers.get_all("Set-Cookie") or []:
            self._keep(line)
        location = urllib.parse.urlsplit(response.headers.get("Location", "")).path
        page = Page(response.status, location, response.headers.get("X-Served-By", self.name), content)
        if page.status == 200 and (token := page.token()):
            self.token = token
        return page

    def _keep(self, line: str) -> None:
        pair, _sep, attributes = line.partition(";")
        name, _eq, value = pair.strip().partition("=")
        if "max-age=0" in attributes.lower().replace(" ", "") or not value:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value
