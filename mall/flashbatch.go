package mall

// BatchRequest is what the group commit of 秒杀 reservations (decision 0240)
// needs to know of one queued request to place it in a batch.
type BatchRequest struct {
	Key      string // the client's idempotency key
	BuyerRef string
}

// PlanBatch splits queued reservation requests (in arrival order) into the
// ones that go in this batch and the ones that wait for the next. A batch
// holds at most max requests, at most one per idempotency key (a repeat must
// see the first one's outcome to replay it) and at most one per buyer (so
// that one guarded quota upsert per buyer decides each request's per-user
// limit on its own). The first request always goes, so every batch makes
// progress. Both results are indexes into reqs, in arrival order.
func PlanBatch(reqs []BatchRequest, size int) (now, later []int) {
	keys := make(map[string]bool, len(reqs))
	buyers := make(map[string]bool, len(reqs))
	for i, r := range reqs {
		if len(now) >= size || keys[r.Key] || buyers[r.BuyerRef] {
			later = append(later, i)
			continue
		}
		keys[r.Key], buyers[r.BuyerRef] = true, true
		now = append(now, i)
	}
	return now, later
}
