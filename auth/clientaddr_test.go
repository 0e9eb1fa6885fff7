package auth

import (
	"net/http"
	"testing"
)

func TestRemoteAddr(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, 192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, peer string
		xff        []string
		trusted    TrustedProxies
		want       string
	}{
		{"no proxies: the peer, header ignored", "203.0.113.9:5000", []string{"198.51.100.1"}, nil, "203.0.113.9"},
		{"untrusted peer: header ignored", "203.0.113.9:5000", []string{"198.51.100.1"}, proxies, "203.0.113.9"},
		{"one trusted proxy", "10.1.2.3:5000", []string{"198.51.100.1"}, proxies, "198.51.100.1"},
		{"client-written hops on the left are ignored", "10.1.2.3:5000", []string{"1.2.3.4, 5.6.7.8, 198.51.100.1"}, proxies, "198.51.100.1"},
		{"chain of trusted proxies", "10.1.2.3:5000", []string{"6.6.6.6, 198.51.100.1, 192.0.2.1, 10.9.9.9"}, proxies, "198.51.100.1"},
		{"several headers read as one list", "10.1.2.3:5000", []string{"6.6.6.6", "198.51.100.1, 10.2.2.2"}, proxies, "198.51.100.1"},
		{"garbage hop: the last vouched-for hop", "10.1.2.3:5000", []string{"198.51.100.1, not-an-ip, 10.2.2.2"}, proxies, "10.2.2.2"},
		{"all hops trusted: the leftmost", "10.1.2.3:5000", []string{"10.4.4.4, 192.0.2.1"}, proxies, "10.4.4.4"},
		{"no header: the proxy itself", "10.1.2.3:5000", nil, proxies, "10.1.2.3"},
		{"IPv6 peer", "[2001:db8::1]:443", []string{"198.51.100.1"}, proxies, "2001:db8::1"},
		{"IPv4-mapped trusted peer", "[::ffff:10.1.2.3]:80", []string{"198.51.100.7"}, proxies, "198.51.100.7"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &http.Request{RemoteAddr: tc.peer, Header: http.Header{}}
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := RemoteAddr(r, tc.trusted); got != tc.want {
				t.Errorf("RemoteAddr = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseTrustedProxies(t *testing.T) {
	for _, bad := range []string{"10.0.0.0/33", "proxy.local", "10.0.0"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) accepted", bad)
		}
	}
	p, err := ParseTrustedProxies(" 10.0.0.0/8 ,,::1 ")
	if err != nil || len(p) != 2 {
		t.Fatalf("ParseTrustedProxies = %v, %v", p, err)
	}
}
