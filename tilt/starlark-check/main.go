// Command starlark-check runs a Tiltfile with the real Starlark interpreter
// (go.starlark.net, the one Tilt embeds) against stand-ins for the Tilt builtins
// the Baton Tiltfile uses, and prints the resources it declared as JSON.
//
//	go run ./tilt/starlark-check tilt/Tiltfile [-- --mode=cluster]
//
// Arguments after `--` reach the Tiltfile's config.parse(), as with `tilt up -- ...`.
//
// Tilt itself cannot be installed in our environment; this catches what a
// plain parse cannot: Starlark dialect errors (top-level loops, Python-only
// syntax), wrong or misspelled keyword arguments to local_resource/probe/...,
// missing resource_deps targets, and lets tests compare what the Tiltfile
// would run with stack.json. The file options are the strict defaults, which
// Tilt's dialect accepts as a superset.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"
)

type resource struct {
	Name           string            `json:"name"`
	Cmd            []string          `json:"cmd"`
	CmdShell       bool              `json:"cmdShell"`
	ServeCmd       []string          `json:"serveCmd"`
	ServeCmdShell  bool              `json:"serveCmdShell"`
	Deps           []string          `json:"deps"`
	ResourceDeps   []string          `json:"resourceDeps"`
	Ignore         []string          `json:"ignore"`
	Env            map[string]string `json:"env"`
	ServeEnv       map[string]string `json:"serveEnv"`
	Dir            string            `json:"dir"`
	ServeDir       string            `json:"serveDir"`
	Labels         []string          `json:"labels"`
	ReadinessProbe any               `json:"readinessProbe"`
}

var (
	tiltfileDir string
	resources   []*resource
)

func main() {
	if len(os.Args) < 2 || (len(os.Args) > 2 && os.Args[2] != "--") {
		fmt.Fprintln(os.Stderr, "usage: starlark-check path/to/Tiltfile [-- tilt-args...]")
		os.Exit(2)
	}
	if len(os.Args) > 3 {
		configArgs = os.Args[3:]
	}
	path, err := filepath.Abs(os.Args[1])
	check(err)
	tiltfileDir = filepath.Dir(path)
	// Tilt runs a Tiltfile with its own directory as the working directory.
	check(os.Chdir(tiltfileDir))
	src, err := os.ReadFile(path)
	check(err)

	thread := &starlark.Thread{
		Name:  "Tiltfile",
		Print: func(_ *starlark.Thread, msg string) { fmt.Fprintln(os.Stderr, msg) },
	}
	predeclared := starlark.StringDict{
		"__file__":          starlark.String(path),
		"os":                osModule(),
		"shlex":             module("shlex", starlark.StringDict{"quote": builtin("quote", shlexQuote)}),
		"struct":            starlark.NewBuiltin("struct", starlarkstruct.Make),
		"read_json":         builtin("read_json", readJSON),
		"local":             builtin("local", local),
		"local_resource":    builtin("local_resource", localResource),
		"probe":             builtin("probe", probe),
		"tcp_socket_action": builtin("tcp_socket_action", tcpSocketAction),
		"exec_action":       builtin("exec_action", execAction),
		"http_get_action":   builtin("http_get_action", httpGetAction),
		"config":            configModule(),
		"docker_build":      builtin("docker_build", dockerBuildBuiltin),
		"sync":              builtin("sync", syncBuiltin),
		"run":               builtin("run", runBuiltin),
		"fall_back_on":      builtin("fall_back_on", fallBackOnBuiltin),
		"kustomize":         builtin("kustomize", kustomizeBuiltin),
		"k8s_yaml":          builtin("k8s_yaml", k8sYAMLBuiltin),
		"k8s_resource":      builtin("k8s_resource", k8sResourceBuiltin),
		"port_forward":      builtin("port_forward", portForwardBuiltin),
		"fail": builtin("fail", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			var msg string
			if err := starlark.UnpackArgs("fail", args, kw, "msg", &msg); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("fail: %s", msg)
		}),
	}
	if _, err := starlark.ExecFileOptions(&syntax.FileOptions{}, thread, path, src, predeclared); err != nil {
		if e, ok := err.(*starlark.EvalError); ok {
			fmt.Fprintln(os.Stderr, e.Backtrace())
		} else {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(1)
	}
	// Every workload of k8s_yaml becomes a resource named after it (k8s_resource may rename it).
	names := workloadNames()
	for _, r := range k8sResources {
		if r.Name != r.Workload {
			delete(names, r.Workload)
			names[r.Name] = true
		}
	}
	for _, r := range resources {
		if names[r.Name] {
			fmt.Fprintf(os.Stderr, "resource %q: a local resource and a Kubernetes workload share the name\n", r.Name)
			os.Exit(1)
		}
		names[r.Name] = true
	}
	deps := map[string][]string{}
	for _, r := range resources {
		deps[r.Name] = r.ResourceDeps
	}
	for _, r := range k8sResources {
		deps[r.Name] = r.ResourceDeps
	}
	for name, ds := range deps {
		for _, d := range ds {
			if !names[d] {
				fmt.Fprintf(os.Stderr, "resource %q: resource_deps names unknown resource %q\n", name, d)
				os.Exit(1)
			}
		}
	}
	check(checkImagesUsed())
	out, err := json.MarshalIndent(map[string]any{
		"resources": resources, "images": images, "k8sYaml": k8sYAMLs, "k8sResources": k8sResources,
	}, "", "  ")
	check(err)
	fmt.Println(string(out))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

type fn = func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error)

