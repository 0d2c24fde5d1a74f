package main

// Stand-ins for Tilt's image and Kubernetes builtins: docker_build (with its live_update steps),
// kustomize, k8s_yaml, k8s_resource and port_forward, and the config module behind
// `tilt up -- --flag=value`. kustomize() really renders (kubectl kustomize, offline), so
// k8s_resource can be checked against the workloads that the YAML declares, as Tilt does.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.yaml.in/yaml/v3"
)

type image struct {
	Ref        string            `json:"ref"`
	Context    string            `json:"context"`
	Dockerfile string            `json:"dockerfile"`
	Target     string            `json:"target,omitempty"`
	BuildArgs  map[string]string `json:"buildArgs,omitempty"`
	Ignore     []string          `json:"ignore,omitempty"`
	Only       []string          `json:"only,omitempty"`
	LiveUpdate []map[string]any  `json:"liveUpdate"`
}

type k8sObject struct {
	Kind      string   `json:"kind"`
	Name      string   `json:"name"`
	Namespace string   `json:"namespace,omitempty"`
	Images    []string `json:"images,omitempty"`
}

type k8sYAML struct {
	Source  string      `json:"source"`
	Path    string      `json:"path"`
	Objects []k8sObject `json:"objects"`
}

type portForward struct {
	Local     int    `json:"local"`
	Container int    `json:"container"`
	Name      string `json:"name,omitempty"`
}

type k8sResource struct {
	Name         string        `json:"name"`
	Workload     string        `json:"workload"`
	PortForwards []portForward `json:"portForwards"`
	ResourceDeps []string      `json:"resourceDeps"`
	Labels       []string      `json:"labels"`
}

var (
	images       = []*image{}
	k8sYAMLs     = []*k8sYAML{}
	k8sResources = []*k8sResource{}
	// Flags after `--` on the checker's command line, as `tilt up -- --mode=cluster` passes them.
	configArgs     []string
	configDefs     = map[string]string{} // name -> "string" | "bool" | "string_list"
	configArgsName string                // the one flag that takes positional args, if any
)

var workloadKinds = map[string]bool{
	"Deployment": true, "StatefulSet": true, "DaemonSet": true, "ReplicaSet": true,
	"Job": true, "CronJob": true, "Pod": true,
}

// blob is Tilt's Blob: YAML text returned by kustomize(), with where it came from.
type blob struct {
	text, source, path string
}

func (b *blob) String() string        { return b.text }
func (b *blob) Type() string          { return "blob" }
func (b *blob) Freeze()               {}
func (b *blob) Truth() starlark.Bool  { return b.text != "" }
func (b *blob) Hash() (uint32, error) { return starlark.String(b.text).Hash() }

func kustomizeBuiltin(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var dir string
	var bin, flags starlark.Value
	if err := starlark.UnpackArgs(b.Name(), args, kw, "pathToDir", &dir, "kustomize_bin?", &bin, "flags?", &flags); err != nil {
		return nil, err
	}
	path := absPath(dir)
	if st, err := os.Stat(path); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("kustomize: %s is not a directory", path)
	}
	var stderr bytes.Buffer
	c := exec.Command("kubectl", "kustomize", path)
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		return nil, fmt.Errorf("kustomize(%s): kubectl kustomize: %v: %s", dir, err, stderr.String())
	}
	return &blob{text: string(out), source: "kustomize", path: path}, nil
}

// parseObjects reads a multi-document YAML stream into the fields Tilt keys resources on.
func parseObjects(text string) ([]k8sObject, error) {
	dec := yaml.NewDecoder(strings.NewReader(text))
	var out []k8sObject
	for {
		var doc struct {
			Kind     string `yaml:"kind"`
			Metadata struct {
				Name      string `yaml:"name"`
				Namespace string `yaml:"namespace"`
			} `yaml:"metadata"`
			Spec yaml.Node `yaml:"spec"`
		}
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if doc.Kind == "" {
			continue
		}
		o := k8sObject{Kind: doc.Kind, Name: doc.Metadata.Name, Namespace: doc.Metadata.Namespace}
		if workloadKinds[doc.Kind] {
			var spec struct {
				Template struct {
					Spec struct {
						Containers []struct {
							Image string `yaml:"image"`
						} `yaml:"containers"`
					} `yaml:"spec"`
				} `yaml:"template"`
			}
			if err := doc.Spec.Decode(&spec); err == nil {
				for _, c := range spec.Template.Spec.Containers {
					o.Images = append(o.Images, c.Image)
				}
			}
		}
		out = append(out, o)
	}
}

