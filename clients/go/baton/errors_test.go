package baton

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestStatusWithDetailsBecomesError(t *testing.T) {
	st, err := status.New(codes.InvalidArgument, "invalid workflow").WithDetails(
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "workflow.id", Description: "must match [a-zA-Z0-9_.-]+"},
			{Field: "workflow.steps", Description: "must not be empty"},
		}},
		&errdetails.ErrorInfo{Reason: "INVALID_DEFINITION", Domain: "baton"},
	)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Errorf("push: %w", toError(st.Err(), "/baton.v1.DefinitionService/PushWorkflow", "req-1"))

	be, ok := AsError(got)
	if !ok {
		t.Fatalf("no *Error in %v", got)
	}
	if be.Code != codes.InvalidArgument || be.Message != "invalid workflow" || be.Reason != "INVALID_DEFINITION" || be.RequestID != "req-1" {
		t.Fatalf("error %+v", be)
	}
	want := []FieldViolation{{"workflow.id", "must match [a-zA-Z0-9_.-]+"}, {"workflow.steps", "must not be empty"}}
	if len(be.Violations) != 2 || be.Violations[0] != want[0] || be.Violations[1] != want[1] {
		t.Fatalf("violations %+v", be.Violations)
	}
	// The status stays readable through the grpc/status package.
	if status.Code(be) != codes.InvalidArgument {
		t.Fatalf("status.Code = %s", status.Code(be))
	}
}

func TestOtherErrorsStayAsTheyAre(t *testing.T) {
	if toError(nil, "m", "r") != nil {
		t.Fatal("nil became an error")
	}
	if err := toError(io.EOF, "m", "r"); !errors.Is(err, io.EOF) {
		t.Fatalf("io.EOF became %v", err)
	}
	if _, ok := AsError(toError(errors.New("plain"), "m", "r")); ok {
		t.Fatal("a non-status error became *Error")
	}
}
