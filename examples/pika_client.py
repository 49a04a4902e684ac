#!/usr/bin/env python3
"""Send one planning job to jidiao over RabbitMQ and print the result's status.

This is all another system needs (docs/worker.md, "Sending a job"): publish
the job JSON to `jidiao.jobs` (or `jidiao.jobs.interactive` when a person
waits) with `message_id` = job_id, and `reply_to` + `correlation_id` to get
the result back directly; every result is also published to the
`jidiao.results` topic exchange (`result.<kind>.<status>`).

    pip install pika
    AMQP_URL=amqp://guest:guest@127.0.0.1:5672/%2f python3 examples/pika_client.py [JOB.json]

Exit code: 0 solved (optimal/feasible), 1 otherwise or no result in time.
"""
import json
import os
import sys
import uuid

import pika

URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2f")
TIMEOUT_S = float(os.environ.get("JIDIAO_WAIT_S", "120"))
here = os.path.dirname(os.path.abspath(__file__))
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "fixtures", "plan", "tiny-2d.job.json")

with open(path, "rb") as f:
    body = f.read()
job_id = json.loads(body)["job_id"]

connection = pika.BlockingConnection(pika.URLParameters(URL))
channel = connection.channel()
# An exclusive, auto-delete, server-named queue for the answer.
reply_to = channel.queue_declare(queue="", exclusive=True, auto_delete=True).method.queue
channel.confirm_delivery()  # basic_publish raises if the broker does not take the job
correlation_id = str(uuid.uuid4())
channel.basic_publish(
    exchange="",
    routing_key="jidiao.jobs.interactive",
    body=body,
    mandatory=True,
    properties=pika.BasicProperties(
        content_type="application/json",
        delivery_mode=pika.DeliveryMode.Persistent,
        message_id=job_id,
        correlation_id=correlation_id,
        reply_to=reply_to,
    ),
)
print(f"submitted {job_id}; waiting for the result", file=sys.stderr)

result = None
for method, props, payload in channel.consume(reply_to, auto_ack=True, inactivity_timeout=TIMEOUT_S):
    if method is None:
        break  # no message within the timeout
    if props.correlation_id == correlation_id:
        result = json.loads(payload)
        header = (props.headers or {}).get("jidiao-status")
        break
channel.cancel()
connection.close()

if result is None:
    sys.exit(f"no result for {job_id} within {TIMEOUT_S} s")
print(f"{result['job_id']} {result['status']} (header jidiao-status={header})")
sys.exit(0 if result["status"] in ("optimal", "feasible") else 1)
