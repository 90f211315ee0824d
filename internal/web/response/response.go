// Package response is the one path by which handlers answer: JSON bodies,
// JSON errors and the mapping from model error codes to HTTP statuses. Every
// 5xx is logged here once, with the request it failed.
package response

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/quire/quire/internal/model"
)

// Status maps an error to its HTTP status.
func Status(err error) int {
	switch model.ErrorCode(err) {
	case model.EINVALID:
		return http.StatusBadRequest
	case model.ENOTFOUND:
		return http.StatusNotFound
	case model.ECONFLICT:
		return http.StatusConflict
	case model.EUNAUTH:
		return http.StatusUnauthorized
	case model.EFORBIDDEN:
		return http.StatusForbidden
	case model.ELIMIT:
		return http.StatusTooManyRequests
	case model.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

type unavailableKey struct{}

// WithUnavailable returns ctx carrying the store's test for errors that
// mean the database cannot take requests for now (down, restarting, out of
// connections). Only the store knows its driver's errors; the server puts
// the test on every request.
func WithUnavailable(ctx context.Context, f func(error) bool) context.Context {
	return context.WithValue(ctx, unavailableKey{}, f)
}

// errUnavailable is what a user is told when the database is away.
var errUnavailable = model.Errorf(model.EUNAVAILABLE, "the database cannot be reached; try again in a few seconds")

// Classify marks an internal error whose cause the request's store calls
// passing as EUNAVAILABLE, keeping the cause for the log: it is answered
// 503 with Retry-After and a message, not 500.
func Classify(r *http.Request, err error) error {
	if err == nil || model.ErrorCode(err) != model.EINTERNAL {
		return err
	}
	if f, ok := r.Context().Value(unavailableKey{}).(func(error) bool); ok && f(err) {
		return errors.Join(errUnavailable, err)
	}
	return err
}

// RetryAfterUnavailable is how long a client should wait after a 503.
const RetryAfterUnavailable = "5"

// Fail is the start of every error answer: it logs err when it maps to a
// 5xx, tells the client when to retry a 503 (a busy database), and returns
// the status to answer with.
func Fail(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) int {
	status := Status(Classify(r, err))
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", RetryAfterUnavailable)
	}
	if status >= 500 {
		log.Error("request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Any("error", err))
	}
	return status
}

// JSON writes v as a JSON body with the given status. It encodes into a
// buffer first, so an encoding error still yields a clean 500.
func JSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":"internal error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// JSONError writes {"error": message} with the status of err, in the shape
// Hugging Face's API uses.
func JSONError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	err = Classify(r, err)
	JSON(w, Fail(w, r, log, err), map[string]string{"error": model.ErrorMessage(err)})
}

// Bytes writes a ready body with its content type.
func Bytes(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// NotModified answers 304 and reports true when the request's validators
// say the client's copy is current (RFC 9110 §13.2.2): If-None-Match
// against the ETag already set on w; else If-Modified-Since against the
// Last-Modified set on w, to the second. With If-None-Match and no ETag yet
// it cannot tell, and reports false.
func NotModified(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	h := w.Header()
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		etag := h.Get("ETag")
		if etag == "" || !etagMatch(inm, etag) {
			return false
		}
	} else {
		ims, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
		lm, err2 := http.ParseTime(h.Get("Last-Modified"))
		if err != nil || err2 != nil || lm.After(ims) {
			return false
		}
	}
	delete(h, "Content-Type")
	delete(h, "Content-Length")
	w.WriteHeader(http.StatusNotModified)
	return true
}

// etagMatch is the weak comparison of If-None-Match's list with etag. A
// tag the compressor suffixed with its coding ("…-gzip") names the same
// content.
func etagMatch(list, etag string) bool {
	etag = strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		for _, coding := range []string{`-gzip"`, `-zstd"`} {
			if base, ok := strings.CutSuffix(t, coding); ok {
				t = base + `"`
			}
		}
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
