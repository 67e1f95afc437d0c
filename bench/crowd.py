"""A room that acts at once: 1,000 learners press "Start" on a quiz together and each is shown
the attempt page; then 200 learners log in together. Plain HTTP/1.1 on asyncio streams, one
connection per learner, so the generator costs little next to the server."""
import asyncio
import statistics
import time
import urllib.parse
from dataclasses import dataclass


@dataclass
class Burst:
    people: int
    errors: list
    wall_s: float
    p50_s: float
    p95_s: float


async def _request(port: int, method: str, path: str, cookie: str, body: bytes = b"") -> tuple[int, dict, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nConnection: close\r\n"
                f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n")
        writer.write(head.encode() + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    header, _sep, content = raw.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _colon, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return int(lines[0].split()[1]), headers, content


def _merged(cookie: str, headers: dict) -> str:
    """The cookie a browser would send next: the session the server just set, if it set one."""
    for line in headers.get("set-cookie", []):
        pair = line.split(";", 1)[0]
        if pair.split("=", 1)[0] == cookie.split("=", 1)[0]:
            return pair
    return cookie


async def _start_and_show(port: int, path: str, cookie: str, token: str, gate: asyncio.Event) -> tuple:
    await gate.wait()
    began = time.perf_counter()
    try:
        body = urllib.parse.urlencode({"csrf_token": token}).encode()
        status, headers, _content = await _request(port, "POST", path, cookie, body)
        if status != 303:
            return f"start answered {status}", time.perf_counter() - began
        target = urllib.parse.urlsplit(headers["location"][0]).path
        status, _headers, content = await _request(port, "GET", target, _merged(cookie, headers))
        if status != 200 or b'name="csrf_token"' not in content:
            return f"attempt page answered {status}", time.perf_counter() - began
        return None, time.perf_counter() - began
    except (OSError, asyncio.IncompleteReadError) as error:
        return type(error).__name__, time.perf_counter() - began


async def _burst(tasks_for) -> Burst:
    gate = asyncio.Event()
    tasks = [asyncio.ensure_future(task) for task in tasks_for(gate)]
    await asyncio.sleep(0.2)  # every coroutine is waiting at the gate
    began = time.perf_counter()
    gate.set()
    results = await asyncio.gather(*tasks)
    wall = time.perf_counter() - began
    times = sorted(took for _error, took in results)
    return Burst(len(results), [e for e, _took in results if e], wall, statistics.median(times),
                 times[int(len(times) * 0.95) - 1])


def quiz_starts(port: int, path: str, crowd: list) -> Burst:
    return asyncio.run(_burst(lambda gate: [_start_and_show(port, path, c, t, gate) for c, t in crowd]))


async def _login_page(port: int) -> tuple[str, str]:
    """(cookie, CSRF token) of a browser that opened the login page."""
    _status, headers, page = await _request(port, "GET", "/login", "x=y")
    token = page.split(b'name="csrf_token"', 1)[1].split(b'value="', 1)[1].split(b'"', 1)[0].decode()
    return _merged("__Host-session=", headers), token


async def _log_in(port: int, email: str, password: str, opened: tuple, gate: asyncio.Event) -> tuple:
    cookie, token = opened
    await gate.wait()
    began = time.perf_counter()
    try:
        body = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password}).encode()
        status, headers, _content = await _request(port, "POST", "/login", cookie, body)
        ok = status == 302 and "/login" not in headers.get("location", [""])[0]
        return (None if ok else f"login answered {status}"), time.perf_counter() - began
    except (OSError, asyncio.IncompleteReadError) as error:
        return type(error).__name__, time.perf_counter() - began


def logins(port: int, emails: list, password: str) -> Burst:
    async def run():
        opened = [await _login_page(port) for _email in emails]
        return await _burst(lambda gate: [_log_in(port, e, password, o, gate) for e, o in zip(emails, opened, strict=True)])
    return asyncio.run(run())
