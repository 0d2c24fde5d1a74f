"""BatonError: a failed call's gRPC status with the details Baton's services attach."""

import base64
from dataclasses import dataclass
from typing import List, Optional

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool

from ._rpc_descriptors import RPC_DESCRIPTOR_SET

_DETAILS_KEY = "grpc-status-details-bin"


@dataclass(frozen=True)
class FieldViolation:
    """One entry of the google.rpc.BadRequest attached to INVALID_ARGUMENT answers."""

    field: str
    description: str


class BatonError(grpc.RpcError):
    """A call the service answered with a non-OK status.

    A grpc.RpcError too, so code written against plain stubs keeps catching it.
    """

    def __init__(self, code: grpc.StatusCode, message: str, violations: List[FieldViolation] = (),
                 reason: str = "", method: str = "", request_id: str = ""):
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message
        self.violations = list(violations)
        self.reason = reason
        self.method = method
        self.request_id = request_id

    def __str__(self) -> str:
        text = f"{self.code.name}: {self.message}"
        for v in self.violations:
            text += f"; {v.field}: {v.description}"
        return text


def _message_classes():
    # A private pool: another copy of google/rpc in the process (googleapis-common-protos)
    # cannot clash with this one.
    pool = descriptor_pool.DescriptorPool()
    files = descriptor_pb2.FileDescriptorSet.FromString(base64.b64decode("".join(RPC_DESCRIPTOR_SET)))
    for f in files.file:
        pool.Add(f)
    try:
        from google.protobuf.message_factory import GetMessageClass
    except ImportError:  # protobuf < 4.22 (Debian bookworm's 3.21)
        from google.protobuf.message_factory import MessageFactory
        GetMessageClass = MessageFactory(pool).GetPrototype
    return {name: GetMessageClass(pool.FindMessageTypeByName(name))
            for name in ("google.rpc.Status", "google.rpc.BadRequest", "google.rpc.ErrorInfo")}


_CLASSES = None


def _classes():
    global _CLASSES
    if _CLASSES is None:
        _CLASSES = _message_classes()
    return _CLASSES


def decode_details(status_details: bytes):
    """The violations and reason of a serialized google.rpc.Status (grpc-status-details-bin)."""
    classes = _classes()
    status = classes["google.rpc.Status"].FromString(status_details)
    violations, reason = [], ""
    for detail in status.details:
        name = detail.type_url.rsplit("/", 1)[-1]
        if name == "google.rpc.BadRequest":
            bad = classes[name].FromString(detail.value)
            violations += [FieldViolation(v.field, v.description) for v in bad.field_violations]
        elif name == "google.rpc.ErrorInfo":
            reason = classes[name].FromString(detail.value).reason
    return violations, reason


def to_baton_error(err: grpc.RpcError, method: str = "", request_id: str = "") -> Optional[BatonError]:
    """Maps a grpc.RpcError that carries a status to BatonError (None when it carries none)."""
    if isinstance(err, BatonError):
        return err
    code = getattr(err, "code", None)
    if not callable(code):
        return None
    violations, reason = [], ""
    for key, value in (err.trailing_metadata() or ()):
        if key == _DETAILS_KEY:
            violations, reason = decode_details(value)
    return BatonError(err.code(), err.details() or "", violations, reason, method, request_id)
