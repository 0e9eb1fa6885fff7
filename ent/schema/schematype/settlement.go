package schematype

// SettlementLine is one line of a KOL settlement statement: what one
// collaboration earned in the month.
type SettlementLine struct {
	// CollaborationID is the collaboration settled.
	CollaborationID int `json:"collaborationId"`
	// CampaignID is the collaboration's campaign, 0 when none.
	CampaignID int `json:"campaignId,omitempty"`
	// Orders counts the paid orders attributed in the month.
	Orders int `json:"orders"`
	// Paid is their paid amount (支付金额).
	Paid Money `json:"paid"`
	// Refunded is the part of Paid refunded since.
	Refunded Money `json:"refunded"`
	// CommissionRate is the collaboration's CPS rate.
	CommissionRate float64 `json:"commissionRate"`
	// Commission is CommissionRate × (Paid − Refunded), rounded half up to the fen.
	Commission Money `json:"commission"`
	// Fee is the collaboration's fixed fee when it falls in the month.
	Fee Money `json:"fee"`
	// OrderIDs are the attributed orders (ids of Order).
	OrderIDs []int `json:"orderIds,omitempty"`
}
