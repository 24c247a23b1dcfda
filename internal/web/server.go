// Package web serves Aldyn over HTTP: the server-rendered pages, the JSON
// API under /api/v1, health checks and metrics. Handlers read the request,
// call the store or a module, and render HTML or JSON; they never build SQL.
package web

import (
	"context"
	"errors"
	"github.com/aldyn-kg/aldyn/internal/mail"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/aldyn-kg/aldyn/internal/auth"
	"github.com/aldyn-kg/aldyn/internal/offenses"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/prometheus/client_golang/prometheus"
)

// Config is the web server's configuration.
type Config struct {
	Addr string
	// Version is the release the about page names ("dev" when empty).
	Version string
	TileURL string // map tile URL template; empty draws boundaries only
	// TileAttribution is shown under maps that use TileURL.
	TileAttribution string
	// Secure marks cookies Secure; set when served over TLS directly or
	// behind a TLS-terminating proxy.
	Secure       bool
	TLSCert      string
	TLSKey       string
	MaxBodyBytes int64
	// ReadTimeout bounds the reading of a request, body included (30 s
	// when zero); UploadReadTimeout replaces it on upload routes (5 min
	// when zero), so a slow client holds a connection long only where
	// large files are expected.
	ReadTimeout       time.Duration
	UploadReadTimeout time.Duration
	Demo              bool
	// UploadDir holds uploads while they are imported (the system's
	// temporary directory when empty).
	UploadDir string
	// Metrics says who may read /metrics: MetricsLoopback (also when
	// empty), MetricsPublic or "token:<secret>".
	Metrics string
	// EvidenceDir keeps the evidence files of plan reports (the system's
	// temporary directory when empty, as in tests).
	EvidenceDir string
	// Mail sends reminders by e-mail too; nil notifies in the
	// application only.
	Mail *mail.Sender
	// OpenDataRate is the request rate per client address of the open
	// data files and APIs (requests a second; 0: the default, negative:
	// no limit).
	OpenDataRate float64
	// ResidentsPerHour is how many reports one address or device may send
	// through /report in an hour (10 when zero).
	ResidentsPerHour int
}

// Server is Aldyn's HTTP server.
type Server struct {
	cfg       Config
	db        *store.DB
	auth      *auth.Service
	log       *slog.Logger
	mux       *http.ServeMux
	routes    []Route
	tmpl      *templates
	metrics   *metrics
	registry  *prometheus.Registry
	srv       *http.Server
	jobs      importJobs
	stats     statsCache     // statistics answers until the next import, see stats_cache.go
	open      *openDataState // the open-data catalogue, see opendata.go
	residents residentsState
	// responses gathers public survey responses into shared commits (surveys_writer.go).
	responses responseWriter
	forms     formCache

	metricsAccess metricsAccess
}

// New builds a server; call ListenAndServe to run it.
func New(cfg Config, db *store.DB, a *auth.Service, log *slog.Logger) (*Server, error) {
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = 30 * time.Second
	}
	if cfg.UploadReadTimeout == 0 {
		cfg.UploadReadTimeout = 5 * time.Minute
	}
	s := &Server{cfg: cfg, db: db, auth: a, log: log, mux: http.NewServeMux(), registry: prometheus.NewRegistry()}
	var err error
	if s.metricsAccess, err = parseMetricsAccess(cfg.Metrics); err != nil {
		return nil, err
	}
	if s.tmpl, err = serverTemplates(); err != nil {
		return nil, err
	}
	s.metrics = newMetrics(s.registry, db)
	s.registerRoutes()
	// Imports a killed process left running are failed, their uploads deleted.
	if n, err := offenses.RecoverInterrupted(context.Background(), db, cfg.UploadDir); err != nil {
		return nil, err
	} else if n > 0 {
		log.Warn("offense imports interrupted by the last stop marked failed", "imports", n)
	}
	return s, nil
}

// Handler returns the server's handler with all middleware.
func (s *Server) Handler() http.Handler {
	return s.readDeadline(s.compress(s.recoverPanics(s.securityHeaders(s.serveMetrics(s.identify(s.mux))))))
}

// Routes returns the registered routes (for tests and the OpenAPI check).
func (s *Server) Routes() []Route { return s.routes }

// ListenAndServe serves until ctx is cancelled, then shuts down gracefully,
// letting requests in flight finish for up to 20 seconds. ready, if not
// nil, receives the bound address once the listener is open.
func (s *Server) ListenAndServe(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	s.srv = &http.Server{
		Handler: s.Handler(),
		// Reading a body is bounded per request (readDeadline), short
		// except on upload routes.
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	go s.keepOpenDataBuilt(ctx)
	errc := make(chan error, 1)
	go func() {
		if s.cfg.TLSCert != "" {
			errc <- s.srv.ServeTLS(ln, s.cfg.TLSCert, s.cfg.TLSKey)
		} else {
			errc <- s.srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
