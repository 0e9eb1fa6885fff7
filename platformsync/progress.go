package platformsync

import "github.com/opsgraph/opsgraph/ent/schema/schematype"

// Phase states of a sync job.
const (
	PhasePending = "PENDING"
	PhaseRunning = "RUNNING"
	PhaseDone    = "DONE"
)

// newPhases lists every phase of a job as PENDING.
func newPhases(what []string) []schematype.SyncPhase {
	out := make([]schematype.SyncPhase, len(what))
	for i, w := range what {
		out[i] = schematype.SyncPhase{Phase: w, State: PhasePending, Total: -1}
	}
	return out
}

// percent is the overall progress of phases, 0–100, given the percent shown
// so far: it never goes below prev. Each phase weighs the same; a running
// phase counts done/total when the platform gave a total (and never reaches
// its full share before it is DONE), nothing otherwise. Only a job whose
// phases are all DONE reaches 100.
func percent(phases []schematype.SyncPhase, prev int) int {
	if len(phases) == 0 {
		return max(prev, 0)
	}
	var sum float64
	all := true
	for _, p := range phases {
		switch {
		case p.State == PhaseDone:
			sum++
		case p.State == PhaseRunning && p.Total > 0:
			sum += min(float64(p.Done)/float64(p.Total), 0.99)
			all = false
		default:
			all = false
		}
	}
	pc := int(100 * sum / float64(len(phases)))
	if !all {
		pc = min(pc, 99)
	}
	return min(max(pc, prev), 100)
}

// advance records items done in phase i and the platform's total (-1 when
// it did not say). The total shown is never below done, so done/total stays
// a valid fraction even when the platform's count is off.
func advance(phases []schematype.SyncPhase, i, items int, total int64) {
	p := &phases[i]
	p.Done += items
	if total >= 0 {
		p.Total = int(total)
	}
	if p.Total >= 0 && p.Total < p.Done {
		p.Total = p.Done
	}
}
