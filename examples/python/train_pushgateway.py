#!/usr/bin/env python3
"""A fake training job that pushes its metrics to the mlpipe agent with prometheus_client.

The agent speaks the Pushgateway API (PUT/POST/DELETE /metrics/job/<job>/...), so the usual
push_to_gateway works unchanged. A dedicated CollectorRegistry keeps the process's default
metrics (python_gc_*, process_*) out of the pushed group.

    MLPIPE_AGENT=http://127.0.0.1:9478 python3 examples/python/train_pushgateway.py --epochs 3
"""
import argparse
import os
import random
import time

from prometheus_client import CollectorRegistry, Counter, Gauge, push_to_gateway


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--job", default="churn_train")
    p.add_argument("--instance", default=os.uname().nodename)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--sleep", type=float, default=0.1)
    args = p.parse_args()
    gateway = os.environ.get("MLPIPE_AGENT", "http://127.0.0.1:9478")

    registry = CollectorRegistry()
    epoch_g = Gauge("train_epoch", "Current epoch.", registry=registry)
    loss_g = Gauge("train_loss", "Training loss by split.", ["split"], registry=registry)
    samples = Counter("train_samples", "Samples seen.", registry=registry)  # exposed as _total
    last_success = Gauge("train_last_success_timestamp_seconds",
                         "When the job last finished.", registry=registry)

    loss = 1.0
    for epoch in range(1, args.epochs + 1):
        time.sleep(args.sleep)
        loss *= 0.7 + random.random() * 0.1
        epoch_g.set(epoch)
        loss_g.labels("train").set(loss)
        loss_g.labels("validation").set(loss * 1.1)
        samples.inc(1000)
        # PUT replaces the job's group each time: the agent keeps the latest state.
        push_to_gateway(gateway, job=args.job, registry=registry,
                        grouping_key={"instance": args.instance}, timeout=5)
        print("epoch %d loss %.4f pushed" % (epoch, loss))
    last_success.set_to_current_time()
    push_to_gateway(gateway, job=args.job, registry=registry,
                    grouping_key={"instance": args.instance}, timeout=5)


if __name__ == "__main__":
    main()
