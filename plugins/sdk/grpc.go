package sdk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	pb "github.com/opsgraph/opsgraph/plugins/sdk/internal/proto/platform/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// PluginName is the name the platform service is dispensed under in a go-plugin
// PluginSet.
const PluginName = "platform"

// Handshake is the go-plugin handshake shared by the host and every plugin. The
// magic cookie is not a security measure: it stops a plugin binary run by hand
// from waiting forever for a host. Protocol versions are negotiated through
// VersionedPlugins, so ProtocolVersion is left unset here.
var Handshake = plugin.HandshakeConfig{
	MagicCookieKey:   "OPSGRAPH_PLATFORM_PLUGIN",
	MagicCookieValue: "5b0a6f0e-opsgraph-platform-plugin",
}

// VersionedPlugins is the go-plugin plugin set per protocol version for impl
// (nil on the host side). It holds exactly ProtocolVersion.
func VersionedPlugins(impl Platform) map[int]plugin.PluginSet {
	return map[int]plugin.PluginSet{
		ProtocolVersion: {PluginName: &GRPCPlugin{Impl: impl}},
	}
}

// GRPCPlugin is the go-plugin glue for the Platform contract over gRPC. Plugins
// get it through Serve; the host uses it (with a nil Impl) in its plugin set.
type GRPCPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl   Platform     // the implementation served, plugin side only
	Logger hclog.Logger // optional, plugin side: per-call debug logs
}

// GRPCServer registers the Platform service (plugin side).
func (p *GRPCPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	if p.Impl == nil {
		return errors.New("sdk: GRPCPlugin has no Impl to serve")
	}
	log := p.Logger
	if log == nil {
		log = hclog.NewNullLogger()
	}
	pb.RegisterPlatformServer(s, &grpcServer{impl: p.Impl, log: log})
	return nil
}

// GRPCClient returns a Platform that calls the plugin over c (host side).
func (p *GRPCPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return NewGRPCClient(c), nil
}

// NewGRPCClient returns a Platform backed by the opsgraph.platform.v1 service on
// conn. Errors come back as *Error (see FromRPCError).
func NewGRPCClient(conn grpc.ClientConnInterface) Platform {
	return &grpcClient{c: pb.NewPlatformClient(conn)}
}

// ---- errors across the boundary ----

func kindCode(k ErrorKind) codes.Code {
	switch k {
	case KindAuthExpired:
		return codes.Unauthenticated
	case KindRateLimited:
		return codes.ResourceExhausted
	case KindInvalidRequest:
		return codes.InvalidArgument
	case KindUnavailable:
		return codes.Unavailable
	case KindUnimplemented:
		return codes.Unimplemented
	default:
		return codes.FailedPrecondition // KindPlatform and unknown kinds
	}
}

// toRPCError converts an implementation's error into a gRPC status error. An
// *Error travels as a PluginError detail; context errors map to their gRPC codes;
// anything else is sent as codes.Unknown without detail, which the host turns into
// a KindPlatform error caused by ErrUntyped.
func toRPCError(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		st := status.New(kindCode(e.Kind), e.Error())
		if d, derr := st.WithDetails(errorToPB(e)); derr == nil {
			st = d
		}
		return st.Err()
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, err.Error())
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, err.Error())
	}
	return status.Error(codes.Unknown, err.Error())
}

