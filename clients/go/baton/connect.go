// Package baton connects to Baton's four public gRPC services with the generated clients of
// baton.local/clients/go/gen/baton/v1: addresses, TLS and token from the same environment
// variables as the TypeScript SDK and the CLI, a default deadline on unary calls, an x-request-id
// on every call, and one error type (*Error) carrying the gRPC code and the field violations.
package baton

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	batonv1 "baton.local/clients/go/gen/baton/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
)

// RequestIDKey is the metadata key of the id every call carries (and services log).
const RequestIDKey = "x-request-id"

// Clients holds one client per public service; Close closes their connections.
type Clients struct {
	Definition  batonv1.DefinitionServiceClient
	Scheduler   batonv1.SchedulerServiceClient
	StepRuntime batonv1.StepRuntimeServiceClient
	Signal      batonv1.SignalServiceClient
	// Audit has each service's AuditService (every service records the calls it served).
	Audit map[string]batonv1.AuditServiceClient
	conns []*grpc.ClientConn
}

// Connect makes the connections (lazily: nothing is dialled before the first call). Options' zero
// fields come from the environment, then the defaults (see Options).
func Connect(opts Options) (*Clients, error) {
	o := opts.resolved()
	dial, err := dialOptions(o)
	if err != nil {
		return nil, err
	}
	c := &Clients{Audit: map[string]batonv1.AuditServiceClient{}}
	open := func(name, addr string) (*grpc.ClientConn, error) {
		conn, err := grpc.NewClient(addr, dial...)
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("baton: %s at %s: %w", name, addr, err)
		}
		c.conns = append(c.conns, conn)
		c.Audit[name] = batonv1.NewAuditServiceClient(conn)
		return conn, nil
	}
	conn, err := open("definition", o.Addresses.Definition)
	if err != nil {
		return nil, err
	}
	c.Definition = batonv1.NewDefinitionServiceClient(conn)
	if conn, err = open("scheduler", o.Addresses.Scheduler); err != nil {
		return nil, err
	}
	c.Scheduler = batonv1.NewSchedulerServiceClient(conn)
	if conn, err = open("step-runtime", o.Addresses.StepRuntime); err != nil {
		return nil, err
	}
	c.StepRuntime = batonv1.NewStepRuntimeServiceClient(conn)
	if conn, err = open("signal", o.Addresses.Signal); err != nil {
		return nil, err
	}
	c.Signal = batonv1.NewSignalServiceClient(conn)
	return c, nil
}

// Close closes every connection; calls in flight fail with CANCELED.
func (c *Clients) Close() error {
	var errs []error
	for _, conn := range c.conns {
		errs = append(errs, conn.Close())
	}
	c.conns = nil
	return errors.Join(errs...)
}

func dialOptions(o Options) ([]grpc.DialOption, error) {
	creds := insecure.NewCredentials()
	if o.TLS {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if o.CAFile != "" {
			pem, err := os.ReadFile(o.CAFile)
			if err != nil {
				return nil, fmt.Errorf("baton: reading the CA file: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("baton: no PEM certificate in %s", o.CAFile)
			}
			cfg.RootCAs = pool
		}
		creds = credentials.NewTLS(cfg)
	}
	dial := []grpc.DialOption{
		grpc.WithTransportCredentials(creds),
		grpc.WithChainUnaryInterceptor(unaryInterceptor(o)),
		grpc.WithChainStreamInterceptor(streamInterceptor),
	}
	if o.Token != "" {
		dial = append(dial, grpc.WithPerRPCCredentials(bearer{token: o.Token, secure: o.TLS}))
	}
	return dial, nil
}

// bearer is the token as per-RPC credentials.
type bearer struct {
	token  string
	secure bool
}

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + b.token}, nil
}

// RequireTransportSecurity is false only for plaintext connections the caller chose (a local stack
// with auth but no TLS); with TLS configured, grpc refuses to send the token over anything else.
func (b bearer) RequireTransportSecurity() bool { return b.secure }

// withRequestID adds an x-request-id unless the caller's outgoing metadata has one.
func withRequestID(ctx context.Context) (context.Context, string) {
	if md, ok := metadata.FromOutgoingContext(ctx); ok {
		if ids := md.Get(RequestIDKey); len(ids) > 0 {
			return ctx, ids[0]
		}
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	return metadata.AppendToOutgoingContext(ctx, RequestIDKey, id), id
}

func unaryInterceptor(o Options) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, callOpts ...grpc.CallOption) error {
		if _, has := ctx.Deadline(); !has && o.Timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, o.Timeout)
			defer cancel()
		}
		ctx, id := withRequestID(ctx)
		return toError(invoker(ctx, method, req, reply, cc, callOpts...), method, id)
	}
}

func streamInterceptor(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, callOpts ...grpc.CallOption) (grpc.ClientStream, error) {
	ctx, id := withRequestID(ctx)
	s, err := streamer(ctx, desc, cc, method, callOpts...)
	if err != nil {
		return nil, toError(err, method, id)
	}
	return &errorStream{ClientStream: s, method: method, requestID: id}, nil
}

// errorStream maps the errors of a server stream to *Error (io.EOF, the normal end, stays).
type errorStream struct {
	grpc.ClientStream
	method, requestID string
}

func (s *errorStream) RecvMsg(m any) error {
	err := s.ClientStream.RecvMsg(m)
	if err == nil || errors.Is(err, io.EOF) {
		return err
	}
	return toError(err, s.method, s.requestID)
}
