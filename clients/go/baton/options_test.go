package baton

import (
	"testing"
	"time"
)

func lookupIn(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func TestDefaultsWithoutEnv(t *testing.T) {
	o := Options{LookupEnv: lookupIn(nil)}.resolved()
	want := Addresses{DefaultDefinitionAddr, DefaultSchedulerAddr, DefaultStepRuntimeAddr, DefaultSignalAddr}
	if o.Addresses != want || o.TLS || o.Token != "" || o.Timeout != DefaultTimeout {
		t.Fatalf("resolved %+v", o)
	}
}

func TestEnvFillsWhatOptionsLeaveOut(t *testing.T) {
	env := map[string]string{
		"BATON_DEFINITION_ADDR":   "10.0.0.1:1",
		"BATON_SCHEDULER_ADDR":    "10.0.0.1:2",
		"BATON_STEP_RUNTIME_ADDR": "10.0.0.1:3",
		"BATON_SIGNAL_ADDR":       "10.0.0.1:4",
		"BATON_TOKEN":             "from-env",
		"BATON_TLS_CA":            "/ca.pem",
	}
	o := Options{Addresses: Addresses{Scheduler: "given:9"}, Timeout: time.Second, LookupEnv: lookupIn(env)}.resolved()
	want := Addresses{"10.0.0.1:1", "given:9", "10.0.0.1:3", "10.0.0.1:4"}
	if o.Addresses != want {
		t.Fatalf("addresses %+v, want %+v", o.Addresses, want)
	}
	if o.Token != "from-env" || o.CAFile != "/ca.pem" || !o.TLS || o.Timeout != time.Second {
		t.Fatalf("resolved %+v", o)
	}
}

func TestTLSOnWithoutCA(t *testing.T) {
	if o := (Options{LookupEnv: lookupIn(map[string]string{"BATON_TLS": "on"})}).resolved(); !o.TLS || o.CAFile != "" {
		t.Fatalf("BATON_TLS=on: %+v", o)
	}
	if o := (Options{LookupEnv: lookupIn(map[string]string{"BATON_TLS": "off"})}).resolved(); o.TLS {
		t.Fatalf("BATON_TLS=off: %+v", o)
	}
}
