"""connect(): Baton's four public services over gRPC, configured like every Baton client."""

import os
import uuid
from dataclasses import dataclass
from typing import Dict, Mapping, Optional

import grpc

from baton.v1 import (audit_pb2_grpc, definition_pb2_grpc, scheduler_pb2_grpc, signal_pb2_grpc,
                      step_runtime_pb2_grpc)

from .errors import to_baton_error

DEFAULT_ADDRESSES = {
    "definition": "127.0.0.1:7401",
    "scheduler": "127.0.0.1:7402",
    "step_runtime": "127.0.0.1:7403",
    "signal": "127.0.0.1:7404",
}
DEFAULT_TIMEOUT = 10.0
REQUEST_ID_KEY = "x-request-id"


@dataclass
class Settings:
    """What connect() resolved: arguments first, then the environment, then the defaults."""

    addresses: Dict[str, str]
    token: str = ""
    tls: bool = False
    ca_file: str = ""
    timeout: Optional[float] = DEFAULT_TIMEOUT


def resolve_settings(addresses: Optional[Mapping[str, str]] = None, token: Optional[str] = None,
                     tls: Optional[bool] = None, ca_file: Optional[str] = None,
                     timeout: Optional[float] = DEFAULT_TIMEOUT,
                     env: Optional[Mapping[str, str]] = None) -> Settings:
    """Reads BATON_<SERVICE>_ADDR, BATON_TOKEN, BATON_TLS_CA and BATON_TLS=on for what is not given."""
    env = os.environ if env is None else env
    given = dict(addresses or {})
    resolved = {
        name: given.get(name) or env.get(f"BATON_{name.upper()}_ADDR") or default
        for name, default in DEFAULT_ADDRESSES.items()
    }
    ca = ca_file if ca_file is not None else env.get("BATON_TLS_CA", "")
    on = tls if tls is not None else bool(ca) or env.get("BATON_TLS") == "on"
    return Settings(addresses=resolved, token=token if token is not None else env.get("BATON_TOKEN", ""),
                    tls=on or bool(ca), ca_file=ca, timeout=timeout)


class ServiceClient:
    """A generated stub whose methods add the default deadline (unary calls), an x-request-id and,
    on plaintext channels, the token; and raise BatonError instead of a bare grpc.RpcError."""

    def __init__(self, stub, timeout: Optional[float], metadata=()):
        self._stub = stub
        self._timeout = timeout
        self._metadata = tuple(metadata)

    def __getattr__(self, name):
        method = getattr(self._stub, name)
        streaming = isinstance(method, grpc.UnaryStreamMultiCallable)
        full_name = name

        def call(request, timeout=None, metadata=(), **kwargs):
            md = list(self._metadata) + list(metadata)
            request_id = next((v for k, v in md if k == REQUEST_ID_KEY), None)
            if request_id is None:
                request_id = str(uuid.uuid4())
                md.append((REQUEST_ID_KEY, request_id))
            if timeout is None and not streaming:
                timeout = self._timeout
            try:
                result = method(request, timeout=timeout, metadata=md, **kwargs)
            except grpc.RpcError as err:
                raise (to_baton_error(err, full_name, request_id) or err) from None
            return _Stream(result, full_name, request_id) if streaming else result

        call.__name__ = name
        return call


class _Stream:
    """A server stream: iterate over the responses; cancel() ends it early."""

    def __init__(self, call, method: str, request_id: str):
        self._call = call
        self._method = method
        self.request_id = request_id

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self._call)
        except grpc.RpcError as err:
            raise (to_baton_error(err, self._method, self.request_id) or err) from None

    def cancel(self):
        self._call.cancel()


class Clients:
    """definition, scheduler, step_runtime, signal and audit[service]; close() or `with` closes them."""

    def __init__(self, settings: Settings):
        self.settings = settings
        credentials = None
        metadata = []
        if settings.tls:
            root = None
            if settings.ca_file:
                with open(settings.ca_file, "rb") as f:
                    root = f.read()
            credentials = grpc.ssl_channel_credentials(root_certificates=root)
            if settings.token:
                # Bound to the TLS channel: grpc never sends these credentials in plaintext.
                credentials = grpc.composite_channel_credentials(
                    credentials, grpc.access_token_call_credentials(settings.token))
        elif settings.token:
            # A plaintext channel (a local stack with auth but no TLS): the caller chose it.
            metadata.append(("authorization", f"Bearer {settings.token}"))

        self._channels = []

        def channel(addr):
            ch = grpc.secure_channel(addr, credentials) if credentials else grpc.insecure_channel(addr)
            self._channels.append(ch)
            return ch

        stubs = {
            "definition": definition_pb2_grpc.DefinitionServiceStub,
            "scheduler": scheduler_pb2_grpc.SchedulerServiceStub,
            "step_runtime": step_runtime_pb2_grpc.StepRuntimeServiceStub,
            "signal": signal_pb2_grpc.SignalServiceStub,
        }
        self.audit: Dict[str, ServiceClient] = {}
        for name, stub in stubs.items():
            ch = channel(settings.addresses[name])
            setattr(self, name, ServiceClient(stub(ch), settings.timeout, metadata))
            self.audit[name] = ServiceClient(audit_pb2_grpc.AuditServiceStub(ch), settings.timeout, metadata)

    def close(self):
        for ch in self._channels:
            ch.close()
        self._channels = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def connect(addresses: Optional[Mapping[str, str]] = None, *, token: Optional[str] = None,
            tls: Optional[bool] = None, ca_file: Optional[str] = None,
            timeout: Optional[float] = DEFAULT_TIMEOUT, env: Optional[Mapping[str, str]] = None) -> Clients:
    """Connects to the four services (channels connect on first use).

    addresses: {"definition", "scheduler", "step_runtime", "signal"} → "host:port"; what is missing
    comes from BATON_<SERVICE>_ADDR, else 127.0.0.1:7401..7404. token, ca_file and tls default to
    BATON_TOKEN, BATON_TLS_CA and BATON_TLS=on. timeout: seconds for unary calls that give none
    (None: no deadline); streams have none unless the call gives one.
    """
    return Clients(resolve_settings(addresses, token, tls, ca_file, timeout, env))
