package web

import (
	"context"
	"sync"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// The public form's writer: responses that arrive together are stored in
// one transaction, so that a crowd of respondents submitting at once (a
// survey announced on television) waits for a few commits rather than one
// each. Every response still gets its own outcome.

const (
	maxResponseBatch  = 250
	responseBatchWait = 2 * time.Millisecond
	writerIdle        = 5 * time.Second
)

type pendingResponse struct {
	r    *aldyn.SurveyResponse
	done chan error
}

type responseWriter struct {
	mu      sync.Mutex
	ch      chan pendingResponse
	running bool
}

// addPublicResponse hands r to the writer and waits for its outcome.
func (s *Server) addPublicResponse(ctx context.Context, r *aldyn.SurveyResponse) error {
	w := &s.responses
	w.mu.Lock()
	if w.ch == nil {
		w.ch = make(chan pendingResponse, 4*maxResponseBatch)
	}
	if !w.running {
		w.running = true
		go s.writeResponses()
	}
	// Sent under the lock, so that the writer cannot stop for idleness
	// between our seeing it run and the response reaching it.
	p := pendingResponse{r: r, done: make(chan error, 1)}
	select {
	case w.ch <- p:
		w.mu.Unlock()
	case <-ctx.Done():
		w.mu.Unlock()
		return ctx.Err()
	}
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writeResponses gathers what arrives within a moment of the first
// response and stores it; it stops after a while without responses.
func (s *Server) writeResponses() {
	w := &s.responses
	for {
		var first pendingResponse
		select {
		case first = <-w.ch:
		case <-time.After(writerIdle):
			w.mu.Lock()
			if len(w.ch) == 0 {
				w.running = false
				w.mu.Unlock()
				return
			}
			w.mu.Unlock()
			continue
		}
		batch := []pendingResponse{first}
		deadline := time.After(responseBatchWait)
	gather:
		for len(batch) < maxResponseBatch {
			select {
			case p := <-w.ch:
				batch = append(batch, p)
			case <-deadline:
				break gather
			}
		}
		rs := make([]*aldyn.SurveyResponse, len(batch))
		for i, p := range batch {
			rs[i] = p.r
		}
		errs, err := s.db.AddPublicResponses(context.Background(), rs)
		for i, p := range batch {
			if err != nil {
				p.done <- err
			} else {
				p.done <- errs[i]
			}
		}
	}
}

// formCache keeps the surveys whose public form was just asked for, for a
// second: a crowd submitting at once reads the definition once. A change
// of status or questions reaches the form within that second (the writer
// checks the status again when it stores).
type formCache struct {
	m sync.Map // slug → cachedForm
}

type cachedForm struct {
	sv *aldyn.Survey
	at time.Time
}

const formCacheFor = time.Second

func (c *formCache) get(slug string, now time.Time) *aldyn.Survey {
	if v, ok := c.m.Load(slug); ok {
		if f := v.(cachedForm); now.Sub(f.at) < formCacheFor {
			return f.sv
		}
	}
	return nil
}

func (c *formCache) put(slug string, sv *aldyn.Survey, now time.Time) {
	c.m.Store(slug, cachedForm{sv, now})
}
