package baton

import (
	"errors"
	"fmt"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// FieldViolation is one entry of the google.rpc.BadRequest a service attaches to
// INVALID_ARGUMENT (and some FAILED_PRECONDITION) answers.
type FieldViolation struct {
	Field       string
	Description string
}

// Error is what every call of a Connect client fails with when the service answers with a status.
// It keeps the gRPC status, so status.Code(err) and status.FromError(err) still work.
type Error struct {
	Code    codes.Code
	Message string
	// Violations from google.rpc.BadRequest details, in the service's order.
	Violations []FieldViolation
	// Reason from google.rpc.ErrorInfo details, when the service gave one.
	Reason string
	// Method is the full gRPC method name, e.g. "/baton.v1.DefinitionService/PushWorkflow".
	Method string
	// RequestID is the x-request-id the call was sent with: quote it when reading service logs.
	RequestID string
	st        *status.Status
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s: %s", e.Code, e.Message)
	for _, v := range e.Violations {
		msg += fmt.Sprintf("; %s: %s", v.Field, v.Description)
	}
	return msg
}

// GRPCStatus lets the grpc/status package read the original status back.
func (e *Error) GRPCStatus() *status.Status { return e.st }

// AsError returns err's *Error when there is one in its chain.
func AsError(err error) (*Error, bool) {
	var be *Error
	ok := errors.As(err, &be)
	return be, ok
}

// toError maps a gRPC status error to *Error; any other error (context's, io.EOF) stays as it is.
func toError(err error, method, requestID string) error {
	if err == nil {
		return nil
	}
	if _, ok := AsError(err); ok {
		return err
	}
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	be := &Error{Code: st.Code(), Message: st.Message(), Method: method, RequestID: requestID, st: st}
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				be.Violations = append(be.Violations, FieldViolation{Field: v.GetField(), Description: v.GetDescription()})
			}
		case *errdetails.ErrorInfo:
			be.Reason = d.GetReason()
		}
	}
	return be
}
