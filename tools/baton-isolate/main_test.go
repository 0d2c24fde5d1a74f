package main

// These tests build baton-isolate and run it for real. Most need root (user switch, PID
// namespaces); they skip otherwise. Run: cd tools/baton-isolate && go test ./...

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "baton-isolate-test")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "baton-isolate")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build failed: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}

// start runs baton-isolate in its own process group, as step-runtime does (detached).
func start(t *testing.T, args ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	out := &strings.Builder{}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, out
}

// run runs baton-isolate to the end and returns its output and shell-style status.
func run(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd, out := start(t, args...)
	_ = cmd.Wait()
	return out.String(), exitStatus(cmd.ProcessState.Sys().(syscall.WaitStatus))
}

func modes(t *testing.T, f func(t *testing.T, pidns []string)) {
	t.Run("direct", func(t *testing.T) { f(t, nil) })
	t.Run("pidns", func(t *testing.T) { needRoot(t); f(t, []string{"--pidns"}) })
}

func TestExitCodes(t *testing.T) {
	modes(t, func(t *testing.T, ns []string) {
		cases := []struct {
			script string
			want   int
		}{{"exit 0", 0}, {"exit 7", 7}, {"kill -KILL $$", 128 + 9}, {"kill -TERM $$", 128 + 15}}
		for _, c := range cases {
			out, got := run(t, append(ns, "--", "sh", "-c", c.script)...)
			if got != c.want {
				t.Errorf("%q: status %d, want %d (%s)", c.script, got, c.want, out)
			}
		}
		if out, got := run(t, append(ns, "--", "no-such-command-baton")...); got != 127 || !strings.Contains(out, "cannot run no-such-command-baton") {
			t.Errorf("missing command: %d %q", got, out)
		}
		if out, got := run(t, append(ns, "--", "/etc/passwd")...); got != 126 {
			t.Errorf("not executable: %d %q", got, out)
		}
	})
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"sh"}, {"--"}, {"--cpu", "x", "--", "true"}, {"--cpu=-1", "--", "true"}, {"--uid", "1", "--", "true"},
		{"--bogus", "1", "--", "true"}, {"--cpu"},
	} {
		if out, got := run(t, args...); got != 125 || !strings.Contains(out, "usage:") {
			t.Errorf("%q: status %d, output %q", args, got, out)
		}
	}
}

func TestArgvIsVerbatim(t *testing.T) {
	modes(t, func(t *testing.T, ns []string) {
		weird := []string{"$(id)", "a b", "--pidns", "--", "'\"`;|&"}
		out, got := run(t, append(append(ns, "--", "printf", "[%s]\\n"), weird...)...)
		want := "[$(id)]\n[a b]\n[--pidns]\n[--]\n['\"`;|&]\n"
		if got != 0 || out != want {
			t.Errorf("status %d, output %q, want %q", got, out, want)
		}
	})
}

func TestLimits(t *testing.T) {
	modes(t, func(t *testing.T, ns []string) {
		args := append(ns, "--cpu", "5", "--as=268435456", "--nproc", "20", "--fsize", "1000000", "--", "cat", "/proc/self/limits")
		out, got := run(t, args...)
		if got != 0 {
			t.Fatalf("status %d: %s", got, out)
		}
		for _, want := range []string{
			`Max cpu time\s+5\s+6\s+seconds`,
			`Max address space\s+268435456\s+268435456\s+bytes`,
			`Max processes\s+20\s+20\s+processes`,
			`Max file size\s+1000000\s+1000000\s+bytes`,
		} {
			if !matches(want, out) {
				t.Errorf("no %q in\n%s", want, out)
			}
		}
	})
}

func TestFileSizeLimitSignals(t *testing.T) {
	modes(t, func(t *testing.T, ns []string) {
		dir := t.TempDir()
		out, got := run(t, append(ns, "--fsize", "1000", "--", "sh", "-c", "head -c 5000 /dev/zero > "+dir+"/f")...)
		// The shell reports its child's SIGXFSZ as 128+25.
		if got != 128+int(syscall.SIGXFSZ) {
			t.Errorf("status %d, want %d: %s", got, 128+int(syscall.SIGXFSZ), out)
		}
	})
}

