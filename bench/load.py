"""The load generator: wrk from Debian's packages (installed when missing), parsed into figures."""
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int        # socket errors, timeouts and answers outside 2xx/3xx


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing it from Debian's packages", flush=True)
    for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
        if subprocess.run(step, stdout=subprocess.DEVNULL).returncode:
            sys.exit("could not install wrk (apt-get install wrk); run as root or install it")
    return shutil.which("wrk") or sys.exit("wrk is still missing after apt-get install")


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url: str, *, cookie: str | None = None, seconds: float = 5, connections: int = 16,
        threads: int = 2) -> Run:
    command = [ensure_wrk(), f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
               "-H", "Accept-Encoding: br, gzip"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    percentile = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    if len(percentile) < 2 or "Requests/sec" not in out:
        raise RuntimeError(f"wrk printed no latency figures for {url}:\n{out}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    errors += int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    return Run(rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
               p50_ms=_ms(percentile["50"]), p99_ms=_ms(percentile["99"]),
               requests=int(re.search(r"(\d+) requests in", out).group(1)), errors=errors)
