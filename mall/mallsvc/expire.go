package mallsvc

import (
	"context"
	"fmt"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/couponclaim"
	"github.com/opsgraph/opsgraph/ent/flashreservation"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/mall"
)

// expireBatch bounds the rows one expiry pass touches per kind.
const expireBatch = 500

// ExpireResult counts what an expiry pass did.
type ExpireResult struct {
	Reservations int // HELD reservations expired, their units returned
	Orders       int // unpaid orders cancelled because their reservations expired
	Coupons      int // unused coupons expired
}

// Expire is the periodic task "mall.expire": unpaid 秒杀 reservations past
// their expiry return their units (HELD ones expire; the unpaid orders of
// ORDERED ones are cancelled, releasing everything they hold), and unused
// coupons past their expiry expire. Every move is conditional, so two
// replicas or a racing request cannot apply one twice.
func (s *Service) Expire(ctx context.Context, now time.Time) (ExpireResult, error) {
	ctx = authz.SystemContext(ctx)
	var res ExpireResult
	held, err := s.Client.FlashReservation.Query().Where(flashreservation.StateEQ(flashreservation.StateHELD),
		flashreservation.ExpiresAtLTE(now)).Limit(expireBatch).All(ctx)
	if err != nil {
		return res, err
	}
	for _, r := range held {
		err := s.inTx(ctx, func(c *ent.Client) error {
			moved, err := releaseReservation(ctx, c, r, flashreservation.StateEXPIRED, flashreservation.StateHELD)
			if moved {
				res.Reservations++
			}
			return err
		})
		if err != nil {
			return res, err
		}
	}
	late, err := s.Client.FlashReservation.Query().Where(flashreservation.StateEQ(flashreservation.StateORDERED),
		flashreservation.ExpiresAtLTE(now), flashreservation.OrderIDNotNil()).
		Limit(expireBatch).Select(flashreservation.FieldOrderID).Ints(ctx)
	if err != nil {
		return res, err
	}
	orders, err := s.Client.Order.Query().Where(order.StatusEQ(order.StatusPENDING_PAYMENT),
		order.PlatformEQ(order.PlatformMINI_PROGRAM), order.IDIn(late...)).All(ctx)
	if err != nil {
		return res, err
	}
	for _, o := range orders {
		err := s.inTx(ctx, func(c *ent.Client) error {
			o, err := c.Order.Query().Where(order.ID(o.ID)).WithLines().Only(ctx)
			if err != nil || o.Status != order.StatusPENDING_PAYMENT {
				return err
			}
			if err := s.move(ctx, c, o, mall.Cancel, order.StatusCANCELLED, now); err != nil {
				return err
			}
			res.Orders++
			return nil
		})
		if err != nil {
			return res, err
		}
	}
	n, err := s.Client.CouponClaim.Update().Where(couponclaim.StateEQ(couponclaim.StateCLAIMED),
		couponclaim.ExpiresAtLTE(now)).SetState(couponclaim.StateEXPIRED).Save(ctx)
	res.Coupons = n
	return res, err
}

func (s *Service) inTx(ctx context.Context, f func(*ent.Client) error) error {
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return err
	}
	if err := f(tx.Client()); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return fmt.Errorf("%w (rollback: %v)", err, rerr)
		}
		return err
	}
	return tx.Commit()
}
