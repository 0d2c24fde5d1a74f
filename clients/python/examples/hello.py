#!/usr/bin/env python3
"""Pushes a workflow, starts it and watches the run until it ends: exit status 0 when it
SUCCEEDED, 1 otherwise. The services are found as every Baton client finds them (BATON_*_ADDR,
BATON_TLS_CA or BATON_TLS=on, BATON_TOKEN).

    PYTHONPATH=clients/python python3 clients/python/examples/hello.py [definition.json]
"""

import sys
import time

from baton.v1 import common_pb2, definition_pb2, scheduler_pb2
from baton_client import BatonError, connect

# A NoOp start step, then a shell step that greets with the run's param.
HELLO_WORKFLOW = """{
  "properties": {"owner": "demo", "run_strategy": "sequential"},
  "workflow": {
    "id": "demo.hello_python",
    "name": "Hello from the Python client",
    "params": {"greeting": {"value": "hello", "type": "STRING"}},
    "steps": [
      {"step": {"id": "start", "type": "NoOp", "transition": {"successors": {"say_hello": "true"}}}},
      {"step": {"id": "say_hello", "type": "Shell",
                "params": {"script": {"value": "echo \\"${greeting} from Python\\"", "type": "STRING"}}}}
    ]
  }
}"""

TERMINAL = {"SUCCEEDED", "FAILED", "STOPPED", "TIMED_OUT"}


def watch(baton, ref, deadline):
    """Follows the run to a terminal status. The server ends a watch after its maximum deadline
    (status OK) even when the run goes on: then this watches again."""
    last = ""
    while time.monotonic() < deadline:
        stream = baton.scheduler.WatchInstance(scheduler_pb2.WatchInstanceRequest(ref=ref),
                                               timeout=deadline - time.monotonic())
        for change in stream:
            if change.instance.status != last:
                last = change.instance.status
                print("status", last, flush=True)
            if last in TERMINAL:
                stream.cancel()
                return last
    return last


def main(argv):
    definition = HELLO_WORKFLOW
    if len(argv) > 1:
        with open(argv[1], encoding="utf-8") as f:
            definition = f.read()
    deadline = time.monotonic() + 120
    with connect() as baton:
        pushed = baton.definition.PushWorkflow(
            definition_pb2.PushWorkflowRequest(definition_json=definition, user="hello-python"))
        print(f"pushed {pushed.workflow_id} v{pushed.version} (created={pushed.created})", flush=True)

        started = baton.scheduler.StartWorkflow(scheduler_pb2.StartWorkflowRequest(
            workflow_id=pushed.workflow_id,
            version=str(pushed.version),
            run_params={"greeting": common_pb2.ParamValue(string_value="hi")},
        ))
        ref = scheduler_pb2.InstanceRef(workflow_id=started.workflow_id, instance_id=started.instance_id,
                                        run_id=started.run_id)
        print(f"started {ref.workflow_id} instance {ref.instance_id} run {ref.run_id} ({started.status})",
              flush=True)

        status = watch(baton, ref, deadline)
        print(f"instance {ref.instance_id} {status}", flush=True)
        return 0 if status == "SUCCEEDED" else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except BatonError as err:
        print(f"hello: {err} (request {err.request_id})", file=sys.stderr)
        for v in err.violations:
            print(f"  - {v.field}: {v.description}", file=sys.stderr)
        sys.exit(1)
