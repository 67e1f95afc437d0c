"""`python -m bench.logins`: a workshop room of 200 learners pressing "Log in" at the same moment.

Makes a throw-away SQLite database (the embedded default) with 200 learner accounts, serves the
app in real server processes, and has 200 clients each open the login page (for its session
and CSRF token, as a browser does) and then post the form at the same moment. Reports, per
server, the errors (anything but the redirect of a successful login, or a failed connection),
the wall time of the burst and the slowest responses, next to the floor set by the password
hash: 200 checks times one check's CPU time, divided by the CPUs.

Servers: gunicorn as the README runs it in production (5 sync workers) and Werkzeug's threaded
server (`flask run`). `--server gunicorn` or `--server werkzeug` runs one; `--learners N`
changes the crowd. Exits 1 when any login failed.
"""
import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "workshop room passphrase 2026"
SERVERS = {
    "gunicorn": lambda port: [str(Path(sys.executable).with_name("gunicorn")), "--workers", "5",
                              "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
    "werkzeug": lambda port: [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "run",
                              "--port", str(port), "--with-threads", "--no-reload", "--no-debugger"],
}


def prepare(url: str, learners: int) -> float:
    """Create the schema and the learners; return one password check's CPU time in seconds."""
    from lms import create_app
    from lms.auth.models import User
    from lms.auth.passwords import hash_password, verify_password
    from lms.core.db import mark_write_transaction
    from lms.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        mark_write_transaction()
        hashed = hash_password(PASSWORD)  # one hash for all: each check still costs a full one
        db.session.add_all(User(email=f"learner{n}@example.org", name=f"Learner {n}", password_hash=hashed)
                           for n in range(learners))
        db.session.commit()
        db.engine.dispose()
    start = time.process_time()
    verify_password(hashed, PASSWORD)
    return time.process_time() - start


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(name: str, url: str, workdir: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-secret", LMS_ENV="development",
               BASE_URL=f"http://127.0.0.1:{port}", MAIL_DIR=str(Path(workdir) / "mail"))
    env.pop("REDIS_URL", None)
    log = open(Path(workdir) / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(SERVERS[name](port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return process, port
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    process.kill()
    sys.exit(f"{name} did not start; see {log.name}")


def first_error(log: Path) -> str:
    """The exception line of the server's first traceback, to say why a login failed."""
    lines = log.read_text(errors="replace").splitlines()
    for n, line in enumerate(lines):
        if line.startswith("Traceback"):
            return next((f"  server: {later}" for later in lines[n + 1:] if not later.startswith(" ")), "")
    return "  server: no traceback in the log"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a successful login answers 302: that answer is the result


class Learner:
    """One browser: its own cookies; opens the login page, then posts the form when told."""

    def __init__(self, base: str, email: str):
        self.base, self.email = base, email
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)
        self.token = None

    def open_login_page(self) -> None:
        page = self.opener.open(f"{self.base}/login", timeout=120).read().decode()
        self.token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    def log_in(self) -> tuple[int | str, float]:
        body = urllib.parse.urlencode({"csrf_token": self.token, "email": self.email,
                                       "password": PASSWORD}).encode()
        start = time.perf_counter()
        try:
            status = self.opener.open(f"{self.base}/login", data=body, timeout=120).status
        except urllib.error.HTTPError as error:
            status = error.code
        except (urllib.error.URLError, OSError) as error:
            status = type(error).__name__
        return status, time.perf_counter() - start


def burst(base: str, learners: int) -> tuple[list, float]:
    crowd = [Learner(base, f"learner{n}@example.org") for n in range(learners)]
    for learner in crowd:
        learner.open_login_page()
    barrier = threading.Barrier(learners + 1)
    results = [None] * learners

    def press(n: int) -> None:
        barrier.wait()
        results[n] = crowd[n].log_in()

    threads = [threading.Thread(target=press, args=(n,)) for n in range(learners)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=sorted(SERVERS), action="append")
    parser.add_argument("--learners", type=int, default=200)
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-logins-") as workdir:
        for name in args.server or ["gunicorn", "werkzeug"]:
            url = f"sqlite:///{Path(workdir) / f'{name}.db'}"
            check = prepare(url, args.learners)
            floor = args.learners * check / (os.cpu_count() or 1)
            process, port = start_server(name, url, workdir)
            try:
                results, wall = burst(f"http://127.0.0.1:{port}", args.learners)
            finally:
                process.terminate()
                process.wait(10)
            errors = [status for status, _took in results if status != 302]
            times = sorted(took for _status, took in results)
            failed |= bool(errors)
            if errors:
                print(first_error(Path(workdir) / f"{name}.log"))
            print(f"{name:9} {args.learners} logins at once on SQLite: {len(errors)} errors"
                  f"{' ' + repr(sorted(set(map(str, errors)))) if errors else ''}, burst {wall:5.1f} s, "
                  f"median {statistics.median(times):4.1f} s, slowest {times[-1]:4.1f} s "
                  f"(floor: {args.learners} password checks of {check * 1000:.0f} ms CPU on "
                  f"{os.cpu_count()} CPUs = {floor:4.1f} s)")
    print("FAIL: some logins failed." if failed else "OK: every learner is logged in.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
