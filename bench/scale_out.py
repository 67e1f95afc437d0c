"""Scale-out, shown (run by bench/scale_out.sh, which starts the two hosts, HAProxy and the mail
workers): learners work through a course through the balancer while host A is killed with
SIGKILL; then nothing acknowledged is lost, nothing is doubled, every session still opens on
host B, the login throttle was one throttle for both hosts, and every e-mail went out once."""
import argparse
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

from bench import scale_checks
from bench.scale_client import Browser, Tally
from bench.scale_learner import Learner
from bench.site import PASSWORD, _app

THROTTLED = "Too many failed attempts for this account from this device"
WRONG = "Wrong e-mail address or password."


def throttle(hosts: dict, email: str, limit: int, client: str, findings, tally: Tally) -> None:
    """`limit` wrong passwords for one account from one client, taking turns between the hosts
    (each asked directly, as the balancer would, with the client's address in X-Forwarded-For):
    then the right password is refused on both, and still works from another client."""
    names = sorted(hosts)

    def log_in(host: str, password: str, address: str):
        browser = Browser(hosts[host], tally, forwarded_for=address, name=f"{host} direct")
        browser.get("/login")
        return browser.post("/login", {"email": email, "password": password})

    wrong = [log_in(names[n % len(names)], "not the password", client) for n in range(limit)]
    refused = {host: log_in(host, PASSWORD, client) for host in names}
    elsewhere = log_in(names[0], PASSWORD, client.rsplit(".", 1)[0] + ".250")
    per_host = {host: sum(1 for n in range(limit) if names[n % len(names)] == host) for host in names}
    findings.figures["login throttle"] = (f"{limit} wrong passwords {per_host}; then the right one: "
                                          + ", ".join(f"host {h} {p.status}" for h, p in refused.items())
                                          + f"; from another address {elsewhere.status}")
    findings.check("login throttle shared by the hosts",
                   all(p.status == 400 and WRONG in p.body for p in wrong)
                   and all(p.status == 429 and THROTTLED in p.body for p in refused.values())
                   and elsewhere.status == 302, "each host alone saw fewer failures than the limit")


def kill_host(pidfile: Path) -> list[int]:
    """SIGKILL for the gunicorn master and its workers, together: no graceful anything."""
    master = int(pidfile.read_text().strip())
    children = Path(f"/proc/{master}/task/{master}/children")
    pids = [master, *map(int, children.read_text().split())] if children.exists() else [master]
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    return pids


def server_status(sock: Path, server: str) -> str:
    """HAProxy's view of one host: UP, DOWN, "UP 1/2" (going down), ..."""
    with socket.socket(socket.AF_UNIX) as conn:
        conn.connect(str(sock))
        conn.sendall(b"show stat\n")
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    for line in data.decode().splitlines():
        cells = line.split(",")
        if len(cells) > 17 and cells[0] == "hosts" and cells[1] == server:
            return cells[17]
    return ""


def wait_until(sock: Path, servers: list, status: str, timeout: float = 60.0) -> float:
    """Seconds until HAProxy reports every one of `servers` in `status`."""
    began = time.monotonic()
    while not all(server_status(sock, s) == status for s in servers):
        if time.monotonic() - began > timeout:
            sys.exit(f"HAProxy did not see {servers} {status} within {timeout:.0f} s")
        time.sleep(0.05)
    return time.monotonic() - began


def forgot(base: str, emails: list, tally: Tally) -> int:
    """Password-reset requests (each queues one e-mail); how many were acknowledged."""
    acked = 0
    for address in emails:
        browser = Browser(base, tally)
        browser.get("/forgot")
        acked += browser.post("/forgot", {"email": address}).status == 302
    return acked


def drain(app, timeout: float = 90.0) -> None:
    from lms.core import outbox

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            if not outbox.counts().get("pending"):
                return
        time.sleep(0.5)


def sessions(base: str, learners, tally: Tally, findings) -> None:
    """After the kill, each learner's cookie opens My learning: 200, not a way back to /login."""
    valid = {learner.index for learner in learners
             if learner.login_server and _copy(learner.browser, base, tally).get("/learning").status == 200}
    logged_in = [learner for learner in learners if learner.login_server]
    from_a = [learner for learner in logged_in if learner.login_server == "a"]
    findings.figures["sessions"] = (f"{len(valid)}/{len(logged_in)} valid after the kill; "
                                    f"{sum(1 for x in from_a if x.index in valid)}/{len(from_a)} of those made on host a")
    findings.check("every session still valid on the other host", len(valid) == len(logged_in) == len(learners)
                   and len(from_a) > 0, f"{len(logged_in) - len(valid)} sent back to the login page")


def replays(learners, findings) -> None:
    """A phone's queue sends a form again long after it went through: each learner's last
    completion and last quiz submission, same keys. Acknowledged, and (the checks that follow
    count) nothing new recorded."""
    sent = answered = 0
    for learner in learners:
        for path, fields in learner.replayable.values():
            sent += 1
            answered += learner.browser.post(path, fields).status == 303
    findings.figures["replays"] = f"{sent} last completions and submissions sent again, {answered} acknowledged"
    findings.check("replays acknowledged", sent == answered and sent > 0, f"{sent - answered} refused")


def _copy(browser: Browser, base: str, tally: Tally) -> Browser:
    other = Browser(base, tally)
    other.cookies = dict(browser.cookies)
    return other


