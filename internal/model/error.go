// Package model holds quire's domain types and the error vocabulary shared by
// every layer. It imports nothing from storage or HTTP.
package model

import (
	"errors"
	"fmt"
)

// Error codes. Callers switch on these, never on message text, so that the
// store, the core and the HTTP layer agree on what went wrong.
const (
	EINVALID   = "invalid"      // the caller sent something malformed
	ENOTFOUND  = "not_found"    // the thing asked for does not exist
	ECONFLICT  = "conflict"     // the change clashes with existing state
	EUNAUTH    = "unauthorized" // the caller must log in
	EFORBIDDEN = "forbidden"    // the caller may not do this
	ELIMIT     = "rate_limited" // too many requests; try later
	// EUNAVAILABLE: the database is busy, full, read-only or unreachable
	// for now; the same request can succeed later (503 with Retry-After).
	EUNAVAILABLE = "unavailable"
	EINTERNAL    = "internal" // anything else; details are logged, not shown
)

// Error is an application error with a code and a message that is safe to show
// to a user. Wrapped errors that are not *Error are internal by definition.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err: the *Error's message, or
// "internal error" so that internal details never reach a user.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
