"""The driver of bench/soak: held connections, a steady mixed load, slow clients, and samples of the server.

Usage: soak.py HOST PORT SERVER_PID (the other settings come from the environment, see bench/soak).
Exits 1 when a verdict fails. HTTP/1.1 over asyncio streams, by hand: a load generator that reads every answer
and checks its status and length.
"""
import asyncio
import os
import random
import shutil
import statistics
import sys
import time
from collections import Counter

HOST, PORT, PID = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
HOLD = int(os.environ.get("HOLD", 10000))
HOLD_SECS = int(os.environ.get("HOLD_SECS", 180))
SLOW = int(os.environ.get("SLOW", 1000))
SLOW_SECS = int(os.environ.get("SLOW_SECS", 60))
RATE = float(os.environ.get("RATE", 100))
SAMPLE = float(os.environ.get("SAMPLE", 5))
WORKERS = 20
BIG = 64 << 20
TUS_BODY = os.urandom(32 << 10)
IETF_BODY = os.urandom(16 << 10)
random.seed(18)


class HttpError(Exception):
    pass


async def exchange(reader, writer, method, path, headers=(), body=b"", expect_body=True):
    """One request on an open connection; returns (status, headers, body length). Interim 1xx are skipped."""
    lines = [f"{method} {path} HTTP/1.1", "Host: soak"]
    lines += [f"{k}: {v}" for k, v in headers]
    if body or method in ("POST", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
    await writer.drain()
    while True:
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *fields = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ")[1])
        hdrs = {}
        for f in fields:
            if ":" in f:
                k, v = f.split(":", 1)
                hdrs[k.strip().lower()] = v.strip()
        if 100 <= status < 200:
            continue
        break
    n = 0
    if method != "HEAD" and status not in (204, 304) and expect_body:
        if "content-length" in hdrs:
            left = int(hdrs["content-length"])
            while left > 0:
                chunk = await reader.read(min(left, 1 << 16))
                if not chunk:
                    raise HttpError("connection closed inside a body")
                left -= len(chunk)
                n += len(chunk)
        elif hdrs.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")
                    break
                n += len(await reader.readexactly(size))
                await reader.readexactly(2)
    return status, hdrs, n


def closing(hdrs):
    return "close" in hdrs.get("connection", "").lower()


class Tally:
    def __init__(self):
        self.statuses = Counter()
        self.errors = Counter()
        self.latency = {}

    def add(self, kind, status, seconds):
        self.statuses[f"{kind} {status}"] += 1
        self.latency.setdefault(kind, []).append(seconds)

    def error(self, kind, e):
        self.errors[f"{kind}: {type(e).__name__}"] += 1


def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(p / 100 * len(v)))]


# ---- the legitimate load --------------------------------------------------------------------------------------

