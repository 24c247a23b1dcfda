package web

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/auth"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry, db *store.DB) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aldyn_http_requests_total", Help: "HTTP requests by route and status code."},
			[]string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "aldyn_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10}}, []string{"route"}),
	}
	for _, g := range []struct {
		name, help string
		get        func() float64
	}{
		{"aldyn_db_open_connections", "Open database connections (write and read pools).", func() float64 {
			w, r := db.Stats()
			if w == r {
				return float64(w.OpenConnections)
			}
			return float64(w.OpenConnections + r.OpenConnections)
		}},
		{"aldyn_db_in_use_connections", "Database connections in use.", func() float64 {
			w, r := db.Stats()
			if w == r {
				return float64(w.InUse)
			}
			return float64(w.InUse + r.InUse)
		}},
		{"aldyn_db_wait_count_total", "Times a request waited for a database connection.", func() float64 {
			w, r := db.Stats()
			if w == r {
				return float64(w.WaitCount)
			}
			return float64(w.WaitCount + r.WaitCount)
		}},
	} {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: g.name, Help: g.help}, g.get))
	}
	reg.MustRegister(m.requests, m.latency, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Who may read /metrics (Config.Metrics).
const (
	MetricsLoopback = "loopback" // requests from this machine, not through a proxy (the default)
	MetricsPublic   = "public"   // anyone
	metricsToken    = "token:"   // token:<secret>: requests with "Authorization: Bearer <secret>"
)

// metricsAccess is a parsed Config.Metrics.
type metricsAccess struct {
	public bool
	token  string // "" with public false: loopback only
}

func parseMetricsAccess(v string) (metricsAccess, error) {
	switch {
	case v == "" || v == MetricsLoopback:
		return metricsAccess{}, nil
	case v == MetricsPublic:
		return metricsAccess{public: true}, nil
	case strings.HasPrefix(v, metricsToken) && len(v) > len(metricsToken):
		return metricsAccess{token: v[len(metricsToken):]}, nil
	}
	return metricsAccess{}, fmt.Errorf("metrics access %q: want loopback, public or token:<secret>", RedactMetrics(v))
}

// RedactMetrics hides the secret of a token:<secret> setting, for logs.
func RedactMetrics(v string) string {
	if strings.HasPrefix(v, metricsToken) {
		return metricsToken + "…"
	}
	return v
}

// allows reports whether r may read the metrics. A request through a
// proxy on this machine comes from loopback too; the forwarding headers
// such proxies add tell it apart.
func (m metricsAccess) allows(r *http.Request) bool {
	switch {
	case m.public:
		return true
	case m.token != "":
		tok := auth.BearerToken(r)
		return tok != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(m.token)) == 1
	}
	for _, h := range []string{"Forwarded", "X-Forwarded-For", "X-Real-Ip"} {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// serveMetrics answers GET /metrics to those cfg.Metrics lets read them,
// ahead of the sign-in (the metrics token is no user's token); everyone
// else, and every other request, goes on to app, where /metrics is not
// found.
func (s *Server) serveMetrics(app http.Handler) http.Handler {
	h := promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" && (r.Method == http.MethodGet || r.Method == http.MethodHead) && s.metricsAccess.allows(r) {
			h.ServeHTTP(w, r)
			return
		}
		app.ServeHTTP(w, r)
	})
}

// healthz says the process is alive.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says the database answers and the schema is current.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.log.Warn("not ready", "err", err)
		return writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	v, err := s.db.Version(ctx)
	if err != nil {
		return writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "schema_version": v})
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	if actor(r).Is(aldyn.RoleCoordinator) {
		return s.coordinatorHomePage(w, r, http.StatusOK, "")
	}
	ts, _, err := s.db.FindTerritories(r.Context(), aldyn.TerritoryFilter{Level: ptr(aldyn.LevelRegion), Page: aldyn.Page{Limit: 50, Sort: "code"}})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "home", &page{Title: info(r).loc.T("home.title"), Data: ts})
}

// setLanguage remembers the chosen language in a cookie (and on the
// user's account) and returns to the page the user came from.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	lang := r.PathValue("lang")
	if !aldyn.IsLanguage(lang) {
		return aldyn.Errorf(aldyn.ENOTFOUND, "error.not_found")
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.Secure})
	http.Redirect(w, r, localTarget(r.URL.Query().Get("next")), http.StatusSeeOther)
	return nil
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	return aldyn.Errorf(aldyn.ENOTFOUND, "error.not_found")
}

func ptr[T any](v T) *T { return &v }
