#!/usr/bin/env python3
"""N simulated mlpipe agents for scripts/bench/fleet.sh: one asyncio process, one port per agent.

Each agent serves the exposition recorded from a real agent (RECORDED), with
  - the recorded hostname replaced by node-<i> (nodename, DCGM Hostname, run host);
  - per-CPU series (cpu="0") copied to --cpus CPUs, as on a GPU server;
  - counters and histograms growing at every scrape, gauges wobbling, so that Prometheus
    compresses what it would compress on a real fleet, not a constant.
Writes the ports, one per line, to PORTS_FILE once every port listens.

usage: fleet_targets.py RECORDED HOSTNAME N CPUS PORTS_FILE
"""
import asyncio
import os
import math
import re
import sys
import zlib


def parse(text, hostname, cpus):
    """Lines -> list of prepare() tuples; '#' and empty lines as (line, None)."""
    kinds = {}
    out = []
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            kinds[name] = kind
        if not line or line.startswith("#"):
            out.append((line, None))
            continue
        prefix, value = line.rsplit(" ", 1)
        name = re.match(r"[^{ ]+", prefix).group(0)
        family = re.sub(r"_(bucket|count|sum|total|created)$", "", name)
        kind = kinds.get(name) or kinds.get(family) or "untyped"
        copies = [prefix]
        if 'cpu="0"' in prefix:
            copies += [prefix.replace('cpu="0"', 'cpu="%d"' % c) for c in range(2, cpus)]
        for p in copies:
            # Only whole label values: the hostname may be a substring of names ("vm" in "jvm").
            out.append(prepare(p.replace('="%s"' % hostname, '="@HOST@"'), value, kind))
    return out


def prepare(prefix, value, kind):
    """(prefix, base, step, wobble): how the sample moves per scrape, computed once."""
    try:
        v = float(value)
    except ValueError:
        v = math.nan
    if not math.isfinite(v):
        return (prefix, value, 0, 0)
    h = zlib.crc32(prefix.encode())
    if kind in ("counter", "histogram", "summary") and not prefix.endswith("_created"):
        return (prefix, v, 1 + h % 10 if kind == "counter" else 1, 0)
    if kind == "gauge" and "timestamp" not in prefix and "_info" not in prefix:
        return (prefix, v, 0, h % 7)
    return (prefix, v, 0, 0)


def render(lines, host, scrape):
    parts = []
    wobble = [1 + 0.05 * math.sin(scrape + k) for k in range(7)]
    for line in lines:
        if line[1] is None:
            parts.append(line[0])
            continue
        prefix, base, step, w = line
        if isinstance(base, str):
            parts.append("%s %s" % (prefix, base))
        elif step:
            parts.append("%s %r" % (prefix, base + scrape * step))
        elif w:
            parts.append("%s %r" % (prefix, base * wobble[w]))
        else:
            parts.append("%s %r" % (prefix, base))
    return ("\n".join(parts) + "\n").replace("@HOST@", host).encode()


async def main():
    recorded, hostname, n, cpus, ports_file = sys.argv[1:6]
    n, cpus = int(n), int(cpus)
    lines = parse(open(recorded).read(), hostname, cpus)
    scrapes = [0] * n

    def handler(i):
        async def handle(reader, writer):
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    if not head:
                        break
                    scrapes[i] += 1
                    body = render(lines, "node-%d" % i, scrapes[i])
                    writer.write(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
                        b"Content-Length: %d\r\n\r\n" % len(body)
                    )
                    writer.write(body)
                    await writer.drain()
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                writer.close()

        return handle

    servers = [await asyncio.start_server(handler(i), "127.0.0.1", 0) for i in range(n)]
    with open(ports_file + ".tmp", "w") as f:
        for s in servers:
            f.write("%d\n" % s.sockets[0].getsockname()[1])
    os.rename(ports_file + ".tmp", ports_file)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    asyncio.run(main())
