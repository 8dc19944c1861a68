package operators

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/kycgate/kycgate/camara"
	"github.com/kycgate/kycgate/kycmatch"
)

// DiscoveryOptions configure how a Dispatcher finds the operator of a
// number that no prefix routes, or that the routed operator no longer holds.
type DiscoveryOptions struct {
	// Enabled turns fan-out discovery on. Off, an unrouted number is
	// answered 404 IDENTIFIER_NOT_FOUND and an operator's answer is final.
	Enabled bool
	// Width is the most operators asked at the same time by one discovery;
	// the others are asked as earlier ones answer IDENTIFIER_NOT_FOUND.
	Width int
	// CacheSize bounds the number of remembered winners.
	CacheSize int
	// CacheTTL is how long a winner is remembered.
	CacheTTL time.Duration
}

// DefaultDiscoveryOptions returns discovery on, 8 wide, remembering up to
// 100 000 winners for 24 hours.
func DefaultDiscoveryOptions() DiscoveryOptions {
	return DiscoveryOptions{Enabled: true, Width: 8, CacheSize: 100_000, CacheTTL: 24 * time.Hour}
}

// Validate reports every value of o that is out of range.
func (o DiscoveryOptions) Validate() error {
	var errs []error
	if o.Width < 1 {
		errs = append(errs, errors.New("width must be at least 1"))
	}
	if o.CacheSize < 1 {
		errs = append(errs, errors.New("cache size must be at least 1"))
	}
	if o.CacheTTL <= 0 {
		errs = append(errs, errors.New("cache TTL must be positive"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("discovery options: %w", errors.Join(errs...))
	}
	return nil
}

// Dispatcher sends a KYC Match call to the operator that holds the number:
// the one discovery remembered for it, else the one its longest prefix
// routes to, else the first found by fan-out discovery. It is safe for
// concurrent use.
type Dispatcher struct {
	router   *Router
	opts     DiscoveryOptions
	winners  *winnerCache
	logger   *slog.Logger
	observer Observer
}

// NewDispatcher returns a dispatcher over r's routes.
func NewDispatcher(r *Router, opts DiscoveryOptions, logger *slog.Logger) (*Dispatcher, error) {
	if r == nil {
		return nil, errors.New("dispatcher: a router is required")
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{
		router:   r,
		opts:     opts,
		winners:  newWinnerCache(opts.CacheSize, opts.CacheTTL),
		logger:   logger.With(slog.String("component", "operators")),
		observer: observerOrNop(r.observer),
	}, nil
}

// Match answers the call from the operator that holds its number.
//
// A number remembered by an earlier discovery goes to that operator,
// otherwise to its longest-prefix route. When that operator answers
// IDENTIFIER_NOT_FOUND (the number was ported away) or no prefix matches,
// discovery asks the other operators. An operator that does not serve the
// call's version answers 422 SERVICE_NOT_APPLICABLE.
func (d *Dispatcher) Match(ctx context.Context, call Call) (kycmatch.Response, error) {
	if !d.opts.Enabled {
		i, ok := d.router.lookupIndex(call.Request.PhoneNumber)
		if !ok {
			return nil, camara.ErrIdentifierNotFound
		}
		return d.ask(ctx, i, call)
	}
	key := d.winners.key(call.Request.PhoneNumber)
	i, ok := d.winners.get(key)
	if !ok {
		i, ok = d.router.lookupIndex(call.Request.PhoneNumber)
	}
	if !ok {
		return d.discover(ctx, call, key, -1)
	}
	resp, err := d.ask(ctx, i, call)
	if !errors.Is(err, camara.ErrIdentifierNotFound) {
		return resp, err
	}
	return d.discover(ctx, call, key, i)
}

// ask calls the operator of route i.
func (d *Dispatcher) ask(ctx context.Context, i int, call Call) (kycmatch.Response, error) {
	route := d.router.routes[i]
	if !route.Serves(call.Version) {
		return nil, camara.ErrServiceNotApplicable.WithMessage(
			"KYC Match %s is not offered for this phone number", call.Version.PathSegment())
	}
	return route.Adapter.Match(ctx, call)
}

// discover fans the call out to every discoverable operator serving its
// version except route asked (-1 for none), remembers the winner under
// key, and forgets any earlier winner when none is found.
func (d *Dispatcher) discover(ctx context.Context, call Call, key numberKey, asked int) (kycmatch.Response, error) {
	candidates := d.candidates(call.Version, asked)
	won, err := d.fanOut(ctx, call, candidates)
	if err != nil {
		d.winners.remove(key)
		return nil, err
	}
	d.winners.put(key, won.route)
	d.logger.LogAttrs(ctx, slog.LevelDebug, "operator discovered",
		slog.String("operator", d.router.routes[won.route].Name),
		slog.Int("candidates", len(candidates)))
	return won.resp, won.err
}

// candidates lists the routes discovery may ask for a call of version v,
// in configuration order, leaving out route asked.
func (d *Dispatcher) candidates(v kycmatch.Version, asked int) []int {
	out := make([]int, 0, len(d.router.routes))
	for i, rt := range d.router.routes {
		if i != asked && !rt.ExcludeFromDiscovery && rt.Serves(v) {
			out = append(out, i)
		}
	}
	return out
}
