"""Pages under load: the app and a bare Flask page under the same gunicorn, driven in turn by wrk."""
import statistics
from dataclasses import dataclass

from bench.load import Run, wrk
from bench.servers import Server, rss_kib

BARE_PATH = "/page/7"
# Pass marks: each page's throughput as a share of the bare page's, measured in the same run.
RATIO_FLOOR = {"lesson": 0.40, "course page": 0.30, "catalogue": 0.30}


@dataclass
class Row:
    label: str
    app: Run
    bare: Run
    floor: float | None

    @property
    def ratio(self) -> float:
        return self.app.rps / self.bare.rps

    @property
    def passed(self) -> bool:
        return self.app.errors == 0 and (self.floor is None or self.ratio >= self.floor)


def _median(runs: list[Run]) -> Run:
    middle = sorted(runs, key=lambda run: run.rps)[len(runs) // 2]
    return Run(rps=statistics.median(r.rps for r in runs), p50_ms=middle.p50_ms, p99_ms=middle.p99_ms,
               requests=sum(r.requests for r in runs), errors=sum(r.errors for r in runs))


def throughput(app: Server, bare: Server, pages: dict, *, rounds: int, seconds: float) -> list[Row]:
    """Alternate A (the app's page) and B (the bare page) `rounds` times per page; medians."""
    rows = []
    for label, (path, cookie) in pages.items():
        wrk(app.base + path, cookie=cookie, seconds=1)      # warm: templates compiled, caches filled
        wrk(bare.base + BARE_PATH, seconds=1)
        mine, baseline = [], []
        for _round in range(rounds):
            mine.append(wrk(app.base + path, cookie=cookie, seconds=seconds))
            baseline.append(wrk(bare.base + BARE_PATH, seconds=seconds))
        rows.append(Row(label, _median(mine), _median(baseline), RATIO_FLOOR.get(label)))
    return rows


def print_rows(rows: list[Row]) -> None:
    print(f"{'page (wrk -t2 -c16)':22}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'bare req/s':>12}{'ratio':>8}"
          f"{'pass mark':>11}{'errors':>8}")
    for row in rows:
        mark = f"≥ {row.floor:.2f}" if row.floor else "shown"
        print(f"{row.label:22}{row.app.rps:9.0f}{row.app.p50_ms:9.1f}{row.app.p99_ms:9.1f}{row.bare.rps:12.0f}"
              f"{row.ratio:8.2f}{mark:>11}{row.app.errors:8d}{'' if row.passed else '  MISSED'}")


def memory(app: Server, pages: dict, *, requests: int) -> tuple[dict, dict]:
    """Each worker's RSS (KiB) after a warm-up, then after `requests` more, spread over the pages."""
    share = max(requests // len(pages), 1)
    for path, cookie in pages.values():
        wrk(app.base + path, cookie=cookie, seconds=1)
    before = {pid: rss_kib(pid) for pid in app.workers()}
    for path, cookie in pages.values():
        done = 0
        while done < share:
            done += wrk(app.base + path, cookie=cookie, seconds=2, connections=8).requests
    after = {pid: rss_kib(pid) for pid in app.workers()}
    return before, after
