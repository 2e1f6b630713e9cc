package share

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"strings"
	"testing"
)

const sb = "C SB\n\n{}\n\nP0(int *x, int *y)\n{\n\tint r0;\n\tWRITE_ONCE(*x, 1);\n\tr0 = READ_ONCE(*y);\n}\n\nexists (0:r0=0)\n"

func TestRoundTrip(t *testing.T) {
	for _, st := range []State{
		{Script: sb},
		{Script: sb, Token: "ptl1.AfgGLwsAAQEB"},
		{Script: ""},
		{Script: "<img src=x onerror=alert(1)> <script>alert(2)</script> ünïcödé\x00\t"},
		{Script: strings.Repeat("spin_lock(l);\n", 5000)},
	} {
		frag := Encode(st)
		if strings.ContainsAny(frag, "#?&=+/ ") {
			t.Errorf("fragment %.40q… has characters that are not URL-safe", frag)
		}
		for _, f := range []string{frag, "#" + frag} {
			got, ok, err := Decode(f)
			if err != nil || !ok {
				t.Fatalf("Decode(Encode(%.30q)) = ok %v, err %v", st.Script, ok, err)
			}
			if got != st {
				t.Errorf("round trip changed the state: got %.40q/%q, want %.40q/%q", got.Script, got.Token, st.Script, st.Token)
			}
		}
	}
}

func TestDeterministicAndCompact(t *testing.T) {
	a, b := Encode(State{Script: sb, Token: "ptl1.AQ"}), Encode(State{Script: sb, Token: "ptl1.AQ"})
	if a != b {
		t.Errorf("two encodings of one state differ:\n%s\n%s", a, b)
	}
	long := strings.Repeat(sb, 20)
	if f := Encode(State{Script: long}); len(f) > len(long)/4 {
		t.Errorf("a repetitive %d-byte script encodes to %d bytes; compression is not working", len(long), len(f))
	}
}

func TestEmpty(t *testing.T) {
	for _, f := range []string{"", "#"} {
		if _, ok, err := Decode(f); ok || err != nil {
			t.Errorf("Decode(%q) = ok %v, err %v; want no state and no error", f, ok, err)
		}
	}
}

// deflate compresses b the way Encode does, for hand-made payloads.
func deflate(b []byte) string {
	var buf bytes.Buffer
	zw, _ := flate.NewWriter(&buf, flate.BestCompression)
	zw.Write(b)
	zw.Close()
	return base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

func TestMalformed(t *testing.T) {
	good := Encode(State{Script: sb, Token: "ptl1.AfgGLwsAAQEB"})
	for _, tc := range []struct{ frag, want string }{
		{"hello", "does not start with a version"},
		{"<script>alert(1)</script>", "does not start with a version"},
		{"v9.AAAA", "format v9, but this ptlab reads only v1"},
		{"x1.AAAA", "does not start with a version"},
		{"v1.!!!!", "not valid base64url"},
		{"v1." + good[3:len(good)/2], "corrupt"},                 // cut in half
		{"v1.AAAA", "corrupt"},                                   // not deflate
		{"v1." + deflate([]byte(`["a"]`)), "not a ptlab script"}, // wrong JSON shape
		{"v1." + deflate([]byte(`{"s":"a","x":1}`)), "not a ptlab script"},
		{"v1." + deflate([]byte(`{"s":"a"} {}`)), "not a ptlab script"},
		{"v1." + deflate([]byte(`{"s":"a","t":"<img src=x>"}`)), "replay token"},
		{"v1." + deflate(bytes.Repeat([]byte(" "), MaxScript+2048)), "more than"},
	} {
		_, ok, err := Decode(tc.frag)
		if !ok || err == nil {
			t.Errorf("Decode(%.30q) = ok %v, err %v; want an error", tc.frag, ok, err)
			continue
		}
		if !IsLinkError(err) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "this share link is broken: ") {
			t.Errorf("Decode(%.30q): error %q, want a link error mentioning %q", tc.frag, err, tc.want)
		}
	}
}

// TestCorruption flips every byte of a valid fragment's payload in turn:
// each result either decodes (to something) or fails with a link error,
// never panics.
func TestCorruption(t *testing.T) {
	frag := Encode(State{Script: sb, Token: "ptl1.AfgGLwsAAQEB"})
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := 3; i < len(frag); i++ {
		b := []byte(frag)
		b[i] = alphabet[(strings.IndexByte(alphabet, b[i])+17)%len(alphabet)]
		if _, _, err := Decode(string(b)); err != nil && !IsLinkError(err) {
			t.Errorf("corrupting byte %d: unexpected error type %T: %v", i, err, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode(State{Script: sb}))
	f.Add(Encode(State{Script: sb, Token: "ptl1.AQ"}))
	f.Add("v1.")
	f.Add("v2.abc")
	f.Fuzz(func(t *testing.T, frag string) {
		st, ok, err := Decode(frag)
		if err != nil {
			if !IsLinkError(err) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if !ok {
			return
		}
		// Whatever decodes re-encodes to a link that decodes the same.
		again, _, err := Decode(Encode(st))
		if err != nil || again != st {
			t.Fatalf("re-encoding %q: %v / %+v", frag, err, again)
		}
	})
}
