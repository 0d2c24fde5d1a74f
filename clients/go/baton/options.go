package baton

import (
	"os"
	"time"
)

// Default addresses of the four public services, as the local stack (stack.json) runs them.
const (
	DefaultDefinitionAddr  = "127.0.0.1:7401"
	DefaultSchedulerAddr   = "127.0.0.1:7402"
	DefaultStepRuntimeAddr = "127.0.0.1:7403"
	DefaultSignalAddr      = "127.0.0.1:7404"
	// DefaultTimeout bounds unary calls whose context has no deadline (streams are not bounded).
	DefaultTimeout = 10 * time.Second
)

// Addresses of the services (host:port). An empty one falls back to BATON_<SERVICE>_ADDR, then
// to the default above.
type Addresses struct {
	Definition  string
	Scheduler   string
	StepRuntime string
	Signal      string
}

// Options of Connect. Zero fields take the environment's value, then the default, like the
// TypeScript SDK and the CLI: BATON_DEFINITION_ADDR, BATON_SCHEDULER_ADDR,
// BATON_STEP_RUNTIME_ADDR, BATON_SIGNAL_ADDR, BATON_TOKEN, BATON_TLS_CA and BATON_TLS=on.
type Options struct {
	Addresses Addresses
	// Token is sent as "authorization: Bearer <token>" with every call.
	Token string
	// TLS turns on TLS with the system's roots (or CAFile's, when set).
	TLS bool
	// CAFile is a PEM bundle of the CAs to trust; setting it turns TLS on.
	CAFile string
	// Timeout is the deadline of unary calls whose context has none (default DefaultTimeout;
	// negative: none).
	Timeout time.Duration
	// LookupEnv is where the fallbacks are read (default os.LookupEnv); tests pass a map's.
	LookupEnv func(string) (string, bool)
}

// resolved returns the options with every zero field filled from the environment or the default.
func (o Options) resolved() Options {
	lookup := o.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	env := func(name string) string {
		v, _ := lookup(name)
		return v
	}
	pick := func(given, envName, def string) string {
		if given != "" {
			return given
		}
		if v := env(envName); v != "" {
			return v
		}
		return def
	}
	r := o
	r.Addresses.Definition = pick(o.Addresses.Definition, "BATON_DEFINITION_ADDR", DefaultDefinitionAddr)
	r.Addresses.Scheduler = pick(o.Addresses.Scheduler, "BATON_SCHEDULER_ADDR", DefaultSchedulerAddr)
	r.Addresses.StepRuntime = pick(o.Addresses.StepRuntime, "BATON_STEP_RUNTIME_ADDR", DefaultStepRuntimeAddr)
	r.Addresses.Signal = pick(o.Addresses.Signal, "BATON_SIGNAL_ADDR", DefaultSignalAddr)
	r.Token = pick(o.Token, "BATON_TOKEN", "")
	r.CAFile = pick(o.CAFile, "BATON_TLS_CA", "")
	r.TLS = o.TLS || r.CAFile != "" || env("BATON_TLS") == "on"
	if r.Timeout == 0 {
		r.Timeout = DefaultTimeout
	}
	return r
}
