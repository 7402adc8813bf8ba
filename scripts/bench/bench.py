#!/usr/bin/env python3
"""The one benchmark of mlpipe, side by side with node_exporter and Pushgateway (issue 17).

Run it through scripts/bench/run.sh [--quick]. Everything runs on 127.0.0.1 with free ports and
temporary storage, one figure after another in one run, so that the ratios compare like with like.
CPU time is utime+stime from /proc/PID/stat, RSS is VmRSS from /proc/PID/status. Writes
bench/results/<UTC time>[-quick].md and .json; scripts/bench/readme_table.py puts the latest into
the README.

Standard library only (python3 of Debian), plus wrk and hyperfine.
"""

import argparse
import concurrent.futures
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
JAR = os.path.join(ROOT, "exporter", "target", "mlpipe.jar")
# The agent as the issue measures it: what bin/mlpipe runs, without its heap bound for the 1M run.
JAVA = ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xms8m",
        "-XX:+ExitOnOutOfMemoryError", "-XX:TrimNativeHeapInterval=10000"]
# The AppCDS archive the build writes next to the jar, used as bin/mlpipe uses it.
JSA = os.path.join(ROOT, "exporter", "target", "mlpipe.jsa")
if os.path.exists(JSA):
    JAVA += [f"-XX:SharedArchiveFile={JSA}", "-Xshare:auto"]
