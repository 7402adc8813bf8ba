#!/usr/bin/env python3
"""Prometheus' own cost between two snapshots of its /metrics, for scripts/bench/fleet.sh.

Reads the process's self metrics directly (no PromQL), so that a Prometheus starved of CPU still
reports what it spent.

usage: fleet_report.py BEFORE AFTER SECONDS
"""
import re
import sys

LINE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)")


def load(path):
    out = {}
    for line in open(path):
        m = LINE.match(line)
        if m:
            out.setdefault(m.group(1), []).append((m.group(2) or "", float(m.group(3))))
    return out


def total(d, name):
    return sum(v for _, v in d.get(name, []))


def main():
    before, after, secs = load(sys.argv[1]), load(sys.argv[2]), float(sys.argv[3])

    def rate(name):
        return (total(after, name) - total(before, name)) / secs

    def row(what, value):
        print("   %-46s %s" % (what + ":", value))

    row("CPU (cores, over the phase)", "%.3f" % rate("process_cpu_seconds_total"))
    row("RSS (MiB)", "%.0f" % (total(after, "process_resident_memory_bytes") / 2**20))
    row("Go heap in use (MiB)", "%.0f" % (total(after, "go_memstats_heap_inuse_bytes") / 2**20))
    if "prometheus_tsdb_head_series" in after:
        row("head series", "%.0f" % total(after, "prometheus_tsdb_head_series"))
        row("samples appended/s", "%.0f" % rate("prometheus_tsdb_head_samples_appended_total"))
    if "prometheus_agent_active_series" in after:
        row("active series (agent WAL)", "%.0f" % total(after, "prometheus_agent_active_series"))
    groups = after.get("prometheus_rule_group_last_duration_seconds", [])
    if groups:
        groups.sort(key=lambda g: -g[1])
        row("rule evaluation per round, all groups (s)", "%.3f" % sum(v for _, v in groups))
        row(
            "slowest groups (s)",
            ", ".join(
                "%s %.3f" % (re.search(r'rule_group="[^;"]*;([^"]*)"', l).group(1), v)
                for l, v in groups[:3]
            ),
        )
        row("rule iterations missed", "%.0f" % delta(before, after, "prometheus_rule_group_iterations_missed_total"))
        row("rule-produced series", "%.0f" % total(after, "prometheus_rule_group_last_evaluation_samples"))
    if "prometheus_remote_storage_samples_total" in after:
        row("remote_write samples sent/s", "%.0f" % rate("prometheus_remote_storage_samples_total"))
        lag = total(after, "prometheus_remote_storage_highest_timestamp_in_seconds") - max(
            [v for _, v in after.get("prometheus_remote_storage_queue_highest_sent_timestamp_seconds", [])] or [0]
        )
        row("remote_write lag (s, appended - sent)", "%.1f" % lag)
        row(
            "remote_write failed + dropped samples",
            "%.0f"
            % (
                total(after, "prometheus_remote_storage_samples_failed_total")
                + total(after, "prometheus_remote_storage_samples_dropped_total")
            ),
        )
        row("remote_write shards", "%.0f" % total(after, "prometheus_remote_storage_shards"))


def delta(before, after, name):
    return total(after, name) - total(before, name)


if __name__ == "__main__":
    main()
