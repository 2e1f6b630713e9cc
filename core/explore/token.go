package explore

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/machine"
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

// fingerprint hashes the text that fmt would print for the program's
// parts (the format tokens have carried since version 1: "%d|" for the
// thread count, "%s:%d;" per object, "|%v|%v|%v|%v|%v|" for the initial
// memory, constants, addresses, configuration and pure helpers, "%s%v%v%v|"
// per function, "%d/%d/%d/%v%v%v;" per template), written out by hand:
// through fmt's reflection it cost 0.8 ms a program natively and 6-16 ms
// in the browser, more than compiling the program. TestFingerprintFormat
// (core/sim) holds it to fmt's text on every program of the corpus.
func fingerprint(prog *compile.Program) uint32 {
	var b []byte
	b = strconv.AppendInt(b, int64(len(prog.Threads)), 10)
	b = append(b, '|')
	for _, o := range prog.Layout.Objects {
		b = append(b, o.Name...)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(o.Size), 10)
		b = append(b, ';')
	}
	b = append(b, '|')
	b = appendValues(b, prog.InitMem)
	b = append(b, '|')
	b = appendValues(b, prog.Consts)
	b = append(b, '|')
	b = appendValues(b, prog.Addrs)
	b = append(b, "|{"...)
	b = strconv.AppendBool(b, prog.Layout.Config.SplitPTE)
	b = append(b, ' ')
	b = strconv.AppendBool(b, prog.Layout.Config.SplitPMD)
	b = append(b, "}|["...)
	for i, n := range prog.PureNames {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, n...)
	}
	b = append(b, "]|"...)
	for _, f := range prog.Funcs {
		b = append(b, f.Name...)
		b = append(b, '[')
		for i, in := range f.Code {
			if i > 0 {
				b = append(b, ' ')
			}
			b = append(b, '{')
			b = append(b, in.Op.String()...)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(in.A), 10)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(in.B), 10)
			b = append(b, '}')
		}
		b = append(b, "]["...)
		for i, si := range f.Init {
			if i > 0 {
				b = append(b, ' ')
			}
			b = append(b, '{')
			b = strconv.AppendInt(b, int64(si.Slot), 10)
			b = append(b, ' ')
			b = append(b, si.Val.String()...)
			b = append(b, '}')
		}
		b = append(b, ']')
		b = strconv.AppendInt(b, int64(f.NLocals), 10)
		b = append(b, '|')
	}
	for _, t := range prog.Tmpls {
		b = strconv.AppendInt(b, int64(t.Op.Kind), 10)
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(t.Op.RMW), 10)
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(t.Op.Ret), 10)
		b = append(b, '/')
		b = strconv.AppendBool(b, t.HasAddr)
		b = strconv.AppendInt(b, int64(t.NArgs), 10)
		b = strconv.AppendBool(b, t.Result)
		b = append(b, ';')
	}
	h := fnv.New32a()
	h.Write(b)
	return h.Sum32()
}

// appendValues appends vs as fmt's %v prints a slice of values.
func appendValues(b []byte, vs []machine.Value) []byte {
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, v.String()...)
	}
	return append(b, ']')
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