CLK_TCK = os.sysconf("SC_CLK_TCK")
# What Prometheus 2.42 sends when it scrapes (OpenMetrics preferred).
PROMETHEUS_ACCEPT = (
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
    "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
)


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state): utime is field 14, stime 15
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Server:
    """A process listening on 127.0.0.1:port, killed on close."""

    def __init__(self, name, argv, port, work, env=None, ready_path="/-/ready"):
        self.name, self.port, self.ready_path = name, port, ready_path
        self.log_path = os.path.join(work, f"{name}.log")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            argv,
            stdout=open(self.log_path, "w"),
            stderr=subprocess.STDOUT,
            env=env,
            cwd=work,
        )
        self.pid = self.proc.pid

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout=60):
        """Seconds from spawn until ready_path answers 200 (polled every 10 ms)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: see {self.log_path}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", self.ready_path)
                r = c.getresponse()
                r.read()
                c.close()
                if r.status == 200:
                    return time.monotonic() - self.started
            except OSError:
                pass
            time.sleep(0.01)
        raise RuntimeError(f"{self.name} not ready after {timeout}s: see {self.log_path}")

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def mlpipe(work, name, extra=(), java=JAVA):
    port = free_port()
    data = os.path.join(work, name + "-data")
    argv = list(java) + [
        "-jar",
        JAR,
        "serve",
        f"--web.listen-address=127.0.0.1:{port}",
        f"--storage.path={data}",
        "--storage.fsync=batch",
        "--log.level=warn",
    ] + list(extra)
    return Server(name, argv, port, work)


def node_exporter(work):
    port = free_port()
    argv = ["prometheus-node-exporter", f"--web.listen-address=127.0.0.1:{port}"]
    return Server("node_exporter", argv, port, work, ready_path="/metrics")


def pushgateway(work):
    port = free_port()
    argv = [
        "prometheus-pushgateway",
        f"--web.listen-address=127.0.0.1:{port}",
        f"--persistence.file={os.path.join(work, 'pushgateway.data')}",
    ]
    return Server("pushgateway", argv, port, work)


def get(server, path="/metrics", headers=None, conn=None):
    c = conn or http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    c.request("GET", path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    if conn is None:
        c.close()
    if r.status != 200:
        raise RuntimeError(f"{server.name} GET {path}: {r.status}")
    return body


def series_count(body):
    return sum(1 for line in body.split(b"\n") if line and not line.startswith(b"#"))


def wrk(url, seconds, script=None, threads=2, conns=4):
    argv = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--latency"]
    if script:
        argv += ["-s", script]
    out = subprocess.run(argv + [url], capture_output=True, text=True, check=True).stdout
    m = re.search(r"(\d+) requests in", out)
    requests = int(m.group(1)) if m else 0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)

    def pct(p):
        v = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not v:
            return float("nan")
        return float(v.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[v.group(2)]

    return {
        "requests": requests,
        "rps": rps,
        "p50_ms": pct(50),
        "p99_ms": pct(99),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def wrk_measured(server, url, warm, seconds, script=None):
    """wrk after a warm-up; CPU seconds of the server during the measured run."""
    wrk(url, warm, script)
    c0 = cpu_seconds(server.pid)
    r = wrk(url, seconds, script)
    r["cpu_s"] = cpu_seconds(server.pid) - c0
    r["cpu_s_per_1000"] = r["cpu_s"] * 1000 / max(r["requests"], 1)
    r["rss_mb"] = rss_mb(server.pid)
    return r


def push_body(series, name="bench_series"):
    lines = [f"# TYPE {name} gauge"]
    for k in range(series):
        lines.append(f'{name}{{series="s{k}",stage="train",pipeline="churn"}} {k}.5')
    return ("\n".join(lines) + "\n").encode()


def push_groups(server, groups, series, workers=4, job="heap", deadline_s=None):
    """PUTs `groups` groups of `series` series each over `workers` keep-alive connections.

    Stops at deadline_s (Pushgateway checks every push against everything it holds, so filling it
    takes time quadratic in the series; on a busy machine it may not finish). Returns the seconds
    taken and the groups pushed."""
    body = push_body(series)
    headers = {"Content-Type": "text/plain; version=0.0.4"}
    stop = time.monotonic() + deadline_s if deadline_s else None
    done = [0] * workers

    def worker(w):
        c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
        for g in range(w, groups, workers):
            if stop and time.monotonic() > stop:
                break
            c.request("PUT", f"/metrics/job/{job}/instance/node-{g}", body=body, headers=headers)
            r = c.getresponse()
            r.read()
            if r.status // 100 != 2:
                raise RuntimeError(f"{server.name} PUT group {g}: {r.status}")
            done[w] += 1
        c.close()

    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(workers) as ex:
        list(ex.map(worker, range(workers)))
    return time.monotonic() - t0, sum(done)


def timed_scrapes(server, n, headers=None):
    """Median and minimum wall ms of n GET /metrics (after 2 not counted), and the body size."""
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    for _ in range(2):
        body = get(server, headers=headers, conn=c)
    times = []
    c0 = cpu_seconds(server.pid)
    for _ in range(n):
        t0 = time.monotonic()
        body = get(server, headers=headers, conn=c)
        times.append((time.monotonic() - t0) * 1000)
    cpu = (cpu_seconds(server.pid) - c0) / n * 1000
    c.close()
    return {
        "median_ms": statistics.median(times),
        "min_ms": min(times),
        "cpu_ms_per_scrape": cpu,
        "bytes": len(body),
        "series": series_count(body),
    }


def metric_value(body, prefix):
    for line in body.decode().split("\n"):
        if line.startswith(prefix):
            return float(line.rsplit(" ", 1)[1])
    return float("nan")


def heap_after_gc(server):
    best = None
    for _ in range(2):
        subprocess.run(["jcmd", str(server.pid), "GC.run"], capture_output=True, check=False)
        v = metric_value(get(server), 'jvm_memory_used_bytes{area="heap"}')
        best = v if best is None else min(best, v)
    return best


def machine_facts():
    def sh(cmd):
        try:
            return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""

    cpu_model = sh("awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo")
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "kernel": platform.release(),
        "java": sh("java -version 2>&1 | head -1"),
        "memory_mb": int(sh("awk '/MemTotal/ {print $2}' /proc/meminfo") or 0) // 1024,
        "disk": sh(f"df -hT {tempfile.gettempdir()} | awk 'NR==2 {{print $1\" \"$2\" \"$3}}'"),
        "node_exporter": sh("prometheus-node-exporter --version 2>&1 | head -1"),
        "pushgateway": sh("prometheus-pushgateway --version 2>&1 | head -1"),
        "wrk": sh("wrk -v 2>&1 | head -1"),
        "hyperfine": sh("hyperfine --version"),
        "mlpipe_revision": sh(f"git -C {ROOT} rev-parse --short HEAD"),
    }


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


class Results:
    def __init__(self, quick):
        self.quick = quick
        self.figures = []
        self.load = []

    def add(self, key, figure, unit, mlpipe, peer=None, peer_name=None, goal=None, lower=True,
            note=""):
        ratio = None
        if peer not in (None, 0) and mlpipe is not None:
            ratio = mlpipe / peer
        self.figures.append(
            {
                "key": key,
                "figure": figure,
                "unit": unit,
                "mlpipe": mlpipe,
                "peer": peer,
                "peer_name": peer_name,
                "ratio": ratio,
                "lower_is_better": lower,
                "goal": goal,
                "note": note,
                "loadavg": loadavg(),
            }
        )
        peer_s = f", {peer_name} {peer:.4g}" if peer is not None else ""
        ratio_s = f", ratio {ratio:.2f}x" if ratio is not None else ""
        log(f"{figure}: mlpipe {mlpipe:.4g} {unit}{peer_s}{ratio_s} (load {loadavg()})")


def bench_host_scrape(work, res, a):
    log("host scrape: mlpipe (default collectors) and node_exporter (defaults), wrk -t2 -c4")
    ne = node_exporter(work)
    ag = mlpipe(work, "agent-host")
    try:
        ne.wait_ready()
        ag.wait_ready()
        m = wrk_measured(ag, ag.base + "/metrics", a.warm, a.secs)
        n = wrk_measured(ne, ne.base + "/metrics", a.warm, a.secs)
        ms, ns = series_count(get(ag)), series_count(get(ne))
    finally:
        ag.close()
        ne.close()
    res.add("host_scrape_cpu", f"host scrape, CPU seconds per 1000 scrapes (mlpipe {ms} series,"
            f" node_exporter {ns})", "CPU-s", m["cpu_s_per_1000"], n["cpu_s_per_1000"],
            "node_exporter", "<= 0.5x",
            note=f"wrk -t2 -c4 -d{a.secs}s after {a.warm}s; mlpipe {m['rps']:.0f} req/s, "
            f"node_exporter {n['rps']:.0f} req/s")
    res.add("host_scrape_p99", "host scrape p99 under 4 connections", "ms", m["p99_ms"],
            n["p99_ms"], "node_exporter", "<= 1x",
            note=f"p50 {m['p50_ms']:.2f} vs {n['p50_ms']:.2f} ms")


def bench_push(work, res, a):
    log("PUT/s: 20-series bodies over 100 groups, wrk -t2 -c4 (mlpipe fsync=batch)")
    lua = os.path.join(ROOT, "scripts", "bench", "push.lua")
    ag = mlpipe(work, "agent-push")
    try:
        ag.wait_ready()
        m = wrk_measured(ag, ag.base, a.warm, a.secs, lua)
    finally:
        ag.close()
    pg = pushgateway(work)
    try:
        pg.wait_ready()
        p = wrk_measured(pg, pg.base, a.warm, a.secs, lua)
    finally:
        pg.close()
    if m["non2xx"] or p["non2xx"]:
        raise RuntimeError(f"refused PUTs: mlpipe {m['non2xx']}, pushgateway {p['non2xx']}")
    res.add("push_rps", "PUT/s, 20-series text bodies, 100 groups, 4 connections "
            "(mlpipe --storage.fsync=batch: acked after fsync)", "PUT/s", m["rps"], p["rps"],
            "Pushgateway", ">= 10x", lower=False,
            note=f"p99 {m['p99_ms']:.1f} vs {p['p99_ms']:.1f} ms; CPU-s per 1000 PUTs "
            f"{m['cpu_s_per_1000']:.3f} vs {p['cpu_s_per_1000']:.3f}; RSS {m['rss_mb']:.0f} vs "
            f"{p['rss_mb']:.0f} MB")


def bench_100k(work, res, a):
    groups, per = 1000, 100
    log(f"{groups * per} pushed series ({groups} groups x {per}): scrape time and RSS")
    out = {}
    for name, start in (("mlpipe", lambda: mlpipe(work, "agent-100k")),
                        ("pushgateway", lambda: pushgateway(work))):
        s = start()
        try:
            s.wait_ready()
            if name == "mlpipe":
                get(s)
                empty_heap = heap_after_gc(s)
            secs, pushed = push_groups(s, groups, per, deadline_s=a.fill_deadline)
            log(f"  {name}: pushed {pushed} groups in {secs:.1f} s")
            text = timed_scrapes(s, a.scrapes)
            om = timed_scrapes(s, a.scrapes, {"Accept": PROMETHEUS_ACCEPT})
            gz = timed_scrapes(s, a.scrapes, {"Accept-Encoding": "gzip"})
            log(f"  {name}: scraped, text {text['median_ms']:.0f} ms")
            out[name] = {"push_s": secs, "series": pushed * per, "text": text, "om": om, "gz": gz,
                         "rss": rss_mb(s.pid)}
            if name == "mlpipe":
                full_heap = heap_after_gc(s)
                stored = metric_value(get(s), 'mlpipe_exporter_series{source="push"}')
                out[name]["heap_per_series"] = (full_heap - empty_heap) / stored
        finally:
            s.close()
    m, p = out["mlpipe"], out["pushgateway"]
    full = groups * per

    def per_100k(o, kind):
        # Scrape time grows linearly with the series: when a fill was cut short by the deadline,
        # the figure is scaled to 100k and the note says so.
        return o[kind]["median_ms"] * full / o["series"]

    cut = [f"{n} held only {o['series']:,} series when the {a.fill_deadline} s fill deadline "
           "passed: scrape times scaled to 100k" for n, o in out.items() if o["series"] < full]
    cut_note = ("; " + "; ".join(cut)) if cut else ""
    res.add("scrape_100k", "scrape of 100k pushed series (1,000 groups x 100), text 0.0.4",
            "ms", per_100k(m, "text"), per_100k(p, "text"), "Pushgateway", "<= 0.5x",
            note=f"median of {a.scrapes}; {m['text']['bytes']:,} vs {p['text']['bytes']:,} bytes;"
            f" CPU {m['text']['cpu_ms_per_scrape']:.0f} vs {p['text']['cpu_ms_per_scrape']:.0f} "
            f"ms per scrape{cut_note}")
    res.add("scrape_100k_cpu", "same, CPU time of the server per scrape (less sensitive to load)",
            "ms", m["text"]["cpu_ms_per_scrape"] * full / m["series"],
            p["text"]["cpu_ms_per_scrape"] * full / p["series"], "Pushgateway", "<= 0.5x")
    res.add("scrape_100k_om", "same, with Prometheus' Accept (OpenMetrics preferred)", "ms",
            per_100k(m, "om"), per_100k(p, "om"), "Pushgateway", "<= 0.5x")
    res.add("scrape_100k_gzip", "same, text with Accept-Encoding: gzip", "ms",
            per_100k(m, "gz"), per_100k(p, "gz"), "Pushgateway", "<= 0.5x")
    res.add("rss_100k", "RSS holding 100k pushed series (after the scrapes)", "MB", m["rss"],
            p["rss"], "Pushgateway", "<= 1x",
            note=f"series held: mlpipe {m['series']:,}, Pushgateway {p['series']:,}")
    res.add("heap_per_series", "heap bytes per stored series (after full GC)", "bytes",
            m["heap_per_series"], note="jcmd GC.run, jvm_memory_used_bytes{area=\"heap\"}")
    res.add("push_100k", "time to PUT 1,000 groups x 100 series into an empty server "
            "(4 connections)", "s", m["push_s"], p["push_s"], "Pushgateway",
            note=f"groups pushed: mlpipe {m['series'] // per}, Pushgateway {p['series'] // per}")


def bench_1m(work, res, a):
    groups, per = 10_000, 100
    log(f"1M pushed series ({groups} groups x {per}) on mlpipe with -Xmx512m")
    cfg = os.path.join(work, "limits.yml")
    with open(cfg, "w") as f:
        f.write("limits:\n  max_series_total: 2000000\n")
    s = mlpipe(work, "agent-1m", [f"--config.file={cfg}"], JAVA + ["-Xmx512m"])
    try:
        s.wait_ready()
        secs, _ = push_groups(s, groups, per)
        t = timed_scrapes(s, 3)
        rss = rss_mb(s.pid)
    finally:
        s.close()
    res.add("scrape_1m", "scrape of 1M pushed series, -Xmx512m", "ms", t["median_ms"],
            goal="<= 1000 ms", note=f"{t['bytes'] / 1e6:.0f} MB body, pushed in {secs:.0f} s")
    res.add("rss_1m", "RSS holding 1M pushed series, -Xmx512m", "MB", rss, goal="<= 400 MB")


def bench_start(work, res, a):
    log("start to ready and idle RSS after 5 scrapes")
    starts, rss = [], []
    for i in range(a.starts):
        s = mlpipe(work, f"agent-start-{i}")
        try:
            starts.append(s.wait_ready() * 1000)
            for _ in range(5):
                get(s)
            rss.append(rss_mb(s.pid))
        finally:
            s.close()
    ne_starts, ne_rss = [], []
    for _ in range(a.starts):
        n = node_exporter(work)
        try:
            ne_starts.append(n.wait_ready() * 1000)
            for _ in range(5):
                get(n)
            ne_rss.append(rss_mb(n.pid))
        finally:
            n.close()
    res.add("start_ready", "start to ready, empty store (median)", "ms",
            statistics.median(starts), statistics.median(ne_starts), "node_exporter",
            "<= 1000 ms", note=f"mlpipe {', '.join(f'{x:.0f}' for x in starts)} ms")
    res.add("idle_rss", "idle RSS after 5 scrapes (median)", "MB", statistics.median(rss),
            statistics.median(ne_rss), "node_exporter", "<= 64 MB")
    # What a fleet of agents holds between 15 s scrapes: the JVM frees start-up's compiler memory
    # a few seconds after start and bin/mlpipe's TrimNativeHeapInterval returns it to the kernel,
    # which the figure right after the first scrapes does not show. Both sides the same way: 5
    # scrapes, then one more 20 s after start.
    settled = {}
    for name, start in (("mlpipe", lambda: mlpipe(work, "agent-settled")),
                        ("node_exporter", lambda: node_exporter(work))):
        s = start()
        try:
            s.wait_ready()
            for _ in range(5):
                get(s)
            time.sleep(max(0.0, 20 - (time.monotonic() - s.started)))
            get(s)
            settled[name] = rss_mb(s.pid)
        finally:
            s.close()
    res.add("idle_rss_settled", "idle RSS 20 s after start, 6 scrapes", "MB", settled["mlpipe"],
            settled["node_exporter"], "node_exporter")


def bench_run(work, res, a):
    log("mlpipe run -- true overhead (hyperfine, agent reachable)")
    s = mlpipe(work, "agent-run")
    try:
        s.wait_ready()
        env = dict(os.environ, MLPIPE_AGENT=s.base, MLPIPE_SPOOL=os.path.join(work, "spool"))
        out = os.path.join(work, "hyperfine.json")
        subprocess.run(
            ["hyperfine", "-N", "--warmup", "2", "--runs", str(a.runs), "--export-json", out,
             "true", f"{ROOT}/bin/mlpipe run --pipeline p --stage s -- true"],
            env=env, capture_output=True, check=True)
        with open(out) as f:
            r = json.load(f)["results"]
    finally:
        s.close()
    overhead = (r[1]["mean"] - r[0]["mean"]) * 1000
    res.add("run_overhead", "`mlpipe run -- true` overhead (bin/mlpipe, hyperfine mean)", "ms",
            overhead, goal="<= 150 ms",
            note=f"± {r[1]['stddev'] * 1000:.0f} ms, {a.runs} runs")


def bench_events(work, res, a):
    log("JSON events API: one event per POST and batches of 100, wrk -t2 -c4")
    event = '{"type":"records","pipeline":"bench","stage":"load","processed":100,"invalid":1}'
    scripts = {}
    for name, body in (("single", event), ("batch", "[" + ",".join([event] * 100) + "]")):
        path = os.path.join(work, f"events-{name}.lua")
        with open(path, "w") as f:
            f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                    f"wrk.body = [==[{body}]==]\n")
        scripts[name] = path
    s = mlpipe(work, "agent-events")
    try:
        s.wait_ready()
        single = wrk_measured(s, s.base + "/api/v1/events", a.warm, a.secs, scripts["single"])
        batch = wrk_measured(s, s.base + "/api/v1/events", 1, a.secs, scripts["batch"])
    finally:
        s.close()
    if single["non2xx"] or batch["non2xx"]:
        raise RuntimeError("events refused")
    res.add("events_single", "JSON events/s, one event per POST, 4 connections", "events/s",
            single["rps"], lower=False)
    res.add("events_batch", "JSON events/s, batches of 100, 4 connections", "events/s",
            batch["rps"] * 100, lower=False)


def fmt(v, unit):
    if v is None:
        return ""
    if unit in ("PUT/s", "events/s", "bytes"):
        return f"{v:,.0f}"
    if unit == "MB":
        return f"{v:.0f} MB"
    if unit == "ms":
        return f"{v:,.1f} ms" if v < 100 else f"{v:,.0f} ms"
    if unit == "s":
        return f"{v:.1f} s"
    return f"{v:.3g} {unit}"


def markdown_table(data):
    rows = ["| figure | mlpipe | peer | ratio | goal |", "| --- | --- | --- | --- | --- |"]
    for f in data["figures"]:
        peer = f"{f['peer_name']} {fmt(f['peer'], f['unit'])}" if f["peer"] is not None else ""
        ratio = f"{f['ratio']:.2f}x" if f["ratio"] is not None else ""
        rows.append(f"| {f['figure']} | {fmt(f['mlpipe'], f['unit'])} | {peer} | {ratio} | "
                    f"{f['goal'] or ''} |")
    return "\n".join(rows)


def write_results(res, started, load_before):
    now = datetime.datetime.now(datetime.timezone.utc)
    stem = now.strftime("%Y-%m-%dT%H%MZ") + ("-quick" if res.quick else "")
    out_dir = os.path.join(ROOT, "bench", "results")
    os.makedirs(out_dir, exist_ok=True)
    data = {
        "date": now.isoformat(timespec="seconds"),
        "mode": "quick" if res.quick else "full",
        "duration_s": round(time.monotonic() - started),
        "machine": machine_facts(),
        "loadavg_before": load_before,
        "loadavg_after": loadavg(),
        "command": "scripts/bench/run.sh" + (" --quick" if res.quick else ""),
        "figures": res.figures,
    }
    with open(os.path.join(out_dir, stem + ".json"), "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    m = data["machine"]
    lines = [
        f"# mlpipe benchmark, {data['date']} ({data['mode']})",
        "",
        f"`{data['command']}` on {m['cpus']} CPUs ({m['cpu_model']}), {m['memory_mb']} MB, "
        f"kernel {m['kernel']}, {m['java']}, disk {m['disk']}; {m['node_exporter']}; "
        f"{m['pushgateway']}; mlpipe {m['mlpipe_revision']}. Load average before "
        f"{load_before}, after {data['loadavg_after']}; took {data['duration_s']} s.",
        "",
        "Ratio is mlpipe / peer. Everything in one run on 127.0.0.1, one figure after another.",
        "",
        markdown_table(data),
        "",
        "Notes:",
        "",
    ]
    for f in res.figures:
        lines.append(f"- {f['figure']}: {f['note'] or '-'} (load {f['loadavg']})")
    with open(os.path.join(out_dir, stem + ".md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    log(f"wrote bench/results/{stem}.md and .json")
    print(markdown_table(data))


def main():
    # SIGTERM (timeout, Ctrl-C from a wrapper) still stops the servers and removes the temp dir.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="short runs, no 1M series (< 4 min)")
    ap.add_argument("--only", help="comma-separated parts: host,push,100k,1m,start,run,events")
    a = ap.parse_args()
    a.warm, a.secs, a.scrapes, a.starts, a.runs, a.fill_deadline = (
        (3, 8, 5, 3, 10, 60) if a.quick else (5, 15, 10, 5, 20, 400))
    parts = {
        "host": bench_host_scrape,
        "push": bench_push,
        "100k": bench_100k,
        "1m": bench_1m,
        "start": bench_start,
        "run": bench_run,
        "events": bench_events,
    }
    chosen = a.only.split(",") if a.only else [p for p in parts if not (a.quick and p == "1m")]
    for tool in ("wrk", "hyperfine", "prometheus-node-exporter", "prometheus-pushgateway",
                 "jcmd"):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is missing (scripts/bench/run.sh installs the Debian packages)")
    res = Results(a.quick)
    started, load_before = time.monotonic(), loadavg()
    work = tempfile.mkdtemp(prefix="mlpipe-bench-")
    try:
        for p in chosen:
            parts[p](work, res, a)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_results(res, started, load_before)


if __name__ == "__main__":
    main()