def drive(args, plan, learners, tally: Tally, findings) -> int:
    """The learners' threads, host a killed when `kill_at` of the lessons are done, then mail
    wave 2 through host b alone; how many of those resets were acknowledged."""
    threads = [threading.Thread(target=learner.run, args=(plan, args.pace), daemon=True) for learner in learners]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    lessons = sum(len(m.lessons) for m in plan.modules) * len(learners)
    while sum(len(x.completions) for x in learners) < args.kill_at * lessons and any(t.is_alive() for t in threads):
        time.sleep(0.05)
    moment = (f"at {time.monotonic() - began:.1f} s with {sum(t.is_alive() for t in threads)} learners active, "
              f"{tally.in_flight} requests in flight and {sum(len(x.completions) for x in learners)}/{lessons} "
              "lessons done")
    pids = kill_host(Path(args.kill_pidfile))
    detected = wait_until(Path(args.haproxy_socket), ["a"], "DOWN")
    findings.figures["kill"] = (f"host a (pids {' '.join(map(str, pids))}) killed {moment}; "
                                f"HAProxy marked it down after {detected:.1f} s")
    resets = forgot(args.balancer, [x.email for x in learners], tally)
    for thread in threads:
        thread.join(timeout=600)
    findings.figures["run"] = f"{time.monotonic() - began:.1f} s"
    stuck = [x for x in learners if x.problem or x.outcome not in ("finished the course", "out of attempts")]
    findings.check("every learner carried on to the end", not stuck, f"{len(stuck)} gave up or did not finish")
    return resets


def report(findings, tally: Tally, learners) -> int:
    outcomes = {}
    for learner in learners:
        outcomes[learner.outcome] = outcomes.get(learner.outcome, 0) + 1
    print(f"\nrequests: {tally.requests} ({dict(sorted(tally.by_status.items()))}), "
          f"by host {dict(sorted(tally.by_server.items()))}")
    print(f"retries: {tally.retries} ({dict(tally.retry_causes)})")
    print(f"learners: {outcomes}")
    problems = [learner for learner in learners if learner.problem]
    for learner in problems[:10]:
        print(f"  learner {learner.index}: {learner.problem}")
    if len(problems) > 10:
        print(f"  ... and {len(problems) - 10} more")
    for name, value in findings.figures.items():
        print(f"{name}: {value}")
    print()
    for check in findings.checks:
        print(f"{'PASS' if check.ok else 'FAIL'}  {check.name}" + ("" if check.ok else f": {check.detail}"))
    failed = [c for c in findings.checks if not c.ok]
    print("\nscale-out: " + ("FAILED" if failed else "every check passed"))
    return 1 if failed else 0


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--balancer", required=True)
    parser.add_argument("--host", action="append", required=True, help="name=url of a host, asked directly")
    parser.add_argument("--mail-dir", action="append", required=True, help="name=folder of a mail worker")
    parser.add_argument("--kill-pidfile", required=True, help="host a's gunicorn pid file")
    parser.add_argument("--haproxy-socket", required=True)
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--run", default=str(os.getpid()), help="makes the throttled account unique to this run")
    parser.add_argument("--pace", type=float, default=0.3, help="longest pause to read or answer, seconds")
    parser.add_argument("--kill-at", type=float, default=0.4, help="share of the lessons done when host a dies")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    hosts = dict(item.split("=", 1) for item in args.host)
    app = _app(os.environ["DATABASE_URL"])
    emails = [f"learner{n}@scale-out.example.org" for n in range(args.learners)]
    throttled = f"throttle-{args.run}@scale-out.example.org"
    ids = scale_checks.prepare(app, [*emails, throttled], PASSWORD)
    plan = scale_checks.course_plan(app)
    tally, findings = Tally(), scale_checks.Findings()
    learners = [Learner(n, ids[e], e, PASSWORD, Browser(args.balancer, tally)) for n, e in enumerate(emails)]
    print(f"{len(learners)} learners, {len(plan.modules)} modules and a final assessment; "
          f"{len(plan.questions)} questions", flush=True)
    client = f"198.51.100.{int(args.run) % 200 + 1}"
    try:
        wait_until(Path(args.haproxy_socket), sorted(hosts), "UP")
        throttle(hosts, throttled, app.config["LOGIN_LIMIT_ACCOUNT_CLIENT"], client, findings, tally)
        # Mail wave 1 while both hosts are up; wave 2 once host a is dead (in drive()). Neither
        # meets the kill: a reset request has no idempotency key, so a retried one mails twice.
        resets = forgot(args.balancer, emails, tally)
        resets += drive(args, plan, learners, tally, findings)
        sessions(args.balancer, learners, tally, findings)
        replays(learners, findings)
        scale_checks.records(app, learners, findings)
        scale_checks.completions(app, learners, findings)
        drain(app)
        scale_checks.mail(app, {n: Path(p) for n, p in (d.split("=", 1) for d in args.mail_dir)},
                          resets, set(emails), findings)
    finally:
        forget(app, [*emails, throttled], client)
    return report(findings, tally, learners)


def forget(app, emails: list, client: str) -> None:
    """The run's throttle counters leave Redis with it."""
    import redis

    if url := app.config.get("REDIS_URL"):
        store = redis.Redis.from_url(url)
        store.delete(*[f"login-failures:{e}" for e in emails], f"login-failures-client:{client}")


if __name__ == "__main__":
    sys.exit(main())
