"""Real servers for the benchmarks: gunicorn as production runs it, and what they cost in memory."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def gunicorn(name: str, app: str, env: dict, workdir: Path, *, workers: int = 4, port: int | None = None,
             health: str = "/healthz", extra: tuple = ()) -> Server:
    """Start `gunicorn app` and wait until `health` answers. No --max-requests: a worker that is
    never recycled shows its memory growth."""
    port = port or free_port()
    log = workdir / f"{name}.log"
    command = [GUNICORN, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
               *extra, app]
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ, **env), stdout=out,
                                   stderr=subprocess.STDOUT)
    server = Server(name, process, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            urllib.request.urlopen(server.base + health, timeout=5).read()
            if len(server.workers()) >= workers:
                return server
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    server.stop()
    sys.exit(f"{name} did not start; its log:\n{log.read_text(errors='replace')[-3000:]}")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
