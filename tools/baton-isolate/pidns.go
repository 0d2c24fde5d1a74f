package main

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// The --pidns path. Go cannot fork without exec, and exec'ing a second Go program as the namespace
// init costs as much again as this whole program (its runtime start-up is several ms on small VMs),
// so the init is a raw clone of this process that never returns to the Go runtime: it runs only the
// nosplit functions below, which make raw system calls on data prepared before the clone — the
// technique of the standard library's own forkAndExecInChild. The init clones once more for the
// command, which confines itself and execs. One exec in all besides the command's own.
//
//	this process (leader of the caller's group)  ──clone(CLONE_NEWPID)──▶  init (PID 1, no exec)
//	                                                                         └─fork─▶ command (confined, execve)

// initData is everything the init and the command's child need, built before the clone: after it,
// nothing may allocate, grow the stack, or otherwise touch the Go runtime.
type initData struct {
	path, argv, envv uintptr // *byte, **byte, **byte (nil-terminated)
	nlimits          uintptr
	limits           [4]limit
	setCreds         uintptr
	uid, gid         uintptr
	capHdr           capHeader
	caps             [2]capData
	origMask         uint64 // the signal mask to give the command (this thread's before the clone)
	waitSet          uint64 // what the init waits for: SIGTERM, SIGINT, SIGHUP (forwarded), SIGCHLD
	stopSet          uint64 // SIGTERM, SIGINT, SIGHUP
	sigact           [4]uint64
	siginfo          [16]uint64
	status           int32
	keepIgnored      uint64 // stop signals the caller ignored: they stay ignored for the command
	errPrefix        []byte // "baton-isolate: cannot run <cmd>: errno "
	digits           [24]byte
}

type limit struct {
	resource uintptr
	rlim     syscall.Rlimit
}

const (
	sigSetmask       = 2
	prSetPdeathsig   = 1
	prCapAmbient     = 47
	prCapAmbientClr  = 4
	wnohang          = 1
	allSignals       = ^uint64(0)
	linuxSigsetBytes = 8
)

// stopSignals are what a stop sends (SIGTERM) or a terminal might (SIGINT, SIGHUP): the init
// forwards them to the command.
var stopSignals = []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP}

const sigIgn = 1

// getSigaction returns the handler address of s straight from the kernel (0 = SIG_DFL, 1 = SIG_IGN).
func getSigaction(s syscall.Signal) uintptr {
	var act [4]uint64
	syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(s), 0, uintptr(unsafe.Pointer(&act[0])), linuxSigsetBytes, 0, 0)
	return uintptr(act[0])
}

// setSigaction sets s to SIG_DFL or SIG_IGN behind the Go runtime's back (it then never sees s).
func setSigaction(s syscall.Signal, handler uintptr) syscall.Errno {
	act := [4]uint64{uint64(handler)}
	_, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(s), uintptr(unsafe.Pointer(&act[0])), 0, linuxSigsetBytes, 0, 0)
	return e
}

func sigbit(s syscall.Signal) uint64 { return 1 << (uint(s) - 1) }

