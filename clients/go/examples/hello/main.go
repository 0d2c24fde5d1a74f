// Command hello pushes a workflow, starts it and watches the run until it ends: exit status 0 when
// it SUCCEEDED, 1 otherwise. The services are found as every Baton client finds them
// (BATON_*_ADDR, BATON_TLS_CA or BATON_TLS=on, BATON_TOKEN; see package baton).
//
//	go run ./examples/hello                            # the built-in two-step workflow
//	go run ./examples/hello ../../examples/hello-world.json
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"baton.local/clients/go/baton"
	batonv1 "baton.local/clients/go/gen/baton/v1"
)

// A NoOp start step, then a shell step that greets with the run's param.
const helloWorkflow = `{
  "properties": {"owner": "demo", "run_strategy": "sequential"},
  "workflow": {
    "id": "demo.hello_go",
    "name": "Hello from the Go client",
    "params": {"greeting": {"value": "hello", "type": "STRING"}},
    "steps": [
      {"step": {"id": "start", "type": "NoOp", "transition": {"successors": {"say_hello": "true"}}}},
      {"step": {"id": "say_hello", "type": "Shell",
                "params": {"script": {"value": "echo \"${greeting} from Go\"", "type": "STRING"}}}}
    ]
  }
}`

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "hello:", err)
		if be, ok := baton.AsError(err); ok {
			for _, v := range be.Violations {
				fmt.Fprintf(os.Stderr, "  - %s: %s\n", v.Field, v.Description)
			}
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	definition := helloWorkflow
	if len(args) > 0 {
		b, err := os.ReadFile(args[0])
		if err != nil {
			return err
		}
		definition = string(b)
	}

	c, err := baton.Connect(baton.Options{})
	if err != nil {
		return err
	}
	defer c.Close()

	pushed, err := c.Definition.PushWorkflow(ctx, &batonv1.PushWorkflowRequest{DefinitionJson: definition, User: "hello-go"})
	if err != nil {
		return fmt.Errorf("push: %w", err)
	}
	fmt.Printf("pushed %s v%d (created=%t)\n", pushed.WorkflowId, pushed.Version, pushed.Created)

	started, err := c.Scheduler.StartWorkflow(ctx, &batonv1.StartWorkflowRequest{
		WorkflowId: pushed.WorkflowId,
		Version:    fmt.Sprint(pushed.Version),
		RunParams: map[string]*batonv1.ParamValue{
			"greeting": {Kind: &batonv1.ParamValue_StringValue{StringValue: "hi"}},
		},
	})
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	ref := &batonv1.InstanceRef{WorkflowId: started.WorkflowId, InstanceId: started.InstanceId, RunId: started.RunId}
	fmt.Printf("started %s instance %d run %d (%s)\n", ref.WorkflowId, ref.InstanceId, ref.RunId, started.Status)

	status, err := watch(ctx, c, ref)
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	fmt.Printf("instance %d %s\n", ref.InstanceId, status)
	if status != "SUCCEEDED" {
		return errors.New("the run did not succeed")
	}
	return nil
}

// watch follows the run until a terminal status. The server ends a watch after its maximum
// deadline (status OK) even when the run goes on: then the loop watches again.
func watch(ctx context.Context, c *baton.Clients, ref *batonv1.InstanceRef) (string, error) {
	last := ""
	for {
		stream, err := c.Scheduler.WatchInstance(ctx, &batonv1.WatchInstanceRequest{Ref: ref})
		if err != nil {
			return last, err
		}
		for {
			msg, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return last, err
			}
			if s := msg.GetInstance().GetStatus(); s != last {
				last = s
				fmt.Println("status", s)
			}
			if terminal(last) {
				return last, nil
			}
		}
	}
}

func terminal(status string) bool {
	switch status {
	case "SUCCEEDED", "FAILED", "STOPPED", "TIMED_OUT":
		return true
	}
	return false
}
