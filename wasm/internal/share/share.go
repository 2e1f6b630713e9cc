// Package share encodes the playground's state (a script and optionally a
// replay token) into a URL fragment and decodes it back. It is pure Go, so
// its tests run natively; the page and the embed page call it from wasm.
//
// A fragment is "v1." followed by the base64url (no padding) of the raw
// DEFLATE compression of a small JSON object {"s": script, "t": token}.
// Encoding is deterministic: the same state always gives the same link.
package share

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Version is the prefix of fragments this package writes.
const Version = "v1"

// MaxScript bounds the decompressed size of a shared state, so a crafted
// link cannot make the page inflate gigabytes.
const MaxScript = 1 << 20

// State is what a share link carries.
type State struct {
	Script string `json:"s"`
	Token  string `json:"t,omitempty"` // a replay token to open, or ""
}

// Encode returns the fragment (without the leading '#') for st.
func Encode(st State) string {
	j, err := json.Marshal(st)
	if err != nil {
		panic(err) // a struct of two strings always marshals
	}
	var buf bytes.Buffer
	zw, _ := flate.NewWriter(&buf, flate.BestCompression)
	zw.Write(j)
	zw.Close()
	return Version + "." + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

// Error is a share link that cannot be opened. Its message is meant for
// the user and says what is wrong with the link.
type Error struct{ Reason string }

func (e *Error) Error() string { return "this share link is broken: " + e.Reason }

func fail(format string, args ...any) error { return &Error{Reason: fmt.Sprintf(format, args...)} }

// Decode parses a fragment written by Encode. A leading '#' is allowed.
// ok is false when the fragment is empty (no shared state); otherwise a
// non-nil error says why the link cannot be opened.
func Decode(fragment string) (st State, ok bool, err error) {
	fragment = strings.TrimPrefix(fragment, "#")
	if fragment == "" {
		return State{}, false, nil
	}
	ver, payload, found := strings.Cut(fragment, ".")
	if !found {
		return State{}, true, fail("it does not start with a version such as %q", Version+".")
	}
	if ver != Version {
		if len(ver) > 1 && ver[0] == 'v' && strings.Trim(ver[1:], "0123456789") == "" {
			return State{}, true, fail("it has format %s, but this ptlab reads only %s (was it made by a newer version?)", clip(ver), Version)
		}
		return State{}, true, fail("it does not start with a version such as %q", Version+".")
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return State{}, true, fail("its data is not valid base64url (was the link cut or altered?)")
	}
	zr := flate.NewReader(bytes.NewReader(raw))
	defer zr.Close()
	j, err := io.ReadAll(io.LimitReader(zr, MaxScript+1024))
	if err != nil {
		return State{}, true, fail("its compressed data is corrupt (was the link cut or altered?)")
	}
	if len(j) > MaxScript+1023 {
		return State{}, true, fail("it holds more than %d bytes", MaxScript)
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return State{}, true, fail("its contents are not a ptlab script")
	}
	if dec.More() {
		return State{}, true, fail("its contents are not a ptlab script")
	}
	if len(st.Script) > MaxScript {
		return State{}, true, fail("its script is longer than %d bytes", MaxScript)
	}
	if st.Token != "" && !validToken(st.Token) {
		return State{}, true, fail("its replay token %q is malformed", clip(st.Token))
	}
	return st, true, nil
}

// validToken checks the shape of a replay token ("ptl" + digits + "." +
// base64url); the engine checks the rest when it replays it.
func validToken(t string) bool {
	pre, data, ok := strings.Cut(t, ".")
	if !ok || len(t) > 4096 || !strings.HasPrefix(pre, "ptl") || len(pre) == 3 ||
		strings.Trim(pre[3:], "0123456789") != "" || data == "" {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(data)
	return err == nil
}

// clip shortens s for an error message.
func clip(s string) string {
	if utf8.RuneCountInString(s) > 24 {
		return string([]rune(s)[:24]) + "…"
	}
	return s
}

// IsLinkError reports whether err is a broken-link error from Decode.
func IsLinkError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
