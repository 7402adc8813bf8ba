#!/usr/bin/env python3
"""A fake training loop that reports to the mlpipe agent through its JSON events API.

Standard library only (urllib). Events carry ids, so a retried POST is counted once; when the
agent is unreachable the training goes on (monitoring never breaks the pipeline).

    MLPIPE_AGENT=http://127.0.0.1:9478 python3 examples/python/train_http.py --epochs 5

Under `mlpipe run` the pipeline, stage and run id come from MLPIPE_PIPELINE, MLPIPE_STAGE and
MLPIPE_RUN_ID, and `mlpipe run` itself sends stage_started/stage_finished: pass --no-stage-events.
"""
import argparse
import json
import math
import os
import random
import socket
import sys
import time
import urllib.error
import urllib.request
import uuid

AGENT = os.environ.get("MLPIPE_AGENT", "http://127.0.0.1:9478").rstrip("/")
TOKEN = os.environ.get("MLPIPE_TOKEN")


def send(*events):
    """POSTs events as one all-or-nothing batch; retries once; never raises."""
    body = json.dumps(list(events), allow_nan=True).encode()
    headers = {"Content-Type": "application/json"}
    if TOKEN:
        headers["Authorization"] = "Bearer " + TOKEN
    for attempt in range(2):
        req = urllib.request.Request(AGENT + "/api/v1/events", data=body, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                return json.load(resp)
        except urllib.error.HTTPError as e:
            if e.code < 500:  # the agent looked at it and said no: retrying will not help
                print("mlpipe: events refused:", e.read().decode(), file=sys.stderr)
                return None
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2 * (attempt + 1))
    print("mlpipe: agent %s unreachable, events dropped" % AGENT, file=sys.stderr)
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pipeline", default=os.environ.get("MLPIPE_PIPELINE", "churn"))
    p.add_argument("--stage", default=os.environ.get("MLPIPE_STAGE", "train"))
    p.add_argument("--model", default="xgb")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--sleep", type=float, default=0.1, help="seconds per epoch")
    p.add_argument("--no-stage-events", action="store_true",
                   help="leave stage_started/stage_finished to `mlpipe run`")
    args = p.parse_args()

    run_id = os.environ.get("MLPIPE_RUN_ID") or uuid.uuid4().hex[:12]
    common = {"pipeline": args.pipeline, "run_id": run_id}
    stage = dict(common, stage=args.stage)
    seq = iter(range(1_000_000))

    def ev(kind, base, **fields):
        # The id makes a retry idempotent: the agent applies each id once.
        return dict(base, type=kind, id="%s/%s/%d" % (run_id, kind, next(seq)), time=time.time(),
                    **fields)

    started = time.time()
    if not args.no_stage_events:
        send(ev("stage_started", stage, host=socket.gethostname()))
    loss = 1.0
    for epoch in range(1, args.epochs + 1):
        time.sleep(args.sleep)
        loss *= 0.7 + random.random() * 0.1
        val_loss = loss * 1.1
        send(
            ev("heartbeat", stage, progress=epoch / args.epochs),
            ev("training", common, model=args.model, epoch=epoch,
               loss={"train": loss, "validation": val_loss if math.isfinite(val_loss) else math.nan},
               samples_per_second=1000.0 / max(args.sleep, 0.001)),
            ev("records", stage, processed=1000, invalid=random.randint(0, 3)),
        )
        print("epoch %d loss %.4f" % (epoch, loss))
    send(ev("model_metric", common, model=args.model, version=run_id, metric="auc",
            value=round(0.9 + random.random() * 0.05, 4), role="candidate"))
    if not args.no_stage_events:
        send(ev("stage_finished", stage, status="success", exit_code=0,
                duration_seconds=time.time() - started))


if __name__ == "__main__":
    main()
