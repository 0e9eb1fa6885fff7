package attribution

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"time"

	"github.com/opsgraph/opsgraph/insights"
)

// Status is a settlement statement's state.
type Status string

// Settlement states: DRAFT → CONFIRMED → PAID.
const (
	Draft     Status = "DRAFT"
	Confirmed Status = "CONFIRMED"
	Paid      Status = "PAID"
)

// ErrTransition is returned for a move the lifecycle does not allow.
var ErrTransition = errors.New("settlement transition not allowed")

// Next checks a lifecycle move: generate (recompute) only while DRAFT,
// confirm from DRAFT, pay from CONFIRMED.
func Next(from Status, verb string) (Status, error) {
	switch {
	case verb == "generate" && from == Draft:
		return Draft, nil
	case verb == "confirm" && from == Draft:
		return Confirmed, nil
	case verb == "pay" && from == Confirmed:
		return Paid, nil
	}
	return from, fmt.Errorf("%w: a %s statement cannot be %s", ErrTransition, from, map[string]string{
		"generate": "regenerated", "confirm": "confirmed", "pay": "marked paid"}[verb])
}

var monthRE = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)

// MonthBounds parses YYYY-MM and returns [start, end) in loc.
func MonthBounds(month string, loc *time.Location) (time.Time, time.Time, error) {
	if !monthRE.MatchString(month) {
		return time.Time{}, time.Time{}, fmt.Errorf("month %q is not YYYY-MM", month)
	}
	t, err := time.ParseInLocation("2006-01", month, loc)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	return t, t.AddDate(0, 1, 0), nil
}

// Earning is one collaboration of the partner with what was attributed to it
// in the month.
type Earning struct {
	CollaborationID, CampaignID int
	Rate                        float64
	Fee                         int64 // fixed fee, counted when FeeInMonth
	FeeInMonth                  bool
	Figures                     Figures
}

// Line is a statement line.
type Line struct {
	CollaborationID, CampaignID int
	Orders                      int64
	Paid, Refunded              int64
	Rate                        float64
	Commission, Fee             int64
	OrderIDs                    []int
}

// Statement is what a partner is owed for a month.
type Statement struct {
	Lines                   []Line
	Commission, Fees, Total int64
}

// Settle builds the statement: one line per collaboration with attributed
// orders or a fee in the month, ordered by collaboration id; commission =
// rate × (paid − refunded) per line, rounded half up to the fen.
func Settle(earnings []Earning) Statement {
	var st Statement
	for _, e := range earnings {
		fee := int64(0)
		if e.FeeInMonth {
			fee = e.Fee
		}
		if e.Figures.Orders == 0 && fee == 0 {
			continue
		}
		l := Line{CollaborationID: e.CollaborationID, CampaignID: e.CampaignID, Orders: e.Figures.Orders,
			Paid: e.Figures.Paid, Refunded: e.Figures.Refunded, Rate: e.Rate,
			Commission: insights.CPSCommission(e.Rate, e.Figures.Paid, e.Figures.Refunded), Fee: fee,
			OrderIDs: e.Figures.OrderIDs}
		st.Lines = append(st.Lines, l)
		st.Commission += l.Commission
		st.Fees += l.Fee
	}
	sort.Slice(st.Lines, func(i, j int) bool { return st.Lines[i].CollaborationID < st.Lines[j].CollaborationID })
	st.Total = st.Commission + st.Fees
	return st
}

// Spend is a campaign's spend: the discounts given in its attributed orders
// plus the fees of its agreed collaborations.
func Spend(discountGiven, kolFees int64) int64 { return discountGiven + kolFees }

// BudgetState is where spend stands against a budget.
type BudgetState int

// Budget states.
const (
	UnderBudget BudgetState = iota
	NearBudget              // ≥ 90 %: alert
	OverBudget              // ≥ 100 %: pause
)

// Budget classifies spend against budget (no budget: UnderBudget).
func Budget(spend, budget int64) BudgetState {
	switch {
	case budget <= 0:
		return UnderBudget
	case spend >= budget:
		return OverBudget
	case spend*10 >= budget*9:
		return NearBudget
	}
	return UnderBudget
}
