package host

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal asks Linux to SIGKILL the plugin if the host dies without
// running Close (e.g. it was itself SIGKILLed), so plugins are never orphaned.
// Pdeathsig fires when the thread that forked exits; the Go runtime does not exit
// threads except for goroutines that stay locked to them, which the host never does.
func setParentDeathSignal(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