func builtin(name string, f fn) *starlark.Builtin { return starlark.NewBuiltin(name, f) }

func module(name string, members starlark.StringDict) *starlarkstruct.Module {
	return &starlarkstruct.Module{Name: name, Members: members}
}

// absPath resolves like Tilt: relative paths are relative to the Tiltfile's directory.
func absPath(p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(tiltfileDir, p)
	}
	return filepath.Clean(p)
}

func osModule() *starlarkstruct.Module {
	str1 := func(name string, f func(string) starlark.Value) *starlark.Builtin {
		return builtin(name, func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			var p string
			if err := starlark.UnpackArgs(b.Name(), args, kw, "path", &p); err != nil {
				return nil, err
			}
			return f(p), nil
		})
	}
	path := module("path", starlark.StringDict{
		"abspath":  str1("abspath", func(p string) starlark.Value { return starlark.String(absPath(p)) }),
		"dirname":  str1("dirname", func(p string) starlark.Value { return starlark.String(filepath.Dir(p)) }),
		"basename": str1("basename", func(p string) starlark.Value { return starlark.String(filepath.Base(p)) }),
		"exists": str1("exists", func(p string) starlark.Value {
			_, err := os.Stat(absPath(p))
			return starlark.Bool(err == nil)
		}),
		"join": builtin("join", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			if len(kw) > 0 || len(args) == 0 {
				return nil, fmt.Errorf("join: expected one or more positional strings")
			}
			parts := make([]string, len(args))
			for i, a := range args {
				s, ok := starlark.AsString(a)
				if !ok {
					return nil, fmt.Errorf("join: argument %d is a %s, not a string", i+1, a.Type())
				}
				parts[i] = s
			}
			return starlark.String(filepath.Join(parts...)), nil
		}),
	})
	environ := starlark.NewDict(0)
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		_ = environ.SetKey(starlark.String(k), starlark.String(v))
	}
	return module("os", starlark.StringDict{
		"path":    path,
		"name":    starlark.String("posix"),
		"environ": environ,
		"getcwd": builtin("getcwd", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			if err := starlark.UnpackArgs(b.Name(), args, kw); err != nil {
				return nil, err
			}
			return starlark.String(tiltfileDir), nil
		}),
		"getenv": builtin("getenv", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			var key string
			var def starlark.Value = starlark.None
			if err := starlark.UnpackArgs(b.Name(), args, kw, "key", &key, "default?", &def); err != nil {
				return nil, err
			}
			if v, ok := os.LookupEnv(key); ok {
				return starlark.String(v), nil
			}
			return def, nil
		}),
	})
}

func shlexQuote(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var s string
	if err := starlark.UnpackArgs(b.Name(), args, kw, "s", &s); err != nil {
		return nil, err
	}
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./-_", r))
	}) < 0 {
		return starlark.String(s), nil
	}
	return starlark.String("'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"), nil
}

func toStarlark(v any) (starlark.Value, error) {
	switch x := v.(type) {
	case nil:
		return starlark.None, nil
	case bool:
		return starlark.Bool(x), nil
	case string:
		return starlark.String(x), nil
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return starlark.MakeInt64(i), nil
		}
		f, err := x.Float64()
		return starlark.Float(f), err
	case []any:
		l := make([]starlark.Value, len(x))
		for i, e := range x {
			sv, err := toStarlark(e)
			if err != nil {
				return nil, err
			}
			l[i] = sv
		}
		return starlark.NewList(l), nil
	case map[string]any:
		d := starlark.NewDict(len(x))
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			sv, err := toStarlark(x[k])
			if err != nil {
				return nil, err
			}
			_ = d.SetKey(starlark.String(k), sv)
		}
		return d, nil
	}
	return nil, fmt.Errorf("unsupported JSON value %T", v)
}

func readJSON(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var p string
	var def starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kw, "path", &p, "default?", &def); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(absPath(p))
	if err != nil {
		if os.IsNotExist(err) && def != starlark.None {
			return def, nil
		}
		return nil, err
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("read_json(%s): %w", p, err)
	}
	return toStarlark(v)
}

