package mallsvc

import (
	"context"

	"github.com/opsgraph/opsgraph/ent"
)

// RunOneBatch runs ins as one group-commit batch (in this order, as
// mall.PlanBatch would admit them) and returns each call's answer.
func (s *Service) RunOneBatch(ins []ReserveInput) ([]*ent.FlashReservation, []error) {
	calls := make([]*batchCall, len(ins))
	for i, in := range ins {
		calls[i] = &batchCall{ctx: context.Background(), in: in, done: make(chan struct{})}
	}
	s.runBatch(s.batchQueue(slotKey{ins[0].CampaignID, ins[0].Slot}), calls)
	res, errs := make([]*ent.FlashReservation, len(ins)), make([]error, len(ins))
	for i, c := range calls {
		<-c.done
		res[i], errs[i] = c.res, c.err
	}
	return res, errs
}