func k8sYAMLBuiltin(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var v starlark.Value
	var allowDuplicates bool
	if err := starlark.UnpackArgs(b.Name(), args, kw, "yaml", &v, "allow_duplicates?", &allowDuplicates); err != nil {
		return nil, err
	}
	var inputs []starlark.Value
	if l, ok := v.(*starlark.List); ok {
		for i := 0; i < l.Len(); i++ {
			inputs = append(inputs, l.Index(i))
		}
	} else {
		inputs = []starlark.Value{v}
	}
	for _, in := range inputs {
		y := &k8sYAML{}
		var text string
		switch x := in.(type) {
		case *blob:
			text, y.Source, y.Path = x.text, x.source, x.path
		case starlark.String:
			y.Source, y.Path = "file", absPath(string(x))
			data, err := os.ReadFile(y.Path)
			if err != nil {
				return nil, fmt.Errorf("k8s_yaml: %w", err)
			}
			text = string(data)
		default:
			return nil, fmt.Errorf("k8s_yaml: expected a Blob, a path or a list of them, got %s", in.Type())
		}
		objs, err := parseObjects(text)
		if err != nil {
			return nil, fmt.Errorf("k8s_yaml(%s): %w", y.Path, err)
		}
		if len(objs) == 0 {
			return nil, fmt.Errorf("k8s_yaml(%s): no Kubernetes objects", y.Path)
		}
		y.Objects = objs
		k8sYAMLs = append(k8sYAMLs, y)
	}
	return starlark.None, nil
}

// workloadNames are the resource names Tilt gives the workloads of all k8s_yaml calls.
func workloadNames() map[string]bool {
	names := map[string]bool{}
	for _, y := range k8sYAMLs {
		for _, o := range y.Objects {
			if workloadKinds[o.Kind] {
				names[o.Name] = true
			}
		}
	}
	return names
}

func portForwardBuiltin(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var local int
	var container starlark.Value = starlark.None
	var name, linkPath, host string
	if err := starlark.UnpackArgs(b.Name(), args, kw, "local_port", &local, "container_port?", &container,
		"name?", &name, "link_path?", &linkPath, "host?", &host); err != nil {
		return nil, err
	}
	pf := map[string]any{"local": local, "container": local, "name": name}
	if container != starlark.None {
		n, err := starlark.AsInt32(container)
		if err != nil {
			return nil, fmt.Errorf("port_forward: container_port: %w", err)
		}
		pf["container"] = n
	}
	return &jsonValue{"port_forward", pf}, nil
}

func toPortForward(v starlark.Value) (portForward, error) {
	switch x := v.(type) {
	case starlark.Int:
		n, err := starlark.AsInt32(x)
		return portForward{Local: n, Container: n}, err
	case starlark.String:
		var l, c int
		if _, err := fmt.Sscanf(string(x), "%d:%d", &l, &c); err == nil {
			return portForward{Local: l, Container: c}, nil
		}
		if _, err := fmt.Sscanf(string(x), "%d", &l); err == nil {
			return portForward{Local: l, Container: l}, nil
		}
		return portForward{}, fmt.Errorf("port_forwards: cannot parse %q", string(x))
	case *jsonValue:
		if x.kind == "port_forward" {
			return portForward{Local: x.v["local"].(int), Container: x.v["container"].(int), Name: x.v["name"].(string)}, nil
		}
	}
	return portForward{}, fmt.Errorf("port_forwards: expected an int, a 'local:container' string or port_forward(), got %s", v.Type())
}

func k8sResourceBuiltin(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var workload, newName, podReadiness, discovery string
	var portForwards, extraSelectors, triggerMode, resourceDeps, objects, links, labels starlark.Value
	autoInit := true
	if err := starlark.UnpackArgs(b.Name(), args, kw,
		"workload?", &workload, "new_name?", &newName, "port_forwards?", &portForwards,
		"extra_pod_selectors?", &extraSelectors, "trigger_mode?", &triggerMode,
		"resource_deps?", &resourceDeps, "objects?", &objects, "auto_init?", &autoInit,
		"pod_readiness?", &podReadiness, "links?", &links, "labels?", &labels,
		"discovery_strategy?", &discovery); err != nil {
		return nil, err
	}
	if workload == "" {
		return nil, fmt.Errorf("k8s_resource: a workload is required (this check does not cover object-only resources)")
	}
	if !workloadNames()[workload] {
		return nil, fmt.Errorf("k8s_resource: no workload named %q in the YAML passed to k8s_yaml", workload)
	}
	r := &k8sResource{Name: workload, Workload: workload}
	if newName != "" {
		r.Name = newName
	}
	var err error
	if r.ResourceDeps, err = stringList(resourceDeps, workload+": resource_deps"); err != nil {
		return nil, err
	}
	if r.Labels, err = stringList(labels, workload+": labels"); err != nil {
		return nil, err
	}
	if portForwards != nil && portForwards != starlark.None {
		var items []starlark.Value
		if l, ok := portForwards.(*starlark.List); ok {
			for i := 0; i < l.Len(); i++ {
				items = append(items, l.Index(i))
			}
		} else {
			items = []starlark.Value{portForwards}
		}
		for _, it := range items {
			pf, err := toPortForward(it)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", workload, err)
			}
			r.PortForwards = append(r.PortForwards, pf)
		}
	}
	for _, other := range k8sResources {
		if other.Workload == workload {
			return nil, fmt.Errorf("k8s_resource: workload %q configured twice", workload)
		}
	}
	k8sResources = append(k8sResources, r)
	return starlark.None, nil
}

