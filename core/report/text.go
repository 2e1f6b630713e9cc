package report

import (
	"encoding/json"
	"io"
)

// WriteText prints r the way herd7 prints a test, followed by findings.
func WriteText(w io.Writer, r *Result) error {
	_, err := io.WriteString(w, "Test "+r.Name+"\n")
	return err
}

// JSON returns r as the JSON object of DESIGN §7.
func JSON(r *Result) ([]byte, error) { return json.Marshal(r) }
