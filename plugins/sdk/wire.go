package sdk

// Conversions between the Go contract and the opsgraph.platform.v1 wire types.
// They live in this package (unexported) rather than in an internal package
// because they convert this package's types and this package's Serve uses them:
// anywhere else would be an import cycle. Plugin authors never see them.

import (
	"time"

	pb "github.com/opsgraph/opsgraph/plugins/sdk/internal/proto/platform/v1"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

func tsToPB(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func tsFromPB(t *timestamppb.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.AsTime()
}

var kindToPB = map[ErrorKind]pb.ErrorKind{
	KindAuthExpired:    pb.ErrorKind_ERROR_KIND_AUTH_EXPIRED,
	KindRateLimited:    pb.ErrorKind_ERROR_KIND_RATE_LIMITED,
	KindInvalidRequest: pb.ErrorKind_ERROR_KIND_INVALID_REQUEST,
	KindPlatform:       pb.ErrorKind_ERROR_KIND_PLATFORM_ERROR,
	KindUnavailable:    pb.ErrorKind_ERROR_KIND_UNAVAILABLE,
	KindUnimplemented:  pb.ErrorKind_ERROR_KIND_UNIMPLEMENTED,
}

var kindFromPB = func() map[pb.ErrorKind]ErrorKind {
	m := make(map[pb.ErrorKind]ErrorKind, len(kindToPB))
	for k, v := range kindToPB {
		m[v] = k
	}
	return m
}()

func errorToPB(e *Error) *pb.PluginError {
	k, ok := kindToPB[e.Kind]
	if !ok {
		k = pb.ErrorKind_ERROR_KIND_PLATFORM_ERROR
	}
	out := &pb.PluginError{Kind: k, PlatformCode: e.PlatformCode, Message: e.Message}
	if e.RetryAfter > 0 {
		out.RetryAfter = durationpb.New(e.RetryAfter)
	}
	out.NewToken = tokenToPB(e.NewToken)
	return out
}

func errorFromPB(e *pb.PluginError) *Error {
	k, ok := kindFromPB[e.GetKind()]
	if !ok {
		k = KindPlatform
	}
	out := &Error{Kind: k, PlatformCode: e.GetPlatformCode(), Message: e.GetMessage()}
	if d := e.GetRetryAfter(); d != nil {
		out.RetryAfter = d.AsDuration()
	}
	out.NewToken = tokenFromPB(e.GetNewToken())
	return out
}

func connToPB(c Connection) *pb.Connection {
	return &pb.Connection{
		Endpoint:     c.Endpoint,
		ShopId:       c.ShopID,
		Credentials:  c.Credentials,
		AccessToken:  c.AccessToken,
		RefreshToken: c.RefreshToken,
	}
}

func connFromPB(c *pb.Connection) Connection {
	return Connection{
		Endpoint:     c.GetEndpoint(),
		ShopID:       c.GetShopId(),
		Credentials:  c.GetCredentials(),
		AccessToken:  c.GetAccessToken(),
		RefreshToken: c.GetRefreshToken(),
	}
}

func tokenToPB(t *Token) *pb.Token {
	if t == nil {
		return nil
	}
	return &pb.Token{
		AccessToken:  t.AccessToken,
		RefreshToken: t.RefreshToken,
		ExpiresAt:    tsToPB(t.ExpiresAt),
		ShopId:       t.ShopID,
		ShopName:     t.ShopName,
	}
}

func tokenFromPB(t *pb.Token) *Token {
	if t == nil {
		return nil
	}
	return &Token{
		AccessToken:  t.GetAccessToken(),
		RefreshToken: t.GetRefreshToken(),
		ExpiresAt:    tsFromPB(t.GetExpiresAt()),
		ShopID:       t.GetShopId(),
		ShopName:     t.GetShopName(),
	}
}

func descriptionToPB(d *Description) *pb.Description {
	out := &pb.Description{
		PlatformId:      d.PlatformID,
		DisplayName:     d.DisplayName,
		PluginVersion:   d.PluginVersion,
		DefaultEndpoint: d.DefaultEndpoint,
	}
	for _, c := range d.Capabilities {
		out.Capabilities = append(out.Capabilities, string(c))
	}
	for _, f := range d.CredentialFields {
		out.CredentialFields = append(out.CredentialFields, &pb.CredentialField{
			Name: f.Name, Description: f.Description, Secret: f.Secret, Required: f.Required,
		})
	}
	return out
}

func descriptionFromPB(d *pb.Description) *Description {
	out := &Description{
		PlatformID:      d.GetPlatformId(),
		DisplayName:     d.GetDisplayName(),
		PluginVersion:   d.GetPluginVersion(),
		DefaultEndpoint: d.GetDefaultEndpoint(),
	}
	for _, c := range d.GetCapabilities() {
		out.Capabilities = append(out.Capabilities, Capability(c))
	}
	for _, f := range d.GetCredentialFields() {
		out.CredentialFields = append(out.CredentialFields, CredentialField{
			Name: f.GetName(), Description: f.GetDescription(), Secret: f.GetSecret(), Required: f.GetRequired(),
		})
	}
	return out
}

func authorizeToPB(r AuthorizeRequest) *pb.AuthorizeRequest {
	return &pb.AuthorizeRequest{Connection: connToPB(r.Connection), Code: r.Code, RedirectUri: r.RedirectURI}
}

func authorizeFromPB(r *pb.AuthorizeRequest) AuthorizeRequest {
	return AuthorizeRequest{Connection: connFromPB(r.GetConnection()), Code: r.GetCode(), RedirectURI: r.GetRedirectUri()}
}

func listProductsToPB(r ListProductsRequest) *pb.ListProductsRequest {
	return &pb.ListProductsRequest{
		Connection: connToPB(r.Connection), Since: tsToPB(r.Since), Cursor: r.Cursor, PageSize: int64(r.PageSize),
	}
}

func listProductsFromPB(r *pb.ListProductsRequest) ListProductsRequest {
	return ListProductsRequest{
		Connection: connFromPB(r.GetConnection()), Since: tsFromPB(r.GetSince()), Cursor: r.GetCursor(), PageSize: int(r.GetPageSize()),
	}
}

func productPageToPB(p *ProductPage) *pb.ProductPage {
	out := &pb.ProductPage{NextCursor: p.NextCursor, Total: p.Total, NewToken: tokenToPB(p.NewToken)}
	if len(p.Products) > 0 {
		out.Products = make([]*pb.Product, len(p.Products))
	}
	for i := range p.Products {
		s := &p.Products[i]
		q := &pb.Product{
			ExternalId: s.ExternalID, Title: s.Title, Status: s.Status, PriceFen: s.PriceFen,
			Stock: s.Stock, UpdatedAt: tsToPB(s.UpdatedAt),
		}
		if len(s.SKUs) > 0 {
			q.Skus = make([]*pb.SKU, len(s.SKUs))
		}
		for j, k := range s.SKUs {
			q.Skus[j] = &pb.SKU{ExternalId: k.ExternalID, Name: k.Name, PriceFen: k.PriceFen, Stock: k.Stock, Barcode: k.Barcode}
		}
		out.Products[i] = q
	}
	return out
}

func productPageFromPB(p *pb.ProductPage) *ProductPage {
	out := &ProductPage{NextCursor: p.GetNextCursor(), Total: p.GetTotal(), NewToken: tokenFromPB(p.GetNewToken())}
	if n := len(p.GetProducts()); n > 0 {
		out.Products = make([]Product, n)
	}
	for i, s := range p.GetProducts() {
		q := Product{
			ExternalID: s.GetExternalId(), Title: s.GetTitle(), Status: s.GetStatus(), PriceFen: s.GetPriceFen(),
			Stock: s.GetStock(), UpdatedAt: tsFromPB(s.GetUpdatedAt()),
		}
		if n := len(s.GetSkus()); n > 0 {
			q.SKUs = make([]SKU, n)
		}
		for j, k := range s.GetSkus() {
			q.SKUs[j] = SKU{ExternalID: k.GetExternalId(), Name: k.GetName(), PriceFen: k.GetPriceFen(), Stock: k.GetStock(), Barcode: k.GetBarcode()}
		}
		out.Products[i] = q
	}
	return out
}

func listOrdersToPB(r ListOrdersRequest) *pb.ListOrdersRequest {
	return &pb.ListOrdersRequest{
		Connection: connToPB(r.Connection), Since: tsToPB(r.Since), Until: tsToPB(r.Until),
		Cursor: r.Cursor, PageSize: int64(r.PageSize), CreatedOnly: r.CreatedOnly,
	}
}

func listOrdersFromPB(r *pb.ListOrdersRequest) ListOrdersRequest {
	return ListOrdersRequest{
		Connection: connFromPB(r.GetConnection()), Since: tsFromPB(r.GetSince()), Until: tsFromPB(r.GetUntil()),
		Cursor: r.GetCursor(), PageSize: int(r.GetPageSize()), CreatedOnly: r.GetCreatedOnly(),
	}
}

func orderPageToPB(p *OrderPage) *pb.OrderPage {
	out := &pb.OrderPage{NextCursor: p.NextCursor, Total: p.Total, NewToken: tokenToPB(p.NewToken)}
	if len(p.Orders) > 0 {
		out.Orders = make([]*pb.Order, len(p.Orders))
	}
	for i := range p.Orders {
		o := &p.Orders[i]
		q := &pb.Order{
			ExternalId: o.ExternalID, Status: o.Status, RawStatus: o.RawStatus, TotalFen: o.TotalFen,
			PaidFen: o.PaidFen, BuyerRef: o.BuyerRef, TrafficSource: o.TrafficSource,
			CreatedAt: tsToPB(o.CreatedAt), PaidAt: tsToPB(o.PaidAt), UpdatedAt: tsToPB(o.UpdatedAt),
			PromotionIds: o.PromotionIDs, CouponIds: o.CouponIDs, AuthorId: o.AuthorID,
			TrackingCode: o.TrackingCode, DiscountFen: o.DiscountFen,
		}
		if len(o.Lines) > 0 {
			q.Lines = make([]*pb.OrderLine, len(o.Lines))
		}
		for j, l := range o.Lines {
			q.Lines[j] = &pb.OrderLine{
				ExternalId: l.ExternalID, ProductExternalId: l.ProductExternalID, SkuExternalId: l.SKUExternalID,
				Title: l.Title, Quantity: l.Quantity, UnitPriceFen: l.UnitPriceFen, TotalFen: l.TotalFen,
			}
		}
		out.Orders[i] = q
	}
	return out
}

func orderPageFromPB(p *pb.OrderPage) *OrderPage {
	out := &OrderPage{NextCursor: p.GetNextCursor(), Total: p.GetTotal(), NewToken: tokenFromPB(p.GetNewToken())}
	if n := len(p.GetOrders()); n > 0 {
		out.Orders = make([]Order, n)
	}
	for i, o := range p.GetOrders() {
		q := Order{
			ExternalID: o.GetExternalId(), Status: o.GetStatus(), RawStatus: o.GetRawStatus(), TotalFen: o.GetTotalFen(),
			PaidFen: o.GetPaidFen(), BuyerRef: o.GetBuyerRef(), TrafficSource: o.GetTrafficSource(),
			CreatedAt: tsFromPB(o.GetCreatedAt()), PaidAt: tsFromPB(o.GetPaidAt()), UpdatedAt: tsFromPB(o.GetUpdatedAt()),
			PromotionIDs: o.GetPromotionIds(), CouponIDs: o.GetCouponIds(), AuthorID: o.GetAuthorId(),
			TrackingCode: o.GetTrackingCode(), DiscountFen: o.GetDiscountFen(),
		}
		if n := len(o.GetLines()); n > 0 {
			q.Lines = make([]OrderLine, n)
		}
		for j, l := range o.GetLines() {
			q.Lines[j] = OrderLine{
				ExternalID: l.GetExternalId(), ProductExternalID: l.GetProductExternalId(), SKUExternalID: l.GetSkuExternalId(),
				Title: l.GetTitle(), Quantity: l.GetQuantity(), UnitPriceFen: l.GetUnitPriceFen(), TotalFen: l.GetTotalFen(),
			}
		}
		out.Orders[i] = q
	}
	return out
}

func updateStockToPB(r UpdateStockRequest) *pb.UpdateStockRequest {
	return &pb.UpdateStockRequest{
		Connection: connToPB(r.Connection), ProductExternalId: r.ProductExternalID, SkuExternalId: r.SKUExternalID,
		Quantity: r.Quantity, IdempotencyKey: r.IdempotencyKey,
	}
}

func updateStockFromPB(r *pb.UpdateStockRequest) UpdateStockRequest {
	return UpdateStockRequest{
		Connection: connFromPB(r.GetConnection()), ProductExternalID: r.GetProductExternalId(), SKUExternalID: r.GetSkuExternalId(),
		Quantity: r.GetQuantity(), IdempotencyKey: r.GetIdempotencyKey(),
	}
}

func publishToPB(r PublishContentRequest) *pb.PublishContentRequest {
	return &pb.PublishContentRequest{
		Connection: connToPB(r.Connection), Kind: r.Kind, Title: r.Title, Body: r.Body,
		MediaUrls: r.MediaURLs, Tags: r.Tags, IdempotencyKey: r.IdempotencyKey,
	}
}

func publishFromPB(r *pb.PublishContentRequest) PublishContentRequest {
	return PublishContentRequest{
		Connection: connFromPB(r.GetConnection()), Kind: r.GetKind(), Title: r.GetTitle(), Body: r.GetBody(),
		MediaURLs: r.GetMediaUrls(), Tags: r.GetTags(), IdempotencyKey: r.GetIdempotencyKey(),
	}
}

func metricsReqToPB(r FetchMetricsRequest) *pb.FetchMetricsRequest {
	return &pb.FetchMetricsRequest{Connection: connToPB(r.Connection), From: r.From, To: r.To}
}

func metricsReqFromPB(r *pb.FetchMetricsRequest) FetchMetricsRequest {
	return FetchMetricsRequest{Connection: connFromPB(r.GetConnection()), From: r.GetFrom(), To: r.GetTo()}
}

func metricsToPB(m *MetricsResult) *pb.MetricsResult {
	out := &pb.MetricsResult{NewToken: tokenToPB(m.NewToken)}
	if len(m.Days) > 0 {
		out.Days = make([]*pb.DailyMetrics, len(m.Days))
	}
	for i, d := range m.Days {
		out.Days[i] = &pb.DailyMetrics{
			Date: d.Date, Visitors: d.Visitors, PageViews: d.PageViews, AddToCart: d.AddToCart, Orders: d.Orders,
			PaidOrders: d.PaidOrders, GmvFen: d.GMVFen, RefundsFen: d.RefundsFen, TrafficSources: d.TrafficSources,
		}
	}
	return out
}

func metricsFromPB(m *pb.MetricsResult) *MetricsResult {
	out := &MetricsResult{NewToken: tokenFromPB(m.GetNewToken())}
	if n := len(m.GetDays()); n > 0 {
		out.Days = make([]DailyMetrics, n)
	}
	for i, d := range m.GetDays() {
		out.Days[i] = DailyMetrics{
			Date: d.GetDate(), Visitors: d.GetVisitors(), PageViews: d.GetPageViews(), AddToCart: d.GetAddToCart(),
			Orders: d.GetOrders(), PaidOrders: d.GetPaidOrders(), GMVFen: d.GetGmvFen(), RefundsFen: d.GetRefundsFen(),
			TrafficSources: d.GetTrafficSources(),
		}
	}
	return out
}