func runPidns(o options) int {
	// The namespace lives no longer than whoever started it (step-runtime): if that process dies,
	// even by SIGKILL, the kernel kills this one, and with it (the init's own PDEATHSIG) every
	// process of the step. A parent that died before the prctl took effect is caught by the check.
	ppid := os.Getppid()
	if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, prSetPdeathsig, uintptr(syscall.SIGKILL), 0); e != 0 {
		return fail("prctl(PR_SET_PDEATHSIG)", e)
	}
	if os.Getppid() != ppid {
		return 137
	}
	path, err := lookPath(o.command[0])
	if err != nil {
		return fail("cannot run "+o.command[0], err)
	}
	d := &initData{}
	if d.path, err = cstring(path); err != nil {
		return fail("bad command", err)
	}
	if d.argv, err = cstrings(o.command); err != nil {
		return fail("bad argument", err)
	}
	if d.envv, err = cstrings(os.Environ()); err != nil {
		return fail("bad environment", err)
	}
	for _, l := range o.limitList() {
		d.limits[d.nlimits] = limit{uintptr(l.resource), syscall.Rlimit{Cur: l.soft, Max: l.hard}}
		d.nlimits++
	}
	if o.uid >= 0 {
		d.setCreds, d.uid, d.gid = 1, uintptr(o.uid), uintptr(o.gid)
	}
	d.capHdr = capHeader{version: linuxCapabilityVersion3}
	if _, _, e := syscall.RawSyscall(syscall.SYS_CAPGET, uintptr(unsafe.Pointer(&d.capHdr)), uintptr(unsafe.Pointer(&d.caps[0])), 0); e != 0 {
		return fail("capget", e)
	}
	d.caps[0].inheritable, d.caps[1].inheritable = 0, 0
	for _, s := range stopSignals {
		d.stopSet |= sigbit(s)
	}
	d.waitSet = d.stopSet | sigbit(syscall.SIGCHLD)
	d.errPrefix = []byte(fmt.Sprintf("baton-isolate: cannot run %s: errno ", o.command[0]))

	// A stop signals the whole group: the init and the command get it too, and this process must not
	// die of it, or the init's parent-death signal would SIGKILL the namespace before the command
	// could clean up. So it ignores the stop signals — with raw sigaction rather than os/signal, whose
	// watcher costs a thread. The init queues them anyway (blocked signals are never ignored), and
	// the command gets them back at their default unless they were ignored when we started.
	for _, s := range stopSignals {
		if getSigaction(s) == sigIgn {
			d.keepIgnored |= sigbit(s)
		}
		if e := setSigaction(s, sigIgn); e != 0 {
			return fail("sigaction", e)
		}
	}

	// The parent-death signal fires when the thread that cloned the init exits: clone from the main
	// goroutine's thread, locked and never unlocked, so it lives as long as this process.
	runtime.LockOSThread()
	pid, e := cloneInit(d)
	runtime.KeepAlive(d)
	if e != 0 {
		return fail("cannot create the PID namespace", e)
	}
	for {
		var ws syscall.WaitStatus
		_, err := syscall.Wait4(pid, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return fail("waiting for the namespace init", err)
		}
		return exitStatus(ws)
	}
}

// cloneInit blocks every signal on this thread (the init inherits the mask and takes its signals
// with sigtimedwait, never through the Go runtime's handlers), clones the init into a new PID
// namespace, and restores the mask.
//
//go:norace
//go:noinline
func cloneInit(d *initData) (int, syscall.Errno) {
	all := allSignals
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, sigSetmask, uintptr(unsafe.Pointer(&all)), uintptr(unsafe.Pointer(&d.origMask)), linuxSigsetBytes, 0, 0)
	r, _, e := syscall.RawSyscall6(syscall.SYS_CLONE, syscall.CLONE_NEWPID|uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
	if e == 0 && r == 0 {
		initMain(d) // the child: never returns
	}
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, sigSetmask, uintptr(unsafe.Pointer(&d.origMask)), 0, linuxSigsetBytes, 0, 0)
	return int(r), e
}

// initMain is PID 1 of the namespace. The kernel drops signals without a handler sent to a
// namespace's init — but queues blocked ones, so the init keeps them all blocked, takes SIGTERM,
// SIGINT and SIGHUP with sigtimedwait and forwards them to the command, reaps every orphan, and
// exits with the command's status (128 + N if signal N killed it) when the command exits; the
// kernel then kills whatever is left in the namespace.
//
//go:nosplit
//go:norace
func initMain(d *initData) {
	// If the process that made the namespace dies (SIGKILL of the group), the namespace dies too.
	syscall.RawSyscall(syscall.SYS_PRCTL, prSetPdeathsig, uintptr(syscall.SIGKILL), 0)
	r, _, e := syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
	if e != 0 {
		childFail(d, e, 126)
	}
	if r == 0 {
		commandMain(d)
	}
	command := r
	for {
		sig, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGTIMEDWAIT, uintptr(unsafe.Pointer(&d.waitSet)), uintptr(unsafe.Pointer(&d.siginfo[0])), 0, linuxSigsetBytes, 0, 0)
		if e != 0 {
			continue // EINTR, EAGAIN
		}
		if syscall.Signal(sig) != syscall.SIGCHLD {
			syscall.RawSyscall(syscall.SYS_KILL, command, sig, 0)
			continue
		}
		for {
			pid, _, e := syscall.RawSyscall6(syscall.SYS_WAIT4, ^uintptr(0), uintptr(unsafe.Pointer(&d.status)), wnohang, 0, 0, 0)
			if e != 0 || pid == 0 {
				break
			}
			if pid == command {
				ws := syscall.WaitStatus(d.status)
				if ws.Signaled() {
					exit(128 + uintptr(ws.Signal()))
				}
				exit(uintptr(ws.ExitStatus()))
			}
		}
	}
}