// cmdValue mirrors Tilt: a string runs with `sh -c`, a list is argv.
func cmdValue(v starlark.Value, what string) (argv []string, shell bool, err error) {
	if v == nil || v == starlark.None {
		return nil, false, nil
	}
	if s, ok := starlark.AsString(v); ok {
		if s == "" {
			return nil, false, nil
		}
		return []string{s}, true, nil
	}
	argv, err = stringList(v, what)
	return argv, false, err
}

func stringList(v starlark.Value, what string) ([]string, error) {
	if v == nil || v == starlark.None {
		return nil, nil
	}
	if s, ok := starlark.AsString(v); ok {
		return []string{s}, nil
	}
	it, ok := v.(starlark.Iterable)
	if !ok {
		return nil, fmt.Errorf("%s: expected a string or a list of strings, got %s", what, v.Type())
	}
	var out []string
	iter := it.Iterate()
	defer iter.Done()
	var x starlark.Value
	for iter.Next(&x) {
		s, ok := starlark.AsString(x)
		if !ok {
			return nil, fmt.Errorf("%s: element %s is a %s, not a string", what, x.String(), x.Type())
		}
		out = append(out, s)
	}
	return out, nil
}

func stringDict(v starlark.Value, what string) (map[string]string, error) {
	if v == nil || v == starlark.None {
		return nil, nil
	}
	d, ok := v.(*starlark.Dict)
	if !ok {
		return nil, fmt.Errorf("%s: expected a dict, got %s", what, v.Type())
	}
	out := map[string]string{}
	for _, item := range d.Items() {
		k, ok1 := starlark.AsString(item[0])
		val, ok2 := starlark.AsString(item[1])
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%s: keys and values must be strings (%s: %s)", what, item[0], item[1])
		}
		out[k] = val
	}
	return out, nil
}

func local(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var command, commandBat, env, stdin starlark.Value
	var quiet, echoOff bool
	var dir string
	if err := starlark.UnpackArgs(b.Name(), args, kw, "command", &command, "quiet?", &quiet,
		"command_bat?", &commandBat, "echo_off?", &echoOff, "env?", &env, "dir?", &dir, "stdin?", &stdin); err != nil {
		return nil, err
	}
	argv, shell, err := cmdValue(command, "local")
	if err != nil {
		return nil, err
	}
	if len(argv) == 0 {
		return nil, fmt.Errorf("local: empty command")
	}
	var c *exec.Cmd
	if shell {
		c = exec.Command("sh", "-c", argv[0])
	} else {
		c = exec.Command(argv[0], argv[1:]...)
	}
	c.Dir = tiltfileDir
	if dir != "" {
		c.Dir = absPath(dir)
	}
	c.Stderr = os.Stderr
	out, err := c.Output()
	if err != nil {
		return nil, fmt.Errorf("local(%v): %w", argv, err)
	}
	return starlark.String(out), nil
}

func localResource(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var name string
	var cmd, deps, triggerMode, resourceDeps, ignore, serveCmd, cmdBat, serveCmdBat, links, labels, env, serveEnv, readiness starlark.Value
	var autoInit, allowParallel bool
	var dir, serveDir string
	if err := starlark.UnpackArgs(b.Name(), args, kw,
		"name", &name, "cmd?", &cmd, "deps?", &deps, "trigger_mode?", &triggerMode,
		"resource_deps?", &resourceDeps, "ignore?", &ignore, "auto_init?", &autoInit,
		"serve_cmd?", &serveCmd, "cmd_bat?", &cmdBat, "serve_cmd_bat?", &serveCmdBat,
		"allow_parallel?", &allowParallel, "links?", &links, "labels?", &labels,
		"env?", &env, "serve_env?", &serveEnv, "readiness_probe?", &readiness,
		"dir?", &dir, "serve_dir?", &serveDir); err != nil {
		return nil, err
	}
	r := &resource{Name: name, Dir: dir, ServeDir: serveDir}
	var err error
	if r.Cmd, r.CmdShell, err = cmdValue(cmd, name+": cmd"); err != nil {
		return nil, err
	}
	if r.ServeCmd, r.ServeCmdShell, err = cmdValue(serveCmd, name+": serve_cmd"); err != nil {
		return nil, err
	}
	if len(r.Cmd) == 0 && len(r.ServeCmd) == 0 {
		return nil, fmt.Errorf("local_resource %q must have a cmd and/or a serve_cmd", name)
	}
	if r.Deps, err = stringList(deps, name+": deps"); err != nil {
		return nil, err
	}
	for i, d := range r.Deps {
		r.Deps[i] = absPath(d)
	}
	if r.ResourceDeps, err = stringList(resourceDeps, name+": resource_deps"); err != nil {
		return nil, err
	}
	if r.Ignore, err = stringList(ignore, name+": ignore"); err != nil {
		return nil, err
	}
	if r.Labels, err = stringList(labels, name+": labels"); err != nil {
		return nil, err
	}
	if r.Env, err = stringDict(env, name+": env"); err != nil {
		return nil, err
	}
	if r.ServeEnv, err = stringDict(serveEnv, name+": serve_env"); err != nil {
		return nil, err
	}
	if readiness != nil && readiness != starlark.None {
		p, ok := readiness.(*jsonValue)
		if !ok || p.kind != "probe" {
			return nil, fmt.Errorf("%s: readiness_probe must come from probe(), got %s", name, readiness.Type())
		}
		if len(r.ServeCmd) == 0 {
			return nil, fmt.Errorf("%s: readiness_probe needs a serve_cmd", name)
		}
		r.ReadinessProbe = p.v
	}
	for _, other := range resources {
		if other.Name == name {
			return nil, fmt.Errorf("local resource %s has been defined multiple times", name)
		}
	}
	resources = append(resources, r)
	return starlark.None, nil
}

