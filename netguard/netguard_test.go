package netguard

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"testing"
)

func TestPublic(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"93.184.216.34", true},
		{"8.8.8.8", true},
		{"2606:4700:4700::1111", true},
		{"127.0.0.1", false},
		{"127.8.9.10", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"169.254.1.1", false},
		{"fe80::1", false},
		{"fd00:ec2::254", false}, // EC2 metadata over IPv6
		{"fc00::1", false},
		{"100.64.0.1", false}, // CGNAT
		{"100.127.255.254", false},
		{"0.0.0.0", false},
		{"::", false},
		{"224.0.0.1", false},
		{"255.255.255.255", false},
		{"::ffff:127.0.0.1", false}, // IPv4-mapped loopback
		{"::ffff:8.8.8.8", true},
		{"64:ff9b::a00:1", false}, // NAT64 of 10.0.0.1
		{"64:ff9b::808:808", true},
		{"2002:a00:1::", false}, // 6to4 of 10.0.0.1
	}
	for _, tc := range tests {
		t.Run(tc.addr, func(t *testing.T) {
			if got := Public(netip.MustParseAddr(tc.addr)); got != tc.want {
				t.Errorf("Public(%s) = %v, want %v", tc.addr, got, tc.want)
			}
		})
	}
}

// fakeResolver answers from a map.
type fakeResolver map[string][]string

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, s := range f[host] {
		out = append(out, netip.MustParseAddr(s))
	}
	if len(out) == 0 {
		return nil, errors.New("no such host")
	}
	return out, nil
}

func TestCheckURL(t *testing.T) {
	dns := fakeResolver{
		"open.taobao.example":  {"140.205.94.189"},
		"intranet.example":     {"10.0.0.7"},
		"mixed.example":        {"140.205.94.189", "192.168.0.1"},
		"metadata.example":     {"169.254.169.254"},
		"v6-loopback.example":  {"::1"},
		"cgnat.example":        {"100.64.3.4"},
		"public-https.example": {"2606:4700:4700::1111"},
	}
	tests := []struct {
		url          string
		allowPrivate bool
		ok           bool
	}{
		{"https://open.taobao.example/router/rest", false, true},
		{"https://public-https.example", false, true},
		{"https://140.205.94.189:8443/x", false, true},
		{"http://open.taobao.example/router/rest", false, false}, // https only
		{"ftp://open.taobao.example/", false, false},
		{"https://user:pw@open.taobao.example/", false, false},
		{"open.taobao.example/router", false, false},
		{"", false, false},
		{"https://127.0.0.1:8080/", false, false},
		{"https://localhost.:1/", false, false}, // does not resolve in the fake DNS
		{"https://[::1]/", false, false},
		{"https://intranet.example/", false, false},
		{"https://mixed.example/", false, false}, // one private answer is enough to refuse
		{"https://metadata.example/latest/meta-data", false, false},
		{"https://169.254.169.254/latest/meta-data", false, false},
		{"https://v6-loopback.example/", false, false},
		{"https://cgnat.example/", false, false},
		{"https://10.0.0.1/", true, true},
		{"http://127.0.0.1:9000/router", true, true},
		{"ftp://127.0.0.1/", true, false},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			err := CheckURL(context.Background(), tc.url, tc.allowPrivate, dns)
			if (err == nil) != tc.ok {
				t.Errorf("CheckURL(%q, allowPrivate=%v) = %v, want ok=%v", tc.url, tc.allowPrivate, err, tc.ok)
			}
		})
	}
}

// TestGuardedClientRefusesAtDial: the guarded client refuses loopback at
// connect time, whatever the URL says (an IP, or a name resolving to it), and
// refuses redirects to http:// or (via the dialer) to private addresses.
func TestGuardedClientRefusesAtDial(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	c, err := Client(nil)
	if err != nil {
		t.Fatal(err)
	}
	port := netip.MustParseAddrPort(srv.Listener.Addr().String()).Port()
	for _, u := range []string{srv.URL, "http://localhost:" + strconv.Itoa(int(port)) + "/"} {
		res, err := c.Get(u)
		if res != nil {
			res.Body.Close()
		}
		if !errors.Is(err, ErrNotPublic) {
			t.Errorf("GET %s: %v, want ErrNotPublic", u, err)
		}
	}
	if hits != 0 {
		t.Errorf("the loopback server was reached %d times", hits)
	}
	// Unguarded, the same server answers (the test would prove nothing otherwise).
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if hits != 1 {
		t.Fatalf("hits = %d", hits)
	}
	// A redirect to http:// is refused before any dial.
	req, _ := http.NewRequest(http.MethodGet, "http://example.invalid/", nil)
	if err := CheckRedirect(req, nil); !errors.Is(err, ErrNotPublic) {
		t.Errorf("redirect to http: %v", err)
	}
	// A custom RoundTripper cannot be guarded.
	if _, err := Client(&http.Client{Transport: roundTripperFunc(nil)}); err == nil {
		t.Error("Client accepted an unguardable transport")
	}
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
