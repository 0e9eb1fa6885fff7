package sdk

import "context"

// Unimplemented answers every call except Describe with a KindUnimplemented
// error. Embed it in a plugin so that capabilities it does not declare behave as
// the contract requires, and so that calls added to Platform in later SDK
// versions keep it compiling:
//
//	type Plugin struct{ sdk.Unimplemented }
//	func (p *Plugin) Describe(ctx context.Context) (*sdk.Description, error) { ... }
type Unimplemented struct{}

func unimplemented(call string, c Capability) error {
	return &Error{Kind: KindUnimplemented, Message: call + " is not implemented by this plugin (capability " + string(c) + " not declared)"}
}

func (Unimplemented) Authorize(context.Context, AuthorizeRequest) (*Token, error) {
	return nil, unimplemented("Authorize", CapAuthorize)
}

func (Unimplemented) RefreshToken(context.Context, Connection) (*Token, error) {
	return nil, unimplemented("RefreshToken", CapAuthorize)
}

func (Unimplemented) ListProducts(context.Context, ListProductsRequest) (*ProductPage, error) {
	return nil, unimplemented("ListProducts", CapProducts)
}

func (Unimplemented) ListOrders(context.Context, ListOrdersRequest) (*OrderPage, error) {
	return nil, unimplemented("ListOrders", CapOrders)
}

func (Unimplemented) UpdateStock(context.Context, UpdateStockRequest) (*UpdateStockResult, error) {
	return nil, unimplemented("UpdateStock", CapUpdateStock)
}

func (Unimplemented) PublishContent(context.Context, PublishContentRequest) (*PublishResult, error) {
	return nil, unimplemented("PublishContent", CapPublishContent)
}

func (Unimplemented) FetchMetrics(context.Context, FetchMetricsRequest) (*MetricsResult, error) {
	return nil, unimplemented("FetchMetrics", CapMetrics)
}
