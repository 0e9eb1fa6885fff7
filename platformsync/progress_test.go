package platformsync

import (
	"testing"

	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

func TestPercent(t *testing.T) {
	ph := func(state string, done, total int) schematype.SyncPhase {
		return schematype.SyncPhase{State: state, Done: done, Total: total}
	}
	tests := []struct {
		name   string
		phases []schematype.SyncPhase
		prev   int
		want   int
	}{
		{"nothing started", []schematype.SyncPhase{ph(PhasePending, 0, -1), ph(PhasePending, 0, -1)}, 0, 0},
		{"half of first of two", []schematype.SyncPhase{ph(PhaseRunning, 50, 100), ph(PhasePending, 0, -1)}, 0, 25},
		{"unknown total counts nothing", []schematype.SyncPhase{ph(PhaseRunning, 50, -1), ph(PhasePending, 0, -1)}, 0, 0},
		{"running phase never full", []schematype.SyncPhase{ph(PhaseRunning, 100, 100)}, 0, 99},
		{"first done", []schematype.SyncPhase{ph(PhaseDone, 10, 10), ph(PhasePending, 0, -1)}, 0, 50},
		{"all done", []schematype.SyncPhase{ph(PhaseDone, 10, 10), ph(PhaseDone, 0, 0)}, 0, 100},
		{"never goes back", []schematype.SyncPhase{ph(PhaseRunning, 1, 100), ph(PhasePending, 0, -1)}, 40, 40},
		{"no phases keeps prev", nil, 7, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percent(tt.phases, tt.prev); got != tt.want {
				t.Errorf("percent = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestAdvance(t *testing.T) {
	tests := []struct {
		name                string
		done, total         int
		items               int
		reported            int64
		wantDone, wantTotal int
	}{
		{"platform total", 0, -1, 10, 30, 10, 30},
		{"unknown total stays unknown", 0, -1, 10, -1, 10, -1},
		{"total never below done (first sync: 315 done of 30)", 300, 30, 15, 30, 315, 315},
		{"later page keeps total", 10, 30, 10, -1, 20, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			phases := []schematype.SyncPhase{{Phase: WhatOrders, State: PhaseRunning, Done: tt.done, Total: tt.total}}
			advance(phases, 0, tt.items, tt.reported)
			if phases[0].Done != tt.wantDone || phases[0].Total != tt.wantTotal {
				t.Errorf("done/total = %d/%d, want %d/%d", phases[0].Done, phases[0].Total, tt.wantDone, tt.wantTotal)
			}
		})
	}
}
