#!/usr/bin/env python3
"""Rewrites the README's measurement table from the latest bench/results/*.json.

The table sits between the markers <!-- bench-table:begin --> and <!-- bench-table:end -->;
scripts/bench/run.sh calls this after each run. With a file argument, uses that results file.
"""

import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import ROOT, markdown_table  # noqa: E402

BEGIN, END = "<!-- bench-table:begin -->", "<!-- bench-table:end -->"


def main():
    files = sys.argv[1:] or sorted(glob.glob(os.path.join(ROOT, "bench", "results", "*.json")))
    if not files:
        sys.exit("readme_table: no bench/results/*.json yet: run scripts/bench/run.sh")
    path = files[-1]
    with open(path) as f:
        data = json.load(f)
    m = data["machine"]
    rel = os.path.relpath(path, ROOT)
    load1 = float(data["loadavg_before"].split()[0])
    busy = (
        f" **The machine was busy (load average {load1:.0f} on {m['cpus']} CPUs) during this run:"
        " the absolute figures are inflated and the ratios skewed; re-run on a quiet machine.**"
        if load1 > m["cpus"]
        else ""
    )
    block = "\n".join(
        [
            BEGIN,
            f"Generated from [`{rel}`]({rel}) ({data['mode']} run, {data['date']}, {m['cpus']} CPUs,"
            f" load average {data['loadavg_before']} before, {data['loadavg_after']} after;"
            f" {m['node_exporter'].split(' (')[0]}, {m['pushgateway'].split(' (')[0]});"
            f" reproduce with `{data['command']}`. Ratio is mlpipe / peer.{busy}",
            "",
            markdown_table(data),
            END,
        ]
    )
    readme = os.path.join(ROOT, "README.md")
    with open(readme) as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        sys.exit(f"readme_table: README.md has no {BEGIN} ... {END} section")
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    with open(readme, "w") as f:
        f.write(head + block + tail)
    print(f"README.md: measurement table from {rel}")


if __name__ == "__main__":
    main()