func TestUserGroupsCaps(t *testing.T) {
	needRoot(t)
	modes(t, func(t *testing.T, ns []string) {
		script := `echo "$(id -u) $(id -g) $(id -G)"; grep -E '^Cap(Inh|Prm|Eff|Amb)' /proc/self/status`
		args := append(ns, "--uid", "65534", "--gid", "65534", "--", "sh", "-c", script)
		// Start with inheritable and ambient capabilities when setpriv can give them: they must go.
		if setpriv, err := exec.LookPath("setpriv"); err == nil {
			args = append([]string{"--inh-caps=+net_raw", "--ambient-caps=+net_raw", bin}, args...)
			cmd := exec.Command(setpriv, args...)
			b, err := cmd.CombinedOutput()
			check(t, string(b), err)
			return
		}
		out, got := run(t, args...)
		if got != 0 {
			t.Fatalf("status %d: %s", got, out)
		}
		check(t, out, nil)
	})
}

func check(t *testing.T, out string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.HasPrefix(out, "65534 65534 65534\n") {
		t.Errorf("ids/groups: %q", out)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		if !strings.HasSuffix(line, "0000000000000000") {
			t.Errorf("capability left: %q", line)
		}
	}
}

// pidsWith lists live processes whose command line holds marker.
func pidsWith(marker string) []int {
	var found []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		if state(pid) == "Z" {
			continue
		}
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err == nil && strings.Contains(string(cmdline), marker) {
			found = append(found, pid)
		}
	}
	return found
}

// stat returns fields of /proc/pid/stat after the command name: [0] state, [1] ppid, [2] pgrp.
func stat(pid int) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	s := string(b)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
}

