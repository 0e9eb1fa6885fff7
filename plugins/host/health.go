package host

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrUnresponsive is the cause of calls that failed because their plugin
// stopped answering health checks and was killed.
var ErrUnresponsive = errors.New("plugin stopped answering")

var errPingTimeout = errors.New("no answer to a health check")

// monitor pings inst every HealthInterval, and at once when a call on it
// failed, until inst is given up. A process that is alive but does not answer
// (SIGSTOP, a wedged runtime) never exits on its own: without this it would
// stay RUNNING while every call waits out its deadline.
func (p *managed) monitor(inst *instance) {
	t := time.NewTicker(p.m.cfg.HealthInterval)
	defer t.Stop()
	for {
		select {
		case <-inst.ctx.Done():
			return
		case <-t.C:
		case <-inst.checkNow:
		}
		if err := p.ping(inst); err != nil {
			if !errors.Is(err, errPingTimeout) && p.exitedWithin(inst, exitGrace) {
				return // a crash, which watch records
			}
			p.unresponsive(inst, err)
			return
		}
	}
}

// ping runs go-plugin's Ping (a gRPC health check, which takes no context)
// bounded by HealthTimeout.
func (p *managed) ping(inst *instance) error {
	errc := make(chan error, 1)
	go func() { errc <- inst.rpc.Ping() }() // returns once the process is killed, at the latest
	t := time.NewTimer(p.m.cfg.HealthTimeout)
	defer t.Stop()
	select {
	case err := <-errc:
		return err
	case <-inst.ctx.Done():
		return nil // given up already (exit or Close): nothing to decide
	case <-t.C:
		return fmt.Errorf("%w within %s", errPingTimeout, p.m.cfg.HealthTimeout)
	}
}

// unresponsive kills inst, fails its calls in flight and launches a
// replacement in the background so that the next call finds one running.
func (p *managed) unresponsive(inst *instance, cause error) {
	p.mu.Lock()
	lost := p.lostLocked(inst, fmt.Errorf("plugin process %d %w (%v); killed and replaced", inst.pid, ErrUnresponsive, cause))
	p.mu.Unlock()
	if !lost {
		return
	}
	inst.stopping.Store(true)
	_ = inst.runner.Kill(context.Background()) // SIGKILL works on a stopped process too
	go inst.kill()                             // release go-plugin's goroutines and socket directory
	if p.m.isClosed() {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), p.m.cfg.StartTimeout)
		defer cancel()
		_, _ = p.acquire(ctx) // a failure is recorded in the status and retried on next use
	}()
}

// exitedWithin reports whether inst's process exits within d: a refused ping
// is often just a process that died, which is a crash, not a hang.
func (p *managed) exitedWithin(inst *instance, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-inst.runner.exited:
		return true
	case <-t.C:
		return false
	}
}

// suspect asks the health monitor of inst for a ping now.
func (i *instance) suspect() {
	select {
	case i.checkNow <- struct{}{}:
	default:
	}
}