// commandMain confines the init's child and execs the command: rlimits, no inheritable or ambient
// capabilities, no supplementary groups, the step user's gid and uid, the caller's signal mask with
// default handlers, then execve.
//
//go:nosplit
//go:norace
func commandMain(d *initData) {
	for i := uintptr(0); i < d.nlimits; i++ {
		l := &d.limits[i]
		if _, _, e := syscall.RawSyscall6(syscall.SYS_PRLIMIT64, 0, l.resource, uintptr(unsafe.Pointer(&l.rlim)), 0, 0, 0); e != 0 {
			childFail(d, e, 126)
		}
	}
	if _, _, e := syscall.RawSyscall(syscall.SYS_CAPSET, uintptr(unsafe.Pointer(&d.capHdr)), uintptr(unsafe.Pointer(&d.caps[0])), 0); e != 0 {
		childFail(d, e, 126)
	}
	syscall.RawSyscall6(syscall.SYS_PRCTL, prCapAmbient, prCapAmbientClr, 0, 0, 0, 0)
	if d.setCreds != 0 {
		if _, _, e := syscall.RawSyscall(syscall.SYS_SETGROUPS, 0, 0, 0); e != 0 {
			childFail(d, e, 126)
		}
		if _, _, e := syscall.RawSyscall(syscall.SYS_SETRESGID, d.gid, d.gid, d.gid); e != 0 {
			childFail(d, e, 126)
		}
		if _, _, e := syscall.RawSyscall(syscall.SYS_SETRESUID, d.uid, d.uid, d.uid); e != 0 {
			childFail(d, e, 126)
		}
	}
	// The Go runtime's handlers were inherited: back to SIG_DFL before unblocking, so a signal that
	// arrives now acts as it would on the command (execve would reset them anyway, but too late).
	for s := uintptr(1); s <= 64; s++ {
		if s == uintptr(syscall.SIGKILL) || s == uintptr(syscall.SIGSTOP) {
			continue
		}
		d.sigact = [4]uint64{}
		if _, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, s, 0, uintptr(unsafe.Pointer(&d.sigact[0])), linuxSigsetBytes, 0, 0); e != 0 {
			continue
		}
		// A handler (not SIG_DFL 0, SIG_IGN 1), or a stop signal the outer process ignored for itself.
		reset := d.sigact[0] > 1 || (d.sigact[0] == 1 && s <= 64 && d.stopSet&(1<<(s-1)) != 0 && d.keepIgnored&(1<<(s-1)) == 0)
		if reset {
			d.sigact = [4]uint64{}
			syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, s, uintptr(unsafe.Pointer(&d.sigact[0])), 0, linuxSigsetBytes, 0, 0)
		}
	}
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, sigSetmask, uintptr(unsafe.Pointer(&d.origMask)), 0, linuxSigsetBytes, 0, 0)
	_, _, e := syscall.RawSyscall(syscall.SYS_EXECVE, d.path, d.argv, d.envv)
	if e == syscall.ENOENT {
		childFail(d, e, 127)
	}
	childFail(d, e, 126)
}

// childFail writes "baton-isolate: cannot run <cmd>: errno N" to stderr and exits with code.
//
//go:nosplit
//go:norace
func childFail(d *initData, e syscall.Errno, code uintptr) {
	syscall.RawSyscall(syscall.SYS_WRITE, 2, uintptr(unsafe.Pointer(&d.errPrefix[0])), uintptr(len(d.errPrefix)))
	n := uintptr(e)
	i := len(d.digits) - 1
	d.digits[i] = '\n'
	for {
		i--
		d.digits[i] = byte('0' + n%10)
		n /= 10
		if n == 0 || i == 0 {
			break
		}
	}
	syscall.RawSyscall(syscall.SYS_WRITE, 2, uintptr(unsafe.Pointer(&d.digits[i])), uintptr(len(d.digits)-i))
	exit(code)
}

//go:nosplit
//go:norace
func exit(code uintptr) {
	for {
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, code, 0, 0)
	}
}

func cstring(s string) (uintptr, error) {
	p, err := syscall.BytePtrFromString(s)
	keep = append(keep, p)
	return uintptr(unsafe.Pointer(p)), err
}

func cstrings(ss []string) (uintptr, error) {
	p, err := syscall.SlicePtrFromStrings(ss)
	if err != nil {
		return 0, err
	}
	p = append(p, nil)
	keep = append(keep, p)
	return uintptr(unsafe.Pointer(&p[0])), nil
}

// keep holds what initData refers to by uintptr, so the garbage collector cannot free it.
var keep []any
