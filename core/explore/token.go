package explore

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/ptlab/ptlab/core/compile"
)

// TokenVersion is the current replay-token format. Tokens of older
// versions keep decoding as long as the format is listed in decode.
const TokenVersion = 1

// tokenPrefix starts every token, so a pasted string is recognisable.
const tokenPrefix = "ptl1."

// Fingerprint identifies a program's behaviour: its layout, initial
// memory and code, not its comments or formatting. A token records it so
// that replaying against an edited script says so instead of silently
// running a different execution.
func Fingerprint(prog *compile.Program) uint32 {
	return prog.Fingerprint(fingerprint)
}

func fingerprint(prog *compile.Program) uint32 {
	h := fnv.New32a()
	fmt.Fprintf(h, "%d|", len(prog.Threads))
	for _, o := range prog.Layout.Objects {
		fmt.Fprintf(h, "%s:%d;", o.Name, o.Size)
	}
	fmt.Fprintf(h, "|%v|%v|%v|%v|%v|", prog.InitMem, prog.Consts, prog.Addrs, prog.Layout.Config, prog.PureNames)
	for _, f := range prog.Funcs {
		fmt.Fprintf(h, "%s%v%v%v|", f.Name, f.Code, f.Init, f.NLocals)
	}
	for _, t := range prog.Tmpls {
		fmt.Fprintf(h, "%d/%d/%d/%v%v%v;", t.Op.Kind, t.Op.RMW, t.Op.Ret, t.HasAddr, t.NArgs, t.Result)
	}
	return h.Sum32()
}

// EncodeToken encodes a schedule (the thread chosen at each step) as a
// short printable token: version, fingerprint, then the schedule as
// run-length (thread, count) varint pairs, in base64url.
func EncodeToken(fp uint32, sched []uint8) string {
	buf := []byte{TokenVersion}
	buf = binary.BigEndian.AppendUint32(buf, fp)
	for i := 0; i < len(sched); {
		j := i
		for j < len(sched) && sched[j] == sched[i] {
			j++
		}
		buf = binary.AppendUvarint(buf, uint64(sched[i]))
		buf = binary.AppendUvarint(buf, uint64(j-i))
		i = j
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(buf)
}

// maxTokenSteps bounds a decoded schedule, so a hostile token cannot ask
// for an absurd allocation.
const maxTokenSteps = 1 << 20

// DecodeToken decodes a token made by EncodeToken. It checks the
// version and, if fp is not zero, that the token was made for a program
// with that fingerprint.
func DecodeToken(tok string, fp uint32) ([]uint8, error) {
	tok = strings.TrimSpace(tok)
	if !strings.HasPrefix(tok, "ptl") {
		return nil, errors.New("malformed replay token: it should start with \"ptl1.\"")
	}
	if !strings.HasPrefix(tok, tokenPrefix) {
		return nil, fmt.Errorf("replay token %.8q... was made by a newer ptlab (this one reads version %d)", tok, TokenVersion)
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok[len(tokenPrefix):])
	if err != nil {
		return nil, fmt.Errorf("malformed replay token: %v", err)
	}
	if len(raw) < 5 || raw[0] != TokenVersion {
		return nil, errors.New("malformed replay token: bad header")
	}
	if got := binary.BigEndian.Uint32(raw[1:5]); fp != 0 && got != fp {
		return nil, fmt.Errorf("replay token was made for a different script (fingerprint %08x, this script is %08x): re-run the test to get a fresh token", got, fp)
	}
	var sched []uint8
	for rest := raw[5:]; len(rest) > 0; {
		t, n := binary.Uvarint(rest)
		if n <= 0 {
			return nil, errors.New("malformed replay token: truncated schedule")
		}
		rest = rest[n:]
		c, m := binary.Uvarint(rest)
		if m <= 0 || c == 0 {
			return nil, errors.New("malformed replay token: truncated schedule")
		}
		rest = rest[m:]
		if t > 63 || uint64(len(sched))+c > maxTokenSteps {
			return nil, errors.New("malformed replay token: schedule out of range")
		}
		for ; c > 0; c-- {
			sched = append(sched, uint8(t))
		}
	}
	return sched, nil
}