func state(pid int) string {
	if f := stat(pid); f != nil {
		return f[0]
	}
	return ""
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestPidnsKillsEscapeesAtExit(t *testing.T) {
	needRoot(t)
	marker := fmt.Sprintf("escapee-%d-%d", os.Getpid(), time.Now().UnixNano())
	script := fmt.Sprintf(`setsid sh -c 'sleep 1000; : %[1]s' >/dev/null 2>&1 &
( ( setsid sh -c 'sleep 1000; : %[1]s' >/dev/null 2>&1 & ) & )
echo "pid=$$"; sleep 1`, marker)
	cmd, out := start(t, "--pidns", "--", "sh", "-c", script)
	// The command's own sh has the marker in its command line too.
	// Wait until some have left the command's process group (setsid): then only the namespace
	// holds them. How many have at a given instant depends on scheduling, not on us.
	escaped := func() int {
		n := 0
		for _, pid := range pidsWith(marker) {
			if f := stat(pid); f != nil && f[2] != strconv.Itoa(cmd.Process.Pid) {
				n++
			}
		}
		return n
	}
	waitFor(t, "an escapee outside the group", func() bool { return escaped() >= 1 })
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.Contains(out.String(), "pid=2\n") {
		t.Errorf("the command is not PID 2 of its namespace: %q", out)
	}
	if left := pidsWith(marker); len(left) > 0 {
		t.Errorf("still running after the command exited: %v", left)
	}
}

func TestPidnsDiesWithTheOuterProcess(t *testing.T) {
	needRoot(t)
	marker := fmt.Sprintf("orphan-%d-%d", os.Getpid(), time.Now().UnixNano())
	cmd, _ := start(t, "--pidns", "--", "sh", "-c", fmt.Sprintf("setsid sh -c 'sleep 1000; : %s' & sleep 1000", marker))
	// The marker is in the command line of the outer sh and of the setsid child: both must be up
	// (waiting for exactly one only caught the moment before the child forked, and flaked under load).
	waitFor(t, "the child to run", func() bool { return len(pidsWith(marker)) >= 2 })
	_ = cmd.Process.Kill() // only the outer process, not the group
	_ = cmd.Wait()
	waitFor(t, "the namespace to die", func() bool { return len(pidsWith(marker)) == 0 })
}

// step-runtime killed with SIGKILL (its own group only): the step it started must not run on.
func TestPidnsDiesWithItsParent(t *testing.T) {
	needRoot(t)
	marker := fmt.Sprintf("parentless-%d-%d", os.Getpid(), time.Now().UnixNano())
	// sh plays step-runtime: it starts baton-isolate (in the same group here) and waits for it.
	parent := exec.Command("sh", "-c", fmt.Sprintf("%s --pidns -- sh -c 'sleep 1000; : %s'; :", bin, marker))
	parent.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	// The marker is in the command lines of the parent sh, baton-isolate, its init and the step's sh:
	// all four are up once the step runs.
	waitFor(t, "the step to run", func() bool { return len(pidsWith(marker)) >= 4 })
	_ = parent.Process.Kill() // the parent only: baton-isolate is not signalled by anyone
	_ = parent.Wait()
	waitFor(t, "the namespace to die with its parent", func() bool { return len(pidsWith(marker)) == 0 })
}

// The runner stops an attempt by signalling its process group; the command must see SIGTERM (it
// may trap it), and the outer process must survive it and report the command's status.
func TestStopSignalsReachTheCommand(t *testing.T) {
	needRoot(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP} {
		for _, target := range []string{"group", "init"} {
			t.Run(fmt.Sprintf("%v to the %s", sig, target), func(t *testing.T) {
				script := fmt.Sprintf(`trap 'echo trapped; exit 3' %d; echo ready; while :; do sleep 0.02; done`, int(sig))
				cmd, out := start(t, "--pidns", "--", "sh", "-c", script)
				waitFor(t, "ready", func() bool { return strings.Contains(out.String(), "ready") })
				if target == "group" {
					_ = syscall.Kill(-cmd.Process.Pid, sig)
				} else {
					_ = syscall.Kill(childOf(t, cmd.Process.Pid), sig) // the init alone must forward it
				}
				_ = cmd.Wait()
				if got := exitStatus(cmd.ProcessState.Sys().(syscall.WaitStatus)); got != 3 || !strings.Contains(out.String(), "trapped") {
					t.Errorf("status %d, output %q", got, out)
				}
			})
		}
	}
	t.Run("untrapped SIGTERM to the group", func(t *testing.T) {
		cmd, out := start(t, "--pidns", "--", "sh", "-c", "echo ready; exec sleep 1000")
		waitFor(t, "ready", func() bool { return strings.Contains(out.String(), "ready") })
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
		if got := exitStatus(cmd.ProcessState.Sys().(syscall.WaitStatus)); got != 128+15 {
			t.Errorf("status %d, want 143", got)
		}
	})
}

// childOf finds the one child of pid (the namespace init).
func childOf(t *testing.T, pid int) int {
	t.Helper()
	var child int
	waitFor(t, "the init", func() bool {
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			p, err := strconv.Atoi(e.Name())
			if err == nil && p != pid {
				if f := stat(p); f != nil && f[1] == strconv.Itoa(pid) {
					child = p
					return true
				}
			}
		}
		return false
	})
	return child
}

func TestPidnsKeepsTheGroupAndReapsOrphans(t *testing.T) {
	needRoot(t)
	marker := fmt.Sprintf("member-%d-%d", os.Getpid(), time.Now().UnixNano())
	// The inner sh exits at once, orphaning its sleep (reparented to the init), which exits after 0.1 s.
	script := fmt.Sprintf(`sh -c 'sleep 0.1 &'; sleep 1000; : %s`, marker)
	cmd, _ := start(t, "--pidns", "--", "sh", "-c", script)
	defer func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); _ = cmd.Wait() }()
	waitFor(t, "the command", func() bool { return len(pidsWith(marker)) == 1 })
	command := pidsWith(marker)[0]
	if f := stat(command); f[2] != strconv.Itoa(cmd.Process.Pid) {
		t.Errorf("the command's group is %s, want the caller's %d", f[2], cmd.Process.Pid)
	}
	init := childOf(t, cmd.Process.Pid)
	time.Sleep(400 * time.Millisecond)
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if p, err := strconv.Atoi(e.Name()); err == nil {
			if f := stat(p); f != nil && f[1] == strconv.Itoa(init) && f[0] == "Z" {
				t.Errorf("zombie %d not reaped by the init", p)
			}
		}
	}
}

func matches(pattern, s string) bool {
	ok, _ := regexpMatch(pattern, s)
	return ok
}

var regexpMatch = func(pattern, s string) (bool, error) { return regexp.MatchString(pattern, s) }
