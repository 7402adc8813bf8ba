"""Pushes with the real prometheus_client, as a pipeline step would.

usage: push_client.py push|pushadd|delete GATEWAY JOB GROUPING_KEY_JSON [full|extra]
"""
import json
import sys

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Summary,
    delete_from_gateway,
    push_to_gateway,
    pushadd_to_gateway,
)

action, gateway, job, key_json = sys.argv[1:5]
which = sys.argv[5] if len(sys.argv) > 5 else "full"
grouping_key = json.loads(key_json)

if action == "delete":
    delete_from_gateway(gateway, job=job, grouping_key=grouping_key)
    sys.exit(0)

registry = CollectorRegistry()
if which == "full":
    runs = Counter("train_runs", "Training runs.", ["status"], registry=registry)
    runs.labels(status="ok").inc(3)
    loss = Gauge("train_loss", "Loss of the last epoch.", registry=registry)
    loss.set(0.25)
    duration = Histogram(
        "train_step_seconds", "Step durations.", buckets=(0.5, 1, 5), registry=registry
    )
    for v in (0.3, 0.7, 3):
        duration.observe(v)
    size = Summary("train_batch_bytes", "Batch sizes.", registry=registry)
    size.observe(2)
    size.observe(4)
else:
    extra = Gauge("train_extra", "Pushed with pushadd.", registry=registry)
    extra.set(7)

if action == "push":
    push_to_gateway(gateway, job=job, registry=registry, grouping_key=grouping_key)
elif action == "pushadd":
    pushadd_to_gateway(gateway, job=job, registry=registry, grouping_key=grouping_key)
else:
    sys.exit("unknown action " + action)
