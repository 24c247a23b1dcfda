package store

// The import slot: one offense import writes records at a time.
//
// Imports commit their records in batches (see offense_import.go), so two at once
// could skip each other's unpublished records as already stored, and a
// failed one would then delete a record the other counted. So an import
// claims the slot before it writes: its log row's beat becomes positive,
// in a transaction that sees no other claim (PostgreSQL: under an advisory
// lock; SQLite: its one writer). While it holds the slot it keeps beating:
// a goroutine and every batch advance beat. Another import waits for the
// slot; when the holder's beat stands still for importLease, its process
// died, and the waiting import revokes the claim (beat -1) and deletes the
// dead import's records. Every batch of the holder checks its claim in its
// own transaction, so a revoked import, if it lived after all, can write
// nothing more and fails. A running import whose beat is 0 never claimed
// the slot and has no records.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// How often an import beats, how long a still beat means a dead import, and
// how often a waiting import looks at the slot. Variables, so that a test
// of a killed import need not wait long.
var (
	importBeat  = time.Second
	importLease = 15 * time.Second
	importPoll  = 100 * time.Millisecond
)

// importTxMax is how long SQLite's batch transaction may grow, chunk by
// chunk, within one Add, while no other write of this process waits for
// the connection: flushSQLiteBatch commits after the chunk in progress as
// soon as one does, so such a write waits for one chunk at most; a write
// of another process (a server beside a command-line import) waits for
// the transaction, importTxMax at most. Every commit writes each page its
// rows changed to the WAL, and records with random ids, spread over
// territories and days, change a page of the primary key and one of
// offenses_scope each: transactions of one chunk (1,489 rows) wrote some
// 2.5 pages a record, a WAL of 10 GB for a million records, where long
// ones write a page changed by many records once.
//
// The beat others see stands still while the transaction is open, as the
// heartbeat skips it (startBeat); the transaction advanced it at its start
// (batch), so a revocation, which asks for the beat it saw, waits for the
// commit and then finds the import alive.
const importTxMax = 2 * time.Second

// importChunkRows, when positive, lowers the records per batch: tests
// make PostgreSQL's imports of a few thousand records span batches.
var importChunkRows int

// dropBatch is how many records of a failed import one transaction deletes.
const dropBatch = 2000

// unpublished is the condition that keeps out the records of imports not
// yet done; failed imports' records are deleted before their row says
// failed, so only running imports have any.
const unpublished = `import_id NOT IN (SELECT id FROM offense_imports WHERE status = '` + aldyn.ImportRunning + `')`

type slotClaim struct{ id, beat int64 }

// claimImportSlot waits until imp holds the import slot, deleting the
// records of dead imports on the way.
func (db *DB) claimImportSlot(ctx context.Context, imp *OffenseImport) error {
	var seen slotClaim
	var since time.Time
	for {
		var others []slotClaim
		err := db.Update(ctx, imp.actor, func(tx *Tx) error {
			others = others[:0]
			if db.Dialect == Postgres {
				// Claims in concurrent transactions would not see each
				// other; the lock is per schema, as tests use one each.
				if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.offense_imports'))`); err != nil {
					return err
				}
			}
			if err := scanAll(ctx, tx, func(rows *sql.Rows) error {
				var c slotClaim
				err := rows.Scan(&c.id, &c.beat)
				others = append(others, c)
				return err
			}, `SELECT id, beat FROM offense_imports WHERE status = ? AND beat <> 0 AND id <> ? ORDER BY id`, aldyn.ImportRunning, imp.ID); err != nil {
				return err
			}
			if len(others) > 0 {
				return nil
			}
			// Only a claim not revoked meanwhile (FailInterruptedImports
			// revokes imports whose beat stands still).
			res, err := tx.exec(ctx, `UPDATE offense_imports SET beat = 1 WHERE id = ? AND beat = 0 AND status = ?`, imp.ID, aldyn.ImportRunning)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				return errors.Join(err, aldyn.Errorf(aldyn.ECONFLICT, "import.error.abandoned"))
			}
			if db.Dialect == SQLite {
				err := tx.queryRow(ctx, `SELECT COALESCE(MAX(rowid), 0) FROM offenses`).Scan(&imp.firstRowid)
				imp.deferIndexes = err == nil && imp.firstRowid == 0
				return err
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(others) == 0 {
			imp.claimed, imp.lastRowid = true, imp.firstRowid
			imp.startBeat()
			return nil
		}
		holder := others[0]
		for _, o := range others {
			if o.beat < 0 {
				// Revoked, and its records perhaps not all deleted: finish.
				holder = o
			}
		}
		switch {
		case holder.beat < 0:
			if err := db.dropImport(ctx, holder.id, 0); err != nil {
				return err
			}
			err := db.Update(ctx, imp.actor, func(tx *Tx) error {
				_, err := tx.exec(ctx, `UPDATE offense_imports SET status = ?, finished_at = COALESCE(finished_at, ?), beat = 0,
					error = CASE WHEN error = '' THEN ? ELSE error END WHERE id = ? AND beat < 0`,
					aldyn.ImportFailed, tx.now, "abandoned: the import stopped before it finished", holder.id)
				return err
			})
			if err != nil {
				return err
			}
			continue
		case holder != seen:
			seen, since = holder, time.Now()
		case time.Since(since) >= importLease:
			// The holder's process died: take its claim away, so that it
			// could write nothing more even if it lived.
			err := db.Update(ctx, imp.actor, func(tx *Tx) error {
				_, err := tx.exec(ctx, `UPDATE offense_imports SET beat = -1 WHERE id = ? AND beat = ?`, holder.id, holder.beat)
				return err
			})
			if err != nil {
				return err
			}
			db.Log.Warn("offense import abandoned; deleting its records", "import", holder.id)
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(importPoll):
		}
	}
}

// startBeat advances imp's beat every importBeat until release, so that a
// waiting import knows it lives while it reads its file between batches.
func (imp *OffenseImport) startBeat() {
	ctx, cancel := context.WithCancel(imp.db.bg)
	done := make(chan struct{})
	imp.stopBeat = func() { cancel(); <-done }
	go func() {
		defer close(done)
		t := time.NewTicker(importBeat)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if imp.inTx.Load() {
				// Its batch transaction has advanced the beat, and a
				// write waiting here would end it early (importTxMax).
				continue
			}
			err := imp.db.Update(ctx, imp.actor, func(tx *Tx) error {
				_, err := tx.exec(ctx, `UPDATE offense_imports SET beat = beat + 1 WHERE id = ? AND beat > 0`, imp.ID)
				return err
			})
			if err != nil && ctx.Err() == nil {
				imp.db.Log.Warn("offense import heartbeat", "import", imp.ID, "err", err)
			}
		}
	}()
}

