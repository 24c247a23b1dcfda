package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/auth"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/store"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlags("demo", "Loads the demo dataset (clearly labelled demo/synthetic) into the database, once.", stderr, &cfg)
	scale := demoScaleFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.dsn())
	if err != nil {
		return err
	}
	defer db.Close()
	log := cfg.logger(stderr)
	db.Log = log
	if err := db.SeedReference(ctx); err != nil {
		return err
	}
	pw, err := loadDemo(ctx, db, log, *scale)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Demo administrator: login admin, one-time password %s\n", pw)
	return nil
}

// demoScaleFlag adds --demo-offenses: how many synthetic offense records
// the demo loads, as a share of the official totals.
func demoScaleFlag(fs *flag.FlagSet) *float64 {
	return fs.Float64("demo-offenses", 1, "synthetic offense records of the demo, as a share of the official yearly totals (1: Table 1 exactly, 0: none)")
}

// loadDemo loads every module's demo data (each part only once) and gives
// the demo administrator a new one-time password, which it returns.
func loadDemo(ctx context.Context, db *store.DB, log *slog.Logger, offenseScale float64) (string, error) {
	if _, err := demo.Load(ctx, db, auth.HashPassword, auth.RandomPassword); err != nil {
		return "", fmt.Errorf("demo data: %w", err)
	}
	if err := demo.LoadPlans(ctx, db, auth.HashPassword, auth.RandomPassword); err != nil {
		return "", fmt.Errorf("demo plans: %w", err)
	}
	if err := demo.LoadDataSets(ctx, db, auth.HashPassword, auth.RandomPassword); err != nil {
		return "", fmt.Errorf("demo data sets: %w", err)
	}
	if err := demo.LoadSurveys(ctx, db); err != nil {
		return "", fmt.Errorf("demo surveys: %w", err)
	}
	if err := demo.LoadResidents(ctx, db); err != nil {
		return "", fmt.Errorf("demo residents' reports: %w", err)
	}
	if err := demo.LoadReportBackMeetings(ctx, db); err != nil {
		return "", fmt.Errorf("demo report-back meetings: %w", err)
	}
	if err := demo.LoadVictimServices(ctx, db); err != nil {
		return "", fmt.Errorf("demo victim services: %w", err)
	}
	if err := demo.LoadUnitRatings(ctx, db); err != nil {
		return "", fmt.Errorf("demo unit ratings: %w", err)
	}
	if offenseScale > 0 {
		start := time.Now()
		n, err := demo.LoadOffenses(ctx, db, offenseScale, nil)
		if err != nil {
			return "", fmt.Errorf("demo offenses: %w", err)
		}
		if n > 0 {
			log.Info("synthetic offense records loaded", "records", n, "took", time.Since(start).Round(time.Millisecond).String())
		}
	}
	if err := demo.PublishOpenData(ctx, db); err != nil {
		return "", fmt.Errorf("demo open data: %w", err)
	}
	admin, err := db.FindUserByLogin(ctx, "admin")
	if err != nil {
		return "", fmt.Errorf("demo administrator: %w", err)
	}
	svc := auth.NewService(db, auth.Options{})
	pw, err := svc.ResetPassword(ctx, aldyn.System, admin.ID)
	if err != nil {
		return "", err
	}
	log.Info("demo data loaded")
	return pw, nil
}