// FromRPCError converts an error returned by a gRPC call to a plugin back into
// an *Error, so that KindOf works on the host side:
//   - a PluginError detail becomes the *Error the plugin returned;
//   - DeadlineExceeded and Canceled become KindUnavailable errors whose Cause is
//     context.DeadlineExceeded / context.Canceled;
//   - Unavailable (the plugin process is gone or unreachable) becomes KindUnavailable;
//   - Unimplemented becomes KindUnimplemented;
//   - anything else becomes KindPlatform with Cause ErrUntyped.
//
// nil stays nil.
func FromRPCError(err error) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return &Error{Kind: KindUnavailable, Message: "plugin call: " + err.Error(), Cause: err}
		}
		return &Error{Kind: KindUnavailable, Message: "plugin call failed: " + err.Error(), Cause: err}
	}
	for _, d := range st.Details() {
		if pe, ok := d.(*pb.PluginError); ok {
			return errorFromPB(pe)
		}
	}
	switch st.Code() {
	case codes.DeadlineExceeded:
		return &Error{Kind: KindUnavailable, Message: "plugin call deadline exceeded: " + st.Message(), Cause: context.DeadlineExceeded}
	case codes.Canceled:
		return &Error{Kind: KindUnavailable, Message: "plugin call canceled: " + st.Message(), Cause: context.Canceled}
	case codes.Unavailable:
		return &Error{Kind: KindUnavailable, Message: "plugin unavailable: " + st.Message(), Cause: err}
	case codes.Unimplemented:
		return &Error{Kind: KindUnimplemented, Message: st.Message(), Cause: err}
	default:
		return &Error{Kind: KindPlatform, Message: fmt.Sprintf("plugin failed (%s): %s", st.Code(), st.Message()), Cause: ErrUntyped}
	}
}

// ---- plugin side ----

type grpcServer struct {
	pb.UnimplementedPlatformServer
	impl Platform
	log  hclog.Logger
}

// done logs one call at debug level (method, duration, error kind; never the
// request, which carries credentials) and converts its error.
func (s *grpcServer) done(method string, start time.Time, err error) error {
	if s.log.IsDebug() {
		if err != nil {
			s.log.Debug("call failed", "method", method, "duration", time.Since(start), "kind", string(KindOf(err)))
		} else {
			s.log.Debug("call", "method", method, "duration", time.Since(start))
		}
	}
	return toRPCError(err)
}

func nilResult(method string) error {
	return &Error{Kind: KindPlatform, Message: method + " returned neither a result nor an error"}
}

func (s *grpcServer) Describe(ctx context.Context, _ *pb.DescribeRequest) (*pb.Description, error) {
	t := time.Now()
	d, err := s.impl.Describe(ctx)
	if err == nil && d == nil {
		err = nilResult("Describe")
	}
	if err != nil {
		return nil, s.done("Describe", t, err)
	}
	return descriptionToPB(d), s.done("Describe", t, nil)
}

func (s *grpcServer) Authorize(ctx context.Context, r *pb.AuthorizeRequest) (*pb.Token, error) {
	t := time.Now()
	tok, err := s.impl.Authorize(ctx, authorizeFromPB(r))
	if err == nil && tok == nil {
		err = nilResult("Authorize")
	}
	if err != nil {
		return nil, s.done("Authorize", t, err)
	}
	return tokenToPB(tok), s.done("Authorize", t, nil)
}

func (s *grpcServer) RefreshToken(ctx context.Context, r *pb.RefreshTokenRequest) (*pb.Token, error) {
	t := time.Now()
	tok, err := s.impl.RefreshToken(ctx, connFromPB(r.GetConnection()))
	if err == nil && tok == nil {
		err = nilResult("RefreshToken")
	}
	if err != nil {
		return nil, s.done("RefreshToken", t, err)
	}
	return tokenToPB(tok), s.done("RefreshToken", t, nil)
}

func (s *grpcServer) ListProducts(ctx context.Context, r *pb.ListProductsRequest) (*pb.ProductPage, error) {
	t := time.Now()
	p, err := s.impl.ListProducts(ctx, listProductsFromPB(r))
	if err == nil && p == nil {
		err = nilResult("ListProducts")
	}
	if err != nil {
		return nil, s.done("ListProducts", t, err)
	}
	return productPageToPB(p), s.done("ListProducts", t, nil)
}

func (s *grpcServer) ListOrders(ctx context.Context, r *pb.ListOrdersRequest) (*pb.OrderPage, error) {
	t := time.Now()
	p, err := s.impl.ListOrders(ctx, listOrdersFromPB(r))
	if err == nil && p == nil {
		err = nilResult("ListOrders")
	}
	if err != nil {
		return nil, s.done("ListOrders", t, err)
	}
	return orderPageToPB(p), s.done("ListOrders", t, nil)
}