// inBatch runs fn in a write transaction of its own (see beginTx) and
// commits when fn returns nil.
func (imp *OffenseImport) inBatch(ctx context.Context, fn func(context.Context) error) error {
	if err := imp.endTx(nil); err != nil {
		return err
	}
	if err := imp.beginTx(ctx); err != nil {
		return err
	}
	return imp.endTx(fn(ctx))
}

// beginTx opens a write transaction on one connection (imp.conn and
// imp.tx until endTx), after checking that imp still holds the import
// slot.
func (imp *OffenseImport) beginTx(ctx context.Context) (err error) {
	db := imp.db
	if !imp.claimed {
		return aldyn.Errorf(aldyn.EINVALID, "import.error.finished")
	}
	if imp.conn, err = db.w.Conn(ctx); err != nil {
		return db.normalize(err)
	}
	if imp.tx, err = imp.conn.BeginTx(ctx, nil); err == nil {
		imp.txStart, imp.txWaits = time.Now(), db.w.Stats().WaitCount
		imp.inTx.Store(true)
		err = imp.batch(ctx, func(context.Context) error { return nil })
	}
	if err != nil {
		return imp.endTx(db.normalize(err))
	}
	return nil
}

// endTx ends the open transaction, if any: commits it when err is nil,
// else rolls it back and returns err.
func (imp *OffenseImport) endTx(err error) error {
	if imp.conn == nil {
		return err
	}
	if imp.tx != nil {
		if err == nil {
			err = imp.db.normalize(imp.tx.Commit())
		} else {
			imp.tx.Rollback()
		}
	}
	imp.conn.Close()
	imp.conn, imp.tx = nil, nil
	imp.inTx.Store(false)
	return err
}

func (imp *OffenseImport) batch(ctx context.Context, fn func(context.Context) error) error {
	db := imp.db
	if db.Dialect == SQLite {
		// A large page cache while the import runs: its random primary
		// keys are written all over their index. And no checkpoint at each
		// batch's commit, which would copy most of that index back to the
		// database file and sync it every time, twice as slow; release
		// checkpoints once. Setting the same values again keeps the cached
		// pages.
		cache := imp.meta.CacheMiB
		if cache <= 0 {
			cache = DefaultImportCacheMiB
		}
		if _, err := imp.tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, cache*1024)); err != nil {
			return db.normalize(err)
		}
		if _, err := imp.tx.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 0`); err != nil {
			return db.normalize(err)
		}
	}
	res, err := imp.tx.ExecContext(ctx, db.rebind(`UPDATE offense_imports SET beat = beat + 1 WHERE id = ? AND beat > 0`), imp.ID)
	if err != nil {
		return db.normalize(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, aldyn.Errorf(aldyn.ECONFLICT, "import.error.abandoned"))
	}
	return fn(ctx)
}

// dropImport deletes the records of an import, a batch per transaction.
// With SQLite, its records lie past rowid from (0 when unknown), which are
// found by the read pool in rowid order, with no index and no wait for the
// writer.
func (db *DB) dropImport(ctx context.Context, id, from int64) error {
	for {
		var n int64
		if db.Dialect == SQLite {
			var ids []string
			err := scanAll(ctx, db, func(rows *sql.Rows) error {
				var r int64
				err := rows.Scan(&r)
				ids, from = append(ids, strconv.FormatInt(r, 10)), r
				return err
			}, `SELECT rowid FROM offenses WHERE rowid > ? AND import_id = ? ORDER BY rowid LIMIT `+strconv.Itoa(dropBatch), from, id)
			if err != nil {
				return db.normalize(err)
			}
			if len(ids) == 0 {
				return nil
			}
			err = db.Update(ctx, nil, func(tx *Tx) error {
				_, err := tx.exec(ctx, `DELETE FROM offenses WHERE import_id = ? AND rowid IN (`+strings.Join(ids, ",")+`)`, id)
				return err
			})
			if err != nil {
				return err
			}
			continue
		}
		err := db.Update(ctx, nil, func(tx *Tx) error {
			res, err := tx.exec(ctx, `DELETE FROM offenses WHERE id IN (SELECT id FROM offenses WHERE import_id = ? LIMIT `+strconv.Itoa(dropBatch)+`)`, id)
			if err == nil {
				n, err = res.RowsAffected()
			}
			return err
		})
		if err != nil || n == 0 {
			return err
		}
	}
}