// jsonValue is an opaque Tilt object (Probe, ExecAction...) carrying its JSON form.
type jsonValue struct {
	kind string
	v    map[string]any
}

func (j *jsonValue) String() string        { b, _ := json.Marshal(j.v); return j.kind + string(b) }
func (j *jsonValue) Type() string          { return j.kind }
func (j *jsonValue) Freeze()               {}
func (j *jsonValue) Truth() starlark.Bool  { return true }
func (j *jsonValue) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: %s", j.kind) }

func action(v starlark.Value, kind, what string) (map[string]any, error) {
	if v == nil || v == starlark.None {
		return nil, nil
	}
	a, ok := v.(*jsonValue)
	if !ok || a.kind != kind {
		return nil, fmt.Errorf("probe: %s must come from %s(), got %s", what, kind, v.Type())
	}
	return a.v, nil
}

func probe(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	initialDelay, timeout, period, success, failure := 0, 1, 10, 1, 3
	var execV, httpV, tcpV starlark.Value
	if err := starlark.UnpackArgs(b.Name(), args, kw,
		"initial_delay_secs?", &initialDelay, "timeout_secs?", &timeout, "period_secs?", &period,
		"success_threshold?", &success, "failure_threshold?", &failure,
		"exec?", &execV, "http_get?", &httpV, "tcp_socket?", &tcpV); err != nil {
		return nil, err
	}
	if timeout <= 0 || period <= 0 || success <= 0 || failure <= 0 || initialDelay < 0 {
		return nil, fmt.Errorf("probe: timeouts, periods and thresholds must be positive")
	}
	p := map[string]any{"initialDelaySecs": initialDelay, "timeoutSecs": timeout, "periodSecs": period,
		"successThreshold": success, "failureThreshold": failure}
	n := 0
	for _, h := range []struct {
		v          starlark.Value
		kind, json string
	}{{execV, "exec_action", "exec"}, {httpV, "http_get_action", "httpGet"}, {tcpV, "tcp_socket_action", "tcpSocket"}} {
		a, err := action(h.v, h.kind, h.json)
		if err != nil {
			return nil, err
		}
		if a != nil {
			p[h.json] = a
			n++
		}
	}
	if n != 1 {
		return nil, fmt.Errorf("probe: exactly one of exec, http_get or tcp_socket must be specified (got %d)", n)
	}
	return &jsonValue{"probe", p}, nil
}

func tcpSocketAction(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var port int
	host := "localhost"
	if err := starlark.UnpackArgs(b.Name(), args, kw, "port", &port, "host?", &host); err != nil {
		return nil, err
	}
	if port <= 0 || port > 65535 {
		return nil, fmt.Errorf("tcp_socket_action: port %d out of range", port)
	}
	return &jsonValue{"tcp_socket_action", map[string]any{"port": port, "host": host}}, nil
}

func httpGetAction(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var port int
	host, scheme, path := "localhost", "http", ""
	if err := starlark.UnpackArgs(b.Name(), args, kw, "port", &port, "host?", &host, "scheme?", &scheme, "path?", &path); err != nil {
		return nil, err
	}
	return &jsonValue{"http_get_action", map[string]any{"port": port, "host": host, "scheme": scheme, "path": path}}, nil
}

func execAction(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var command starlark.Value
	if err := starlark.UnpackArgs(b.Name(), args, kw, "command", &command); err != nil {
		return nil, err
	}
	if _, ok := command.(starlark.String); ok {
		return nil, fmt.Errorf("exec_action: command must be a list of strings")
	}
	argv, err := stringList(command, "exec_action")
	if err != nil {
		return nil, err
	}
	if len(argv) == 0 {
		return nil, fmt.Errorf("exec_action: empty command")
	}
	return &jsonValue{"exec_action", map[string]any{"command": argv}}, nil
}