func (s *grpcServer) UpdateStock(ctx context.Context, r *pb.UpdateStockRequest) (*pb.UpdateStockResult, error) {
	t := time.Now()
	res, err := s.impl.UpdateStock(ctx, updateStockFromPB(r))
	if err == nil && res == nil {
		err = nilResult("UpdateStock")
	}
	if err != nil {
		return nil, s.done("UpdateStock", t, err)
	}
	return &pb.UpdateStockResult{Quantity: res.Quantity, NewToken: tokenToPB(res.NewToken)}, s.done("UpdateStock", t, nil)
}

func (s *grpcServer) PublishContent(ctx context.Context, r *pb.PublishContentRequest) (*pb.PublishResult, error) {
	t := time.Now()
	res, err := s.impl.PublishContent(ctx, publishFromPB(r))
	if err == nil && res == nil {
		err = nilResult("PublishContent")
	}
	if err != nil {
		return nil, s.done("PublishContent", t, err)
	}
	return &pb.PublishResult{ExternalPostId: res.ExternalPostID, Url: res.URL, NewToken: tokenToPB(res.NewToken)}, s.done("PublishContent", t, nil)
}

func (s *grpcServer) FetchMetrics(ctx context.Context, r *pb.FetchMetricsRequest) (*pb.MetricsResult, error) {
	t := time.Now()
	res, err := s.impl.FetchMetrics(ctx, metricsReqFromPB(r))
	if err == nil && res == nil {
		err = nilResult("FetchMetrics")
	}
	if err != nil {
		return nil, s.done("FetchMetrics", t, err)
	}
	return metricsToPB(res), s.done("FetchMetrics", t, nil)
}

// ---- host side ----

type grpcClient struct{ c pb.PlatformClient }

func (c *grpcClient) Describe(ctx context.Context) (*Description, error) {
	r, err := c.c.Describe(ctx, &pb.DescribeRequest{})
	if err != nil {
		return nil, FromRPCError(err)
	}
	return descriptionFromPB(r), nil
}

func (c *grpcClient) Authorize(ctx context.Context, req AuthorizeRequest) (*Token, error) {
	r, err := c.c.Authorize(ctx, authorizeToPB(req))
	if err != nil {
		return nil, FromRPCError(err)
	}
	return tokenFromPB(r), nil
}

func (c *grpcClient) RefreshToken(ctx context.Context, conn Connection) (*Token, error) {
	r, err := c.c.RefreshToken(ctx, &pb.RefreshTokenRequest{Connection: connToPB(conn)})
	if err != nil {
		return nil, FromRPCError(err)
	}
	return tokenFromPB(r), nil
}

func (c *grpcClient) ListProducts(ctx context.Context, req ListProductsRequest) (*ProductPage, error) {
	r, err := c.c.ListProducts(ctx, listProductsToPB(req))
	if err != nil {
		return nil, FromRPCError(err)
	}
	return productPageFromPB(r), nil
}

func (c *grpcClient) ListOrders(ctx context.Context, req ListOrdersRequest) (*OrderPage, error) {
	r, err := c.c.ListOrders(ctx, listOrdersToPB(req))
	if err != nil {
		return nil, FromRPCError(err)
	}
	return orderPageFromPB(r), nil
}

func (c *grpcClient) UpdateStock(ctx context.Context, req UpdateStockRequest) (*UpdateStockResult, error) {
	r, err := c.c.UpdateStock(ctx, updateStockToPB(req))
	if err != nil {
		return nil, FromRPCError(err)
	}
	return &UpdateStockResult{Quantity: r.GetQuantity(), NewToken: tokenFromPB(r.GetNewToken())}, nil
}

func (c *grpcClient) PublishContent(ctx context.Context, req PublishContentRequest) (*PublishResult, error) {
	r, err := c.c.PublishContent(ctx, publishToPB(req))
	if err != nil {
		return nil, FromRPCError(err)
	}
	return &PublishResult{ExternalPostID: r.GetExternalPostId(), URL: r.GetUrl(), NewToken: tokenFromPB(r.GetNewToken())}, nil
}

func (c *grpcClient) FetchMetrics(ctx context.Context, req FetchMetricsRequest) (*MetricsResult, error) {
	r, err := c.c.FetchMetrics(ctx, metricsReqToPB(req))
	if err != nil {
		return nil, FromRPCError(err)
	}
	return metricsFromPB(r), nil
}