// Live update steps: Tilt requires fall_back_on*, then sync*, then run* (restart_container last).
var liveUpdateOrder = map[string]int{"fall_back_on": 0, "sync": 1, "run": 2, "restart_container": 3}

func syncBuiltin(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var local, remote string
	if err := starlark.UnpackArgs(b.Name(), args, kw, "local_path", &local, "remote_path", &remote); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(remote, "/") {
		return nil, fmt.Errorf("sync: remote_path %q must be absolute", remote)
	}
	return &jsonValue{"sync", map[string]any{"step": "sync", "local": absPath(local), "remote": remote}}, nil
}

func runBuiltin(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var cmd, trigger starlark.Value
	var echoOff bool
	if err := starlark.UnpackArgs(b.Name(), args, kw, "cmd", &cmd, "trigger?", &trigger, "echo_off?", &echoOff); err != nil {
		return nil, err
	}
	argv, shell, err := cmdValue(cmd, "run")
	if err != nil || len(argv) == 0 {
		return nil, fmt.Errorf("run: a command is required (%v)", err)
	}
	triggers, err := stringList(trigger, "run: trigger")
	if err != nil {
		return nil, err
	}
	for i, t := range triggers {
		triggers[i] = absPath(t)
	}
	return &jsonValue{"run", map[string]any{"step": "run", "cmd": argv, "shell": shell, "trigger": triggers}}, nil
}

func fallBackOnBuiltin(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var files starlark.Value
	if err := starlark.UnpackArgs(b.Name(), args, kw, "files", &files); err != nil {
		return nil, err
	}
	paths, err := stringList(files, "fall_back_on")
	if err != nil {
		return nil, err
	}
	for i, p := range paths {
		paths[i] = absPath(p)
	}
	return &jsonValue{"fall_back_on", map[string]any{"step": "fall_back_on", "files": paths}}, nil
}

func dockerBuildBuiltin(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
	var ref, context, dockerfile, dockerfileContents, target, network, extraTag, platform string
	var buildArgs, liveUpdate, ignore, only, entrypoint, ssh, secret, containerArgs, cacheFrom, extraHosts starlark.Value
	var matchInEnv, pull bool
	if err := starlark.UnpackArgs(b.Name(), args, kw,
		"ref", &ref, "context", &context, "build_args?", &buildArgs, "dockerfile?", &dockerfile,
		"dockerfile_contents?", &dockerfileContents, "live_update?", &liveUpdate,
		"match_in_env_vars?", &matchInEnv, "ignore?", &ignore, "only?", &only,
		"entrypoint?", &entrypoint, "target?", &target, "ssh?", &ssh, "network?", &network,
		"secret?", &secret, "extra_tag?", &extraTag, "container_args?", &containerArgs,
		"cache_from?", &cacheFrom, "pull?", &pull, "platform?", &platform, "extra_hosts?", &extraHosts); err != nil {
		return nil, err
	}
	img := &image{Ref: ref, Context: absPath(context), Target: target, LiveUpdate: []map[string]any{}}
	if st, err := os.Stat(img.Context); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("docker_build(%s): context %s is not a directory", ref, img.Context)
	}
	// Tilt resolves the Dockerfile against the Tiltfile's directory, not the context.
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	img.Dockerfile = absPath(dockerfile)
	var err error
	if img.BuildArgs, err = stringDict(buildArgs, ref+": build_args"); err != nil {
		return nil, err
	}
	if img.Ignore, err = stringList(ignore, ref+": ignore"); err != nil {
		return nil, err
	}
	if img.Only, err = stringList(only, ref+": only"); err != nil {
		return nil, err
	}
	if liveUpdate != nil && liveUpdate != starlark.None {
		l, ok := liveUpdate.(*starlark.List)
		if !ok {
			return nil, fmt.Errorf("docker_build(%s): live_update must be a list", ref)
		}
		last := 0
		for i := 0; i < l.Len(); i++ {
			step, ok := l.Index(i).(*jsonValue)
			order, known := 0, false
			if ok {
				order, known = liveUpdateOrder[step.kind]
			}
			if !known {
				return nil, fmt.Errorf("docker_build(%s): live_update[%d] is not a live update step", ref, i)
			}
			if order < last {
				return nil, fmt.Errorf("docker_build(%s): live_update steps must be fall_back_on, then sync, then run", ref)
			}
			last = order
			if step.kind == "sync" && !strings.HasPrefix(step.v["local"].(string), img.Context) {
				return nil, fmt.Errorf("docker_build(%s): sync from %s, outside the build context", ref, step.v["local"])
			}
			img.LiveUpdate = append(img.LiveUpdate, step.v)
		}
	}
	for _, other := range images {
		if other.Ref == ref {
			return nil, fmt.Errorf("docker_build: image %q built twice", ref)
		}
	}
	images = append(images, img)
	return starlark.None, nil
}

