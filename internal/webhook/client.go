package webhook

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// NewClient returns the HTTP client deliveries should use: RequestTimeout per
// request, redirects not followed (a 3xx is a failed delivery, so a receiver cannot
// bounce us to another host) and, unless allowPrivate, connections to loopback,
// private, link-local and other non-public addresses refused at dial time. Tenants
// choose the URLs, so without that check one tenant could make the server probe its
// own network; the check runs on the resolved address, so DNS tricks do not bypass
// it. allowPrivate is for single-brand installs posting to an intranet, and tests.
func NewClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if !allowPrivate {
		dialer.Control = refuseNonPublic
		tr.Proxy = nil // a proxy would be the only address checked
	}
	tr.DialContext = dialer.DialContext
	tr.MaxIdleConnsPerHost = 4
	return &http.Client{
		Timeout:   RequestTimeout,
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// ErrNonPublicAddress is the dial error for a receiver on a non-public address.
var ErrNonPublicAddress = errors.New("webhook: receiver address is not public")

var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10") // carrier-grade NAT

func refuseNonPublic(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrNonPublicAddress, address)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrNonPublicAddress, address)
	}
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || sharedAddressSpace.Contains(ip) {
		return fmt.Errorf("%w: %s", ErrNonPublicAddress, ip)
	}
	return nil
}
