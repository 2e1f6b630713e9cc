package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/ptlab/ptlab"

// A layer is one core package (its path below core/) and the core
// packages it may import.
type layer struct {
	pkg     string
	allowed []string
}

// layers lists every package under core/ (by its path below core/) with
// the core packages it may import. "*" allows every core package. The
// table is the design's one direction of imports: extend it when you add
// a package, and keep it acyclic.
var layers = []layer{
	{"source", nil},
	{"scratch", nil},
	{"syntax", []string{"source"}},
	{"kernel", []string{"syntax", "source"}},
	{"machine", []string{"source", "scratch"}},
	{"compile", []string{"syntax", "machine", "source"}},
	{"vm", []string{"compile", "machine", "source"}},
	{"explore", []string{"vm", "compile", "machine", "source", "scratch"}},
	{"report", []string{"source"}},
	{"sim", []string{"*"}},
}

// forbidden lists packages (with everything below them) that no core
// package may depend on, even indirectly: the engine must build and test
// natively, without a browser, and must not reach up into its users.
var forbidden = []string{
	"syscall/js",
	"honnef.co/go/js",
	"github.com/hack-pad",
	module + "/cmd",
	module + "/wasm",
	module + "/e2e",
}

// listedPackage is the part of `go list -json` output the test reads.
type listedPackage struct {
	ImportPath   string
	Standard     bool
	Imports      []string
	TestImports  []string
	XTestImports []string
	Error        *struct{ Err string }
}

// listCore runs `go list -deps -e -json ./core/...` with the given extra
// environment and returns every listed package by import path.
func listCore(t *testing.T, env ...string) map[string]*listedPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-e", "-json", "./...")
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", env, err, stderr.Bytes())
	}
	pkgs := make(map[string]*listedPackage)
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		p := new(listedPackage)
		if err := dec.Decode(p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// TestLayering checks the import rules of core/: no browser-only
// dependency anywhere, and imports among core packages only along the
// table above. It checks the native build and the js/wasm build, so a file
// behind a js build tag cannot sneak past.
func TestLayering(t *testing.T) {
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("needs the go command")
	}
	for _, env := range [][]string{nil, {"GOOS=js", "GOARCH=wasm"}} {
		name := "native"
		if env != nil {
			name = "js-wasm"
		}
		t.Run(name, func(t *testing.T) {
			pkgs := listCore(t, env...)
			paths := slices.Sorted(maps.Keys(pkgs))
			for _, path := range paths {
				if strings.HasPrefix(path, module+"/core/") {
					checkPackage(t, pkgs, pkgs[path])
				}
			}
		})
	}
}

// checkPackage checks one core package p against forbidden and layers.
func checkPackage(t *testing.T, pkgs map[string]*listedPackage, p *listedPackage) {
	rel := strings.TrimPrefix(p.ImportPath, module+"/core/")
	if p.Error != nil && !strings.Contains(p.Error.Err, "build constraints exclude all Go files") {
		t.Errorf("core/%s: %s", rel, p.Error.Err)
	}
	if chain := forbiddenChain(pkgs, p.ImportPath, p.Imports); chain != nil {
		for i := range chain {
			chain[i] = strings.TrimPrefix(chain[i], module+"/")
		}
		t.Errorf("core/%s depends on %s (via %s): core must stay pure Go; browser code belongs in wasm/, tools in cmd/",
			rel, chain[len(chain)-1], strings.Join(chain, " -> "))
	}
	for _, imp := range slices.Concat(p.TestImports, p.XTestImports) {
		if isForbidden(imp) {
			t.Errorf("tests of core/%s import %s: core must test natively, without a browser", rel, imp)
		}
	}

	i := slices.IndexFunc(layers, func(l layer) bool { return l.pkg == rel })
	if i < 0 {
		t.Errorf("core/%s is not in the layering table: add it, with the core packages it may import, to layers in core/layering_test.go", rel)
		return
	}
	allowed := layers[i].allowed
	for _, imp := range p.Imports {
		dep, ok := strings.CutPrefix(imp, module+"/core/")
		if !ok || slices.Contains(allowed, "*") || slices.Contains(allowed, dep) {
			continue
		}
		t.Errorf("forbidden import edge core/%s -> core/%s: core/%s may import only %s (see layers in core/layering_test.go)",
			rel, dep, rel, describe(allowed))
	}
}

// isForbidden reports whether path is, or is below, a forbidden entry.
func isForbidden(path string) bool {
	for _, bad := range forbidden {
		if path == bad || strings.HasPrefix(path, bad+"/") {
			return true
		}
	}
	return false
}

// forbiddenChain searches the imports of from (depth first, in sorted
// order, not descending into the standard library, whose js/wasm build
// legitimately uses syscall/js) for a forbidden package, and returns the
// import chain from from to it, or nil.
func forbiddenChain(pkgs map[string]*listedPackage, from string, imports []string) []string {
	seen := map[string]bool{}
	var walk func(path string, imports []string) []string
	walk = func(path string, imports []string) []string {
		for _, imp := range slices.Sorted(slices.Values(imports)) {
			if isForbidden(imp) {
				return []string{path, imp}
			}
			dep := pkgs[imp]
			if seen[imp] || dep == nil || dep.Standard {
				continue
			}
			seen[imp] = true
			if rest := walk(imp, dep.Imports); rest != nil {
				return append([]string{path}, rest...)
			}
		}
		return nil
	}
	return walk(from, imports)
}

// describe lists the allowed imports of a layer for a message.
func describe(allowed []string) string {
	if len(allowed) == 0 {
		return "no core package"
	}
	return "core/" + strings.Join(allowed, ", core/")
}