// imageName drops a tag or digest: Tilt matches a docker_build ref to YAML images by name.
func imageName(ref string) string {
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref = ref[:i]
	}
	return ref
}

// checkImagesUsed fails when a built image is used by no workload (Tilt would build it for nothing).
func checkImagesUsed() error {
	for _, img := range images {
		used := false
		for _, y := range k8sYAMLs {
			for _, o := range y.Objects {
				for _, i := range o.Images {
					if imageName(i) == imageName(img.Ref) {
						used = true
					}
				}
			}
		}
		if !used {
			return fmt.Errorf("docker_build(%s): no workload in k8s_yaml uses this image", img.Ref)
		}
	}
	return nil
}

func configModule() *starlarkstruct.Module {
	define := func(kind string) *starlark.Builtin {
		return builtin("define_"+kind, func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			var name, usage string
			var takesArgs bool
			if err := starlark.UnpackArgs(b.Name(), args, kw, "name", &name, "args?", &takesArgs, "usage?", &usage); err != nil {
				return nil, err
			}
			if _, dup := configDefs[name]; dup {
				return nil, fmt.Errorf("config.%s: %q defined twice", b.Name(), name)
			}
			if takesArgs {
				if configArgsName != "" {
					return nil, fmt.Errorf("config.%s: only one setting may take positional args", b.Name())
				}
				configArgsName = name
			}
			configDefs[name] = kind
			return starlark.None, nil
		})
	}
	parse := builtin("parse", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackArgs(b.Name(), args, kw); err != nil {
			return nil, err
		}
		values := map[string][]string{}
		var positional []string
		for _, a := range configArgs {
			if !strings.HasPrefix(a, "--") {
				positional = append(positional, a)
				continue
			}
			name, val, hasVal := strings.Cut(strings.TrimPrefix(a, "--"), "=")
			kind, ok := configDefs[name]
			if !ok {
				return nil, fmt.Errorf("config.parse: unknown flag --%s (defined: %s)", name, strings.Join(sortedKeys(configDefs), ", "))
			}
			if !hasVal {
				if kind != "bool" {
					return nil, fmt.Errorf("config.parse: --%s needs a value (--%s=...)", name, name)
				}
				val = "true"
			}
			if kind != "string_list" && len(values[name]) > 0 {
				return nil, fmt.Errorf("config.parse: --%s given twice", name)
			}
			values[name] = append(values[name], val)
		}
		if len(positional) > 0 {
			if configArgsName == "" {
				return nil, fmt.Errorf("config.parse: positional args %v but no setting takes args", positional)
			}
			values[configArgsName] = append(values[configArgsName], positional...)
		}
		d := starlark.NewDict(len(values))
		for name, vals := range values {
			var v starlark.Value
			switch configDefs[name] {
			case "bool":
				v = starlark.Bool(vals[0] == "true")
			case "string_list":
				l := make([]starlark.Value, len(vals))
				for i, s := range vals {
					l[i] = starlark.String(s)
				}
				v = starlark.NewList(l)
			default:
				v = starlark.String(vals[0])
			}
			_ = d.SetKey(starlark.String(name), v)
		}
		return d, nil
	})
	return module("config", starlark.StringDict{
		"define_string":      define("string"),
		"define_bool":        define("bool"),
		"define_string_list": define("string_list"),
		"parse":              parse,
	})
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