async def one(kind, reader, writer):
    if kind == "full":
        status, hdrs, n = await exchange(reader, writer, "GET", "/1m.bin")
        if status == 200 and n != 1 << 20:
            raise HttpError("short file")
        return status, closing(hdrs)
    if kind == "range":
        first = random.randrange(0, BIG // 4096) * 4096
        status, hdrs, n = await exchange(reader, writer, "GET", "/64m.bin", [("Range", f"bytes={first}-{first + 4095}")])
        if status == 206 and n != 4096:
            raise HttpError("short range")
        return status, closing(hdrs)
    if kind == "tus":
        status, hdrs, _ = await exchange(reader, writer, "POST", "/uploads/",
                                         [("Tus-Resumable", "1.0.0"), ("Upload-Length", str(len(TUS_BODY)))])
        if status != 201:
            return status, closing(hdrs)
        status, hdrs, _ = await exchange(reader, writer, "PATCH", hdrs["location"],
                                         [("Tus-Resumable", "1.0.0"), ("Upload-Offset", "0"),
                                          ("Content-Type", "application/offset+octet-stream")], TUS_BODY)
        return status, closing(hdrs)
    # an IETF draft upload, created and completed in one request
    status, hdrs, _ = await exchange(reader, writer, "POST", "/uploads/",
                                     [("Upload-Draft-Interop-Version", "6"), ("Upload-Complete", "?1")], IETF_BODY)
    if status == 201 and hdrs.get("upload-offset", str(len(IETF_BODY))) != str(len(IETF_BODY)):
        return f"201-offset-{hdrs['upload-offset']}", closing(hdrs)  # created, but the body not (all) taken
    return status, closing(hdrs)


async def legit_worker(stop, tally, rate):
    """Requests at a steady pace on a keep-alive connection (a new one after an error or a close)."""
    conn = None
    interval = WORKERS / rate
    next_at = time.monotonic() + random.random() * interval
    while not stop.is_set():
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        next_at += interval
        kind = random.choice(("full", "range", "range", "range", "tus", "ietf"))
        t0 = time.monotonic()
        try:
            if conn is None:
                conn = await asyncio.wait_for(asyncio.open_connection(HOST, PORT), 10)
            status, close = await asyncio.wait_for(one(kind, *conn), 30)
            tally.add(kind, status, time.monotonic() - t0)
            if close:  # the server ends the connection after this answer (a 503 to a body it did not read)
                conn[1].close()
                conn = None
        except Exception as e:  # noqa: BLE001 - every failure is counted
            tally.error(kind, e)
            if conn:
                conn[1].close()
            conn = None
    if conn:
        conn[1].close()


# ---- samples of the server ------------------------------------------------------------------------------------

def proc():
    with open(f"/proc/{PID}/status") as f:
        status = {l.split(":")[0]: l.split(":", 1)[1].strip() for l in f}
    return int(status["VmRSS"].split()[0]) // 1024, len(os.listdir(f"/proc/{PID}/fd")), int(status["Threads"])


async def live_heap():
    """The server's live heap in MiB after a full collection (jcmd GC.run, then GC.heap_info); -1 without jcmd."""
    import re
    try:
        gc = await asyncio.create_subprocess_exec("jcmd", str(PID), "GC.run", stdout=asyncio.subprocess.DEVNULL,
                                                  stderr=asyncio.subprocess.DEVNULL)
        await asyncio.wait_for(gc.wait(), 60)
        info = await asyncio.create_subprocess_exec("jcmd", str(PID), "GC.heap_info", stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.DEVNULL)
        out, _ = await asyncio.wait_for(info.communicate(), 60)
        m = re.search(r"used (\d+)K", out.decode())
        return int(m.group(1)) // 1024 if m else -1
    except (OSError, asyncio.TimeoutError):
        return -1


async def fresh(path="/small.bin"):
    """The time of one request on a new connection: connect, ask, read the answer, close."""
    t0 = time.monotonic()
    r, w = await asyncio.wait_for(asyncio.open_connection(HOST, PORT), 10)
    try:
        await asyncio.wait_for(exchange(r, w, "GET", path, [("Connection", "close")]), 10)
    finally:
        w.close()
    return time.monotonic() - t0


CURL = shutil.which("curl")


async def fresh_curl():
    """Like fresh(), timed by curl in a process of its own (time_total: connect to last byte), so that this
    driver's own event loop, busy with the load, is not in the figure."""
    p = await asyncio.create_subprocess_exec(CURL, "-s", "-o", "/dev/null", "--max-time", "10", "-w", "%{time_total}",
                                             f"http://{HOST}:{PORT}/small.bin", stdout=asyncio.subprocess.PIPE)
    out, _ = await p.communicate()
    return float(out.decode() or "10")


async def probes(n):
    out = []
    for _ in range(n):
        out.append(await (fresh_curl() if CURL else fresh()))
    return out


async def open_connections_metric():
    r, w = await asyncio.open_connection(HOST, PORT)
    try:
        w.write(b"GET /-/metrics HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n")
        await w.drain()
        text = (await asyncio.wait_for(r.read(), 10)).decode("latin-1")
    finally:
        w.close()
    for line in text.splitlines():
        if line.startswith("carryon_connections_open "):
            return int(float(line.split()[1]))
    return -1


async def sampler(stop, phase, samples, idle):
    t_start = time.monotonic()
    while not stop.is_set():
        lat = await probes(5)
        rss, fds, threads = proc()
        conns = await open_connections_metric()
        s = {"phase": phase, "t": time.monotonic() - t_start, "rss": rss, "fds": fds, "threads": threads,
             "conns": conns, "fresh_ms": statistics.median(lat) * 1000}
        samples.append(s)
        print(f"  {phase:5} {s['t']:6.0f} s  RSS {rss:5d} MiB  fds {fds:6d}  threads {threads:3d}  "
              f"open {conns:6d}  fresh request {s['fresh_ms']:7.2f} ms ({s['fresh_ms'] / (idle * 1000):4.1f}x idle)",
              flush=True)
        try:
            await asyncio.wait_for(stop.wait(), SAMPLE)
        except asyncio.TimeoutError:
            pass


# ---- held connections and slow clients ------------------------------------------------------------------------

async def hold_one(held, failures):
    for attempt in range(5):
        try:
            r, w = await asyncio.wait_for(asyncio.open_connection(HOST, PORT), 10)
            status, _, _ = await asyncio.wait_for(exchange(r, w, "GET", "/small.bin"), 30)
            if status == 200:
                held.append((r, w))
                return
            w.close()
        except Exception:  # noqa: BLE001 - retried, then counted
            await asyncio.sleep(0.2 * (attempt + 1))
    failures.append(1)


async def slow_headers(stop, tally):
    """A request head one field line every 2 s, never ended (slowloris): the header timeout must end it."""
    while not stop.is_set():
        t0 = time.monotonic()
        try:
            r, w = await asyncio.wait_for(asyncio.open_connection(HOST, PORT), 10)
            answer = asyncio.create_task(r.read())  # whatever the server says (a 408), up to its close
            w.write(b"GET /1m.bin HTTP/1.1\r\nHost: soak\r\n")
            i = 0
            while not stop.is_set() and not answer.done():
                await asyncio.wait([answer], timeout=2)
                if not answer.done():
                    w.write(f"X-Slow-{i}: x\r\n".encode())
                    i += 1
            got = answer.result() if answer.done() else b""
            answer.cancel()
            tally.add("slow-headers", got[9:12].decode() if got else ("stopped" if stop.is_set() else "closed"),
                      time.monotonic() - t0)
            w.close()
        except Exception as e:  # noqa: BLE001
            tally.add("slow-headers", type(e).__name__, time.monotonic() - t0)
            await asyncio.sleep(1)


async def slow_body(stop, tally):
    """An upload whose body comes at 100 bytes every 2 s: it takes a writer slot for as long as it trickles."""
    while not stop.is_set():
        t0 = time.monotonic()
        try:
            r, w = await asyncio.wait_for(asyncio.open_connection(HOST, PORT), 10)
            status, hdrs, _ = await exchange(r, w, "POST", "/uploads/",
                                             [("Tus-Resumable", "1.0.0"), ("Upload-Length", "1048576")])
            if status != 201:
                tally.add("slow-body", f"create {status}", time.monotonic() - t0)
                w.close()
                await asyncio.sleep(1)
                continue
            w.write((f"PATCH {hdrs['location']} HTTP/1.1\r\nHost: soak\r\nTus-Resumable: 1.0.0\r\n"
                     "Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
                     "Content-Length: 1048576\r\n\r\n").encode())
            answer = b""
            while not stop.is_set():
                w.write(b"x" * 100)
                await w.drain()
                try:
                    answer = await asyncio.wait_for(r.read(4096), 2)
                    break  # an answer (503 at the cap, 408) or a close
                except asyncio.TimeoutError:
                    continue
            tally.add("slow-body", answer[9:12].decode() or ("stopped" if stop.is_set() else "closed"),
                      time.monotonic() - t0)
            w.close()
        except Exception as e:  # noqa: BLE001
            tally.add("slow-body", type(e).__name__, time.monotonic() - t0)
            await asyncio.sleep(1)


async def slow_reader(stop, tally):
    """A 64 MiB download read at 4 KiB per second through a small receive window."""
    import socket
    while not stop.is_set():
        t0 = time.monotonic()
        try:
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.setblocking(False)
            await asyncio.get_running_loop().sock_connect(s, (HOST, PORT))
            r, w = await asyncio.open_connection(sock=s, limit=4096)
            w.write(b"GET /64m.bin HTTP/1.1\r\nHost: soak\r\n\r\n")
            await w.drain()
            n = 0
            while not stop.is_set():
                chunk = await r.read(4096)
                if not chunk:
                    break
                n += len(chunk)
                await asyncio.sleep(1)
            tally.add("slow-reader", "stopped" if stop.is_set() else "closed", time.monotonic() - t0)
            w.close()
        except Exception as e:  # noqa: BLE001
            tally.add("slow-reader", type(e).__name__, time.monotonic() - t0)
            await asyncio.sleep(1)


# ---- the run --------------------------------------------------------------------------------------------------

def report(name, tally):
    print(f"  {name}: statuses {dict(sorted(tally.statuses.items()))}")
    if tally.errors:
        print(f"  {name}: errors {dict(tally.errors)}")
    for kind, lat in sorted(tally.latency.items()):
        if kind.startswith("slow"):
            continue
        print(f"  {name}: {kind:6} {len(lat):6d} requests, latency p50 {pct(lat, 50) * 1000:7.1f} ms, "
              f"p99 {pct(lat, 99) * 1000:7.1f} ms")


def served(tally, kinds):
    ok = sum(v for k, v in tally.statuses.items() if k.split()[0] in kinds and k.split()[1] in ("200", "201", "204", "206"))
    total = sum(v for k, v in tally.statuses.items() if k.split()[0] in kinds) + sum(
        v for k, v in tally.errors.items() if k.split(":")[0] in kinds)
    return ok, total


async def load_phase(phase, secs, samples, idle, extra=()):
    stop = asyncio.Event()
    tally = Tally()
    tasks = [asyncio.create_task(legit_worker(stop, tally, RATE)) for _ in range(WORKERS)]
    tasks += [asyncio.create_task(x(stop, tally)) for x in extra]
    tasks.append(asyncio.create_task(sampler(stop, phase, samples, idle)))
    await asyncio.sleep(secs)
    stop.set()
    await asyncio.wait(tasks, timeout=30)
    for t in tasks:
        t.cancel()
    return tally


async def main():
    verdicts = []
    samples = []
    print(f"soak: {HOLD} held connections for {HOLD_SECS} s with {RATE:.0f} requests/s beside them, then {SLOW} slow "
          f"clients for {SLOW_SECS} s with the same load")
    warm = Tally()
    stop = asyncio.Event()
    workers = [asyncio.create_task(legit_worker(stop, warm, RATE)) for _ in range(WORKERS)]
    await asyncio.sleep(15)  # the JIT, the pools, the database
    stop.set()
    await asyncio.wait(workers)
    await probes(20)
    idle_lat = await probes(40)
    idle = statistics.median(idle_lat)
    rss0, fds0, threads0 = proc()
    heap0 = await live_heap()
    print(f"(idle) fresh request p50 {idle * 1000:.2f} ms, p90 {pct(idle_lat, 90) * 1000:.2f} ms; RSS {rss0} MiB, "
          f"live heap {heap0} MiB, fds {fds0}, threads {threads0}")

    # (a) held connections
    held, failures = [], []
    t0 = time.monotonic()
    for i in range(0, HOLD, 500):
        await asyncio.gather(*(hold_one(held, failures) for _ in range(min(500, HOLD - i))))
    rss1, fds1, _ = proc()
    heap1 = await live_heap()
    print(f"(a) {len(held)} connections held ({len(failures)} failed) in {time.monotonic() - t0:.0f} s; "
          f"RSS {rss1} MiB, live heap {heap1} MiB, fds {fds1}")
    tally_a = await load_phase("hold", HOLD_SECS, samples, idle)
    heap2 = await live_heap()
    alive = 0
    for r, w in random.sample(held, min(200, len(held))):
        try:
            status, _, _ = await asyncio.wait_for(exchange(r, w, "GET", "/small.bin"), 10)
            alive += status == 200
        except Exception:  # noqa: BLE001
            pass
    report("(a)", tally_a)
    hold = [s for s in samples if s["phase"] == "hold"]
    first, last = hold[0], hold[-1]
    third = hold[len(hold) // 3]
    rss_max = max(s["rss"] for s in hold)
    worst = max(s["fresh_ms"] for s in hold) / 1000
    med = statistics.median(s["fresh_ms"] for s in hold) / 1000
    ok, total = served(tally_a, ("full", "range", "tus", "ietf"))
    print(f"(a) after {HOLD_SECS} s: {alive} of {min(200, len(held))} sampled held connections still answer; "
          f"RSS {first['rss']} -> {third['rss']} at a third -> {last['rss']} MiB (max {rss_max}); fds {first['fds']} -> {last['fds']}; "
          f"fresh request median of samples {med * 1000:.2f} ms = {med / idle:.1f}x idle, worst sample "
          f"{worst * 1000:.2f} ms = {worst / idle:.1f}x; load {ok} of {total} served; live heap {heap1} -> {heap2} MiB")
    verdicts += [
        ("(a) every connection held", len(held) == HOLD and alive == min(200, len(held))),
        # G1 grows the heap to its limit under load, then resident memory swings with each cycle: the test is
        # that the last third goes no higher than the middle one (a leak would climb), and the live heap.
        ("(a) resident memory flat after the first third (max of the last third within 10% of the middle's)",
         max(x["rss"] for x in hold[2 * len(hold) // 3:])
         <= 1.1 * max(x["rss"] for x in (hold[len(hold) // 3:2 * len(hold) // 3] or hold))),
        ("(a) descriptors flat (within 50 of the first sample)", abs(last["fds"] - first["fds"]) <= 50),
        ("(a) live heap after a full GC flat (within 16 MiB)", heap2 - heap1 <= 16),
        ("(a) fresh-request latency, median of the samples, within 2x idle", med <= 2 * idle),
        ("(a) every request of the load served (2xx)", ok == total),
    ]
    for r, w in held:
        w.close()
    held.clear()
    await asyncio.sleep(0)
    released = None
    for _ in range(60):
        if await open_connections_metric() <= 2:
            released = proc()
            break
        await asyncio.sleep(0.5)
    if released:
        heap3 = await live_heap()
        print(f"(a) held connections closed: RSS {released[0]} MiB, live heap {heap3} MiB, fds {released[1]}")
        verdicts.append(("(a) descriptors back to the idle figure (within 20)", released[1] <= fds0 + 20))

    # (b) slow clients
    n = SLOW // 3
    extra = [slow_headers] * n + [slow_body] * n + [slow_reader] * (SLOW - 2 * n)
    tally_b = await load_phase("slow", SLOW_SECS, samples, idle, extra)
    report("(b)", tally_b)
    slow = [s for s in samples if s["phase"] == "slow"]
    med_b = statistics.median(s["fresh_ms"] for s in slow) / 1000
    dl_ok, dl_total = served(tally_b, ("full", "range"))
    up_ok, up_total = served(tally_b, ("tus", "ietf"))
    print(f"(b) fresh request median of samples {med_b * 1000:.2f} ms = {med_b / idle:.1f}x idle; downloads "
          f"{dl_ok} of {dl_total} served, uploads {up_ok} of {up_total} (503s: "
          f"{sum(v for k, v in tally_b.statuses.items() if k.split()[0] in ('tus', 'ietf') and k.endswith('503'))})")
    verdicts += [
        ("(b) downloads all served beside the slow clients", dl_ok == dl_total),
        ("(b) uploads all served beside the slow clients", up_ok == up_total),
        ("(b) fresh-request latency, median of the samples, within 2x idle", med_b <= 2 * idle),
    ]
    await asyncio.sleep(2)  # the slow clients' connections close
    rss2, fds2, threads2 = proc()
    heap4 = await live_heap()
    print(f"end: RSS {rss2} MiB, live heap {heap4} MiB, fds {fds2}, threads {threads2}")
    print("verdicts:")
    for name, ok in verdicts:
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    return 0 if all(ok for _, ok in verdicts) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
