package host

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin/runner"
)

// procRunner is the go-plugin runner.Runner for a plugin subprocess. go-plugin's
// own command runner is internal to it; this one adds what the host needs: a
// channel closed once the process has exited and been reaped, the PID, the
// handshake line (to explain protocol version mismatches), and the parent-death
// signal on Linux.
type procRunner struct {
	log  hclog.Logger
	cmd  *exec.Cmd
	path string

	stdout    io.ReadCloser
	stderr    io.ReadCloser
	handshake *firstLine

	pid      int
	exited   chan struct{} // closed after cmd.Wait returned
	waitOnce sync.Once
	waitErr  error
}

var _ runner.Runner = (*procRunner)(nil)

func newProcRunner(log hclog.Logger, cmd *exec.Cmd) (*procRunner, error) {
	setParentDeathSignal(cmd)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	fl := &firstLine{r: stdout}
	return &procRunner{
		log: log, cmd: cmd, path: cmd.Path,
		stdout: readCloser{Reader: fl, Closer: stdout}, stderr: stderr, handshake: fl,
		exited: make(chan struct{}),
	}, nil
}

func (r *procRunner) Start(context.Context) error {
	if err := r.cmd.Start(); err != nil {
		return err
	}
	r.pid = r.cmd.Process.Pid
	r.log.Debug("plugin process started", "path", r.path, "pid", r.pid)
	return nil
}

// Wait is called exactly once by go-plugin after the process's output pipes are
// drained; it reaps the process and then closes exited.
func (r *procRunner) Wait(context.Context) error {
	err := r.cmd.Wait()
	r.waitOnce.Do(func() {
		r.waitErr = err
		close(r.exited)
	})
	return err
}

// Kill sends SIGKILL. Killing an exited process is not an error.
func (r *procRunner) Kill(context.Context) error {
	if r.cmd.Process == nil {
		return nil
	}
	if err := r.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}

func (r *procRunner) Stdout() io.ReadCloser { return r.stdout }
func (r *procRunner) Stderr() io.ReadCloser { return r.stderr }
func (r *procRunner) Name() string          { return r.path }
func (r *procRunner) ID() string {
	if r.pid == 0 {
		return ""
	}
	return strconv.Itoa(r.pid)
}

func (r *procRunner) Diagnose(context.Context) string {
	return fmt.Sprintf("the plugin executable %s did not complete the go-plugin handshake: it may not be an OpsGraph plugin, may be built for another OS/architecture, or crashed at start (see its log)", r.path)
}

func (r *procRunner) PluginToHost(n, a string) (string, string, error) { return n, a, nil }
func (r *procRunner) HostToPlugin(n, a string) (string, string, error) { return n, a, nil }

// pluginProtocolVersion returns the application protocol version the plugin
// announced in its handshake line ("core|app|network|addr|protocol|cert"), or 0.
func (r *procRunner) pluginProtocolVersion() int {
	parts := strings.Split(r.handshake.String(), "|")
	if len(parts) < 2 {
		return 0
	}
	v, err := strconv.Atoi(strings.TrimSpace(parts[1]))
	if err != nil {
		return 0
	}
	return v
}

type readCloser struct {
	io.Reader
	io.Closer
}

// firstLine passes reads through and remembers the first line (bounded).
type firstLine struct {
	r    io.Reader
	mu   sync.Mutex
	buf  bytes.Buffer
	done bool
}

func (f *firstLine) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if n > 0 {
		f.mu.Lock()
		if !f.done {
			chunk := p[:n]
			if i := bytes.IndexByte(chunk, '\n'); i >= 0 {
				chunk = chunk[:i]
				f.done = true
			}
			if room := 4096 - f.buf.Len(); room > 0 {
				if len(chunk) > room {
					chunk = chunk[:room]
				}
				f.buf.Write(chunk)
			}
		}
		f.mu.Unlock()
	}
	return n, err
}

func (f *firstLine) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.buf.String()
}
