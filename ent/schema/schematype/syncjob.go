package schematype

// SyncPhase is the progress of one phase of a sync job (PRODUCTS, ORDERS or
// METRICS): PENDING, RUNNING or DONE, with items done and expected.
type SyncPhase struct {
	Phase string `json:"phase"`
	State string `json:"state"`
	Done  int    `json:"done"`
	// Total is -1 while the platform has not said how many items there are.
	Total int `json:"total"`
}
