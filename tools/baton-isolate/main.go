// Command baton-isolate runs one command confined the way step-runtime confines user code, in a
// single cheap exec instead of util-linux's unshare → sh → prlimit → setpriv chain:
//
//	baton-isolate [--uid N --gid N] [--cpu S] [--as BYTES] [--nproc N] [--fsize BYTES] [--pidns] -- command args...
//
// Flags are parsed by fixed rules (no shell, no format strings): the command and its arguments are
// only ever the argv of the final execve. See README.md.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

type options struct {
	uid, gid       int64 // -1 = keep
	cpu, as, nproc uint64
	fsize          uint64
	pidns          bool
	command        []string
}

func usage(msg string) {
	fmt.Fprintf(os.Stderr, "baton-isolate: %s\nusage: baton-isolate [--uid N --gid N] [--cpu SECONDS] [--as BYTES] [--nproc N] [--fsize BYTES] [--pidns] -- command args...\n", msg)
	os.Exit(125)
}

// parse reads the fixed flags up to the mandatory "--"; everything after it is the command.
func parse(args []string) (options, error) {
	o := options{uid: -1, gid: -1}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			o.command = args[i+1:]
			if len(o.command) == 0 {
				return o, errors.New("no command after --")
			}
			if (o.uid < 0) != (o.gid < 0) {
				return o, errors.New("--uid and --gid go together")
			}
			return o, nil
		}
		switch a {
		case "--pidns":
			o.pidns = true
			continue
		}
		if !strings.HasPrefix(a, "--") {
			return o, fmt.Errorf("missing -- before the command %q", a)
		}
		name, value, hasValue := strings.Cut(a, "=")
		if !hasValue {
			if i+1 >= len(args) {
				return o, fmt.Errorf("%s needs a value", a)
			}
			i++
			value = args[i]
		}
		n, err := strconv.ParseUint(value, 10, 63)
		if err != nil {
			return o, fmt.Errorf("%s: %q is not a non-negative integer", name, value)
		}
		switch name {
		case "--uid":
			o.uid = int64(n)
		case "--gid":
			o.gid = int64(n)
		case "--cpu":
			o.cpu = n
		case "--as":
			o.as = n
		case "--nproc":
			o.nproc = n
		case "--fsize":
			o.fsize = n
		default:
			return o, fmt.Errorf("unknown flag %q", name)
		}
	}
	return o, errors.New("missing -- before the command")
}

func main() {
	o, err := parse(os.Args[1:])
	if err != nil {
		usage(err.Error())
	}
	switch {
	case o.pidns:
		os.Exit(runPidns(o))
	default:
		execDirect(o)
	}
}

// fail reports a problem before the command ran: 127 when it does not exist, 126 otherwise (as a shell).
func fail(what string, err error) int {
	fmt.Fprintf(os.Stderr, "baton-isolate: %s: %v\n", what, err)
	if errors.Is(err, syscall.ENOENT) || errors.Is(err, exec.ErrNotFound) {
		return 127
	}
	return 126
}

// execDirect confines this very process and execs the command in its place (no PID namespace).
func execDirect(o options) {
	path, err := lookPath(o.command[0])
	if err != nil {
		os.Exit(fail("cannot run "+o.command[0], err))
	}
	if err := dropInheritableCaps(); err != nil {
		os.Exit(fail("cannot clear inheritable capabilities", err))
	}
	if o.uid >= 0 {
		// Go applies these to every thread of the process.
		if err := syscall.Setgroups([]int{}); err != nil {
			os.Exit(fail("setgroups", err))
		}
		if err := syscall.Setresgid(int(o.gid), int(o.gid), int(o.gid)); err != nil {
			os.Exit(fail("setresgid", err))
		}
		if err := syscall.Setresuid(int(o.uid), int(o.uid), int(o.uid)); err != nil {
			os.Exit(fail("setresuid", err))
		}
	}
	for _, l := range o.limitList() {
		if err := syscall.Setrlimit(l.resource, &syscall.Rlimit{Cur: l.soft, Max: l.hard}); err != nil {
			os.Exit(fail("setrlimit", err))
		}
	}
	err = syscall.Exec(path, o.command, os.Environ())
	os.Exit(fail("cannot run "+o.command[0], err))
}

type rlimitSetting struct {
	resource   int
	soft, hard uint64
}

// limitList is the rlimits to set: soft = the limit, and hard = the limit too except for CPU, whose
// hard limit is a second higher so SIGXCPU (nameable, trappable for cleanup) comes before SIGKILL.
func (o options) limitList() []rlimitSetting {
	var l []rlimitSetting
	if o.cpu > 0 {
		l = append(l, rlimitSetting{syscall.RLIMIT_CPU, o.cpu, o.cpu + 1})
	}
	if o.as > 0 {
		l = append(l, rlimitSetting{syscall.RLIMIT_AS, o.as, o.as})
	}
	if o.nproc > 0 {
		l = append(l, rlimitSetting{rlimitNproc, o.nproc, o.nproc})
	}
	if o.fsize > 0 {
		l = append(l, rlimitSetting{syscall.RLIMIT_FSIZE, o.fsize, o.fsize})
	}
	return l
}

// exitStatus is a shell's $?: the exit code, or 128 + the signal that killed the process.
func exitStatus(ws syscall.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

const rlimitNproc = 6 // RLIMIT_NPROC (not exported by package syscall)

// Capability ABI (linux/capability.h).
const linuxCapabilityVersion3 = 0x20080522

type capHeader struct {
	version uint32
	pid     int32
}

type capData struct {
	effective, permitted, inheritable uint32
}

// dropInheritableCaps empties the inheritable and ambient capability sets of every thread (as
// setpriv --inh-caps=-all did), so the command cannot regain capabilities from file capabilities
// after the switch to an unprivileged user. Effective and permitted stay: the user switch needs them,
// and the kernel clears them itself when every uid becomes non-zero.
func dropInheritableCaps() error {
	hdr := capHeader{version: linuxCapabilityVersion3}
	var data [2]capData
	if _, _, e := syscall.RawSyscall(syscall.SYS_CAPGET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0); e != 0 {
		return fmt.Errorf("capget: %w", e)
	}
	if data[0].inheritable != 0 || data[1].inheritable != 0 {
		data[0].inheritable, data[1].inheritable = 0, 0
		hdr = capHeader{version: linuxCapabilityVersion3}
		if _, _, e := syscall.AllThreadsSyscall(syscall.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0); e != 0 {
			return fmt.Errorf("capset: %w", e)
		}
	}
	const prCapAmbient, prCapAmbientClearAll = 47, 4
	if _, _, e := syscall.AllThreadsSyscall6(syscall.SYS_PRCTL, prCapAmbient, prCapAmbientClearAll, 0, 0, 0, 0); e != 0 && e != syscall.EINVAL {
		return fmt.Errorf("prctl(PR_CAP_AMBIENT_CLEAR_ALL): %w", e)
	}
	return nil
}

// lookPath finds name as execvp(3) would: as given when it holds a slash, else on $PATH.
func lookPath(name string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}
