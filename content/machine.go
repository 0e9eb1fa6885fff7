// Package content holds the rules of content operations: the workflow state
// machine (the only code that changes a content status), the scheduler that
// posts or marks due content, the calendar's cadence rules, engagement slots
// and the A/B decision. The rule files are pure Go; service.go loads and
// saves through ent.
package content

import "fmt"

// Status is a workflow state; the values are those of ent's content.Status.
type Status string

// Workflow states.
const (
	Draft     Status = "DRAFT"
	InReview  Status = "IN_REVIEW"
	Approved  Status = "APPROVED"
	Rejected  Status = "REJECTED"
	Scheduled Status = "SCHEDULED"
	Due       Status = "DUE"
	Published Status = "PUBLISHED"
	Archived  Status = "ARCHIVED"
)

// Statuses lists every state.
var Statuses = []Status{Draft, InReview, Approved, Rejected, Scheduled, Due, Published, Archived}

// Action is a workflow step.
type Action string

// Workflow actions.
const (
	Edit       Action = "edit"        // change the text (status unchanged)
	Submit     Action = "submit"      // send to compliance review (法务审核)
	Approve    Action = "approve"     // reviewer accepts
	Reject     Action = "reject"      // reviewer sends back with a note
	Schedule   Action = "schedule"    // put in the calendar, or move in it
	Publish    Action = "publish"     // posted through the store's plugin
	MarkDue    Action = "mark_due"    // its time came and no plugin can post it
	MarkPosted Action = "mark_posted" // the author posted it by hand
	Archive    Action = "archive"
)

// Actions lists every action.
var Actions = []Action{Edit, Submit, Approve, Reject, Schedule, Publish, MarkDue, MarkPosted, Archive}

// transitions: action → from-state → to-state. Edit keeps the state.
var transitions = map[Action]map[Status]Status{
	Edit:       {Draft: Draft, Rejected: Rejected},
	Submit:     {Draft: InReview, Rejected: InReview},
	Approve:    {InReview: Approved},
	Reject:     {InReview: Rejected},
	Schedule:   {Approved: Scheduled, Scheduled: Scheduled, Due: Scheduled},
	Publish:    {Approved: Published, Scheduled: Published},
	MarkDue:    {Scheduled: Due},
	MarkPosted: {Due: Published, Scheduled: Published, Approved: Published},
	Archive: {Draft: Archived, InReview: Archived, Approved: Archived, Rejected: Archived,
		Scheduled: Archived, Due: Archived, Published: Archived},
}

// RefusedError is a transition the workflow does not allow.
type RefusedError struct {
	From   Status
	Action Action
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("content in status %s cannot be %s", e.From, past(e.Action))
}

func past(a Action) string {
	switch a {
	case Edit:
		return "edited"
	case Submit:
		return "submitted"
	case Approve:
		return "approved"
	case Reject:
		return "rejected"
	case Schedule:
		return "scheduled"
	case Publish:
		return "published"
	case MarkDue:
		return "marked due"
	case MarkPosted:
		return "marked posted"
	case Archive:
		return "archived"
	}
	return string(a)
}

// Next is the state after action a from state from, or a *RefusedError.
func Next(from Status, a Action) (Status, error) {
	to, ok := transitions[a][from]
	if !ok {
		return "", &RefusedError{From: from, Action: a}
	}
	return to, nil
}

// From lists the states action a may start from, in Statuses order: the
// condition of the guarded UPDATE that applies it.
func From(a Action) []Status {
	var out []Status
	for _, s := range Statuses {
		if _, ok := transitions[a][s]; ok {
			out = append(out, s)
		}
	}
	return out
}
