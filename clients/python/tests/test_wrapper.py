"""The wrapper's own parts: settings from the environment, and status details to BatonError.

    cd clients/python && python3 -m unittest discover -s tests -t .
"""

import unittest

import grpc

from baton_client import BatonError, resolve_settings
from baton_client.errors import _classes, to_baton_error


class SettingsTest(unittest.TestCase):
    def test_defaults_without_env(self):
        s = resolve_settings(env={})
        self.assertEqual(s.addresses["definition"], "127.0.0.1:7401")
        self.assertEqual(s.addresses["signal"], "127.0.0.1:7404")
        self.assertFalse(s.tls)
        self.assertEqual(s.token, "")
        self.assertEqual(s.timeout, 10.0)

    def test_env_fills_what_arguments_leave_out(self):
        env = {
            "BATON_DEFINITION_ADDR": "10.0.0.1:1",
            "BATON_SCHEDULER_ADDR": "10.0.0.1:2",
            "BATON_STEP_RUNTIME_ADDR": "10.0.0.1:3",
            "BATON_SIGNAL_ADDR": "10.0.0.1:4",
            "BATON_TOKEN": "from-env",
            "BATON_TLS_CA": "/ca.pem",
        }
        s = resolve_settings({"scheduler": "given:9"}, env=env)
        self.assertEqual(s.addresses, {"definition": "10.0.0.1:1", "scheduler": "given:9",
                                       "step_runtime": "10.0.0.1:3", "signal": "10.0.0.1:4"})
        self.assertEqual((s.token, s.ca_file, s.tls), ("from-env", "/ca.pem", True))
        self.assertEqual(resolve_settings(token="given", env=env).token, "given")

    def test_tls_on_without_ca(self):
        self.assertTrue(resolve_settings(env={"BATON_TLS": "on"}).tls)
        self.assertFalse(resolve_settings(env={"BATON_TLS": "off"}).tls)


class FakeRpcError(grpc.RpcError):
    """What a failed grpc call raises: code(), details(), trailing_metadata()."""

    def __init__(self, code, details, trailers=()):
        self._code, self._details, self._trailers = code, details, trailers

    def code(self):
        return self._code

    def details(self):
        return self._details

    def trailing_metadata(self):
        return self._trailers


def status_bytes(code, message, *details):
    classes = _classes()
    status = classes["google.rpc.Status"](code=code.value[0], message=message)
    for d in details:
        status.details.add(type_url=f"type.googleapis.com/{d.DESCRIPTOR.full_name}", value=d.SerializeToString())
    return status.SerializeToString()


class ErrorTest(unittest.TestCase):
    def test_violations_and_reason_come_from_the_details(self):
        classes = _classes()
        bad = classes["google.rpc.BadRequest"]()
        bad.field_violations.add(field="workflow.id", description="must match [a-zA-Z0-9_.-]+")
        bad.field_violations.add(field="workflow.steps", description="must not be empty")
        info = classes["google.rpc.ErrorInfo"](reason="INVALID_DEFINITION", domain="baton")
        raw = status_bytes(grpc.StatusCode.INVALID_ARGUMENT, "invalid workflow", bad, info)
        err = to_baton_error(
            FakeRpcError(grpc.StatusCode.INVALID_ARGUMENT, "invalid workflow", (("grpc-status-details-bin", raw),)),
            "PushWorkflow", "req-1")
        self.assertIsInstance(err, BatonError)
        self.assertIsInstance(err, grpc.RpcError)
        self.assertEqual(err.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(err.message, "invalid workflow")
        self.assertEqual(err.reason, "INVALID_DEFINITION")
        self.assertEqual(err.request_id, "req-1")
        self.assertEqual([(v.field, v.description) for v in err.violations],
                         [("workflow.id", "must match [a-zA-Z0-9_.-]+"), ("workflow.steps", "must not be empty")])
        self.assertIn("workflow.steps: must not be empty", str(err))

    def test_status_without_details(self):
        err = to_baton_error(FakeRpcError(grpc.StatusCode.NOT_FOUND, "no workflow x"))
        self.assertEqual((err.code, err.message, err.violations, err.reason),
                         (grpc.StatusCode.NOT_FOUND, "no workflow x", [], ""))


if __name__ == "__main__":
    unittest.main()
