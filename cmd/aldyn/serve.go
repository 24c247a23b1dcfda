package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn/internal/auth"
	"github.com/aldyn-kg/aldyn/internal/mail"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/web"
	"github.com/aldyn-kg/aldyn/internal/web/static"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	wc := web.Config{Version: version}
	var demoData bool
	var sessionTTL time.Duration
	var smtpURL, smtpFrom string
	fs := newFlags("serve", "Runs the web UI and the JSON API.", stderr, &cfg)
	fs.StringVar(&wc.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	demoScale := demoScaleFlag(fs)
	fs.BoolVar(&demoData, "demo", false, "load the demo dataset (if not loaded yet) and print a one-time password for the demo administrator 'admin'")
	fs.StringVar(&wc.TileURL, "tile-url", "", "map tile URL template, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png; empty draws boundaries only (works offline)")
	fs.StringVar(&wc.TileAttribution, "tile-attribution", "", "attribution shown under maps with tiles")
	fs.BoolVar(&wc.Secure, "secure-cookies", false, "mark cookies Secure (set when a TLS proxy is in front)")
	fs.StringVar(&wc.TLSCert, "tls-cert", "", "TLS certificate file (serve HTTPS directly)")
	fs.StringVar(&wc.TLSKey, "tls-key", "", "TLS key file")
	fs.DurationVar(&sessionTTL, "session-ttl", 12*time.Hour, "lifetime of a login session")
	fs.StringVar(&wc.Metrics, "metrics", web.MetricsLoopback, "who may read /metrics: loopback (requests from this machine, not through a proxy), token:<secret> (requests with 'Authorization: Bearer <secret>'), or public")
	fs.StringVar(&smtpURL, "smtp-url", "", "SMTP server for e-mail reminders, smtp://[user:password@]host[:port]; empty sends reminders in the application only")
	fs.StringVar(&smtpFrom, "smtp-from", "", "sender address of e-mail reminders (required with -smtp-url)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if smtpURL != "" {
		m, err := mail.New(smtpURL, smtpFrom)
		if err != nil {
			return err
		}
		wc.Mail = m
	}
	log := cfg.logger(stderr)
	logConfig(log, fs, func(name, v string) string {
		switch name {
		case "db":
			return store.Redacted(v)
		case "metrics":
			return web.RedactMetrics(v)
		case "smtp-url":
			return mail.Redacted(v)
		}
		return v
	})
	started := time.Now()
	db, err := store.Open(ctx, cfg.dsn())
	if err != nil {
		return err
	}
	defer db.Close()
	db.Log = log
	if err := db.SeedReference(ctx); err != nil {
		return err
	}
	svc := auth.NewService(db, auth.Options{SessionTTL: sessionTTL})
	if wc.TLSCert != "" {
		wc.Secure = true
	}
	wc.Demo = demoData
	// Uploads wait in data/uploads while they are imported; report evidence
	// files are kept in data/evidence, outside anything the server serves
	// as static files.
	wc.UploadDir = filepath.Join(cfg.data, "uploads")
	wc.EvidenceDir = cfg.evidenceDir()
	for _, d := range []string{wc.UploadDir, wc.EvidenceDir} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return err
		}
	}
	var adminPassword string
	if demoData {
		if adminPassword, err = loadDemo(ctx, db, log, *demoScale); err != nil {
			return err
		}
	}
	if !static.Built() {
		log.Warn("front-end bundles are not built into this binary; run `make build` (npm ci --prefix web && go run ./cmd/assets) before go build")
	}
	srv, err := web.New(wc, db, svc, log)
	if err != nil {
		return err
	}
	// Maps and weekday × hour tables read the records from memory once
	// they are loaded there, from the copy the last run saved in data
	// when it still holds.
	if err := db.PrepareOffenseIndex(ctx, filepath.Join(cfg.data, store.OffenseIndexFile)); err != nil {
		return err
	}
	// Residents' reports past their deadline go to the commission.
	go srv.RunResidentEscalation(ctx, 10*time.Minute, "")
	// Bodies are reminded of forms of reported figures due or overdue.
	go srv.RunDataFormReminders(ctx, time.Hour)
	return srv.ListenAndServe(ctx, func(addr string) {
		scheme := "http"
		if wc.TLSCert != "" {
			scheme = "https"
		}
		host, port, _ := net.SplitHostPort(addr)
		if host == "" || host == "::" || host == "0.0.0.0" {
			host = "localhost"
		}
		url := fmt.Sprintf("%s://%s", scheme, net.JoinHostPort(strings.Trim(host, "[]"), port))
		log.Info("listening", "url", url, "startup", time.Since(started).String())
		fmt.Fprintf(stdout, "Aldyn is running at %s\n", url)
		if adminPassword != "" {
			fmt.Fprintf(stdout, "Demo administrator: login admin, one-time password %s\n", adminPassword)
		}
	})
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlags("migrate", "Applies pending database migrations and exits.", stderr, &cfg)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := cfg.openDB(ctx, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema version %d (%s)\n", v, db.Dialect)
	return nil
}
