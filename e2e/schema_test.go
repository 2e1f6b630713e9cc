package e2e

import (
	"os"
	"regexp"
	"testing"
)

// web/boot.js opens the playground's IndexedDB database before the page
// program runs, so it repeats wasm/store.go's schema: the database name
// and version, the object stores and the keys it reads. They must agree.
// (Should they not, store.go opens the database itself, but each load
// would pay for two opens.) No browser needed.
func TestBootSchemaMatchesStore(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	boot, store := read("../web/boot.js"), read("../wasm/store.go")
	constant := func(name string) string {
		m := regexp.MustCompile(`(?m)^\s*` + name + `\s*=\s*"?([^"\s]+)"?`).FindStringSubmatch(store)
		if m == nil {
			t.Fatalf("wasm/store.go: no constant %s", name)
		}
		return m[1]
	}
	m := regexp.MustCompile(`indexedDB\.open\("([^"]+)", (\d+)\)`).FindStringSubmatch(boot)
	if m == nil {
		t.Fatal("web/boot.js: no indexedDB.open(name, version) call")
	}
	if m[1] != constant("dbName") || m[2] != constant("dbVersion") {
		t.Errorf("boot.js opens %q version %s; store.go's dbName %q, dbVersion %s", m[1], m[2], constant("dbName"), constant("dbVersion"))
	}
	for _, want := range []string{
		`["` + constant("draftsStore") + `", "` + constant("expStore") + `", "` + constant("progressStore") + `"]`,
		`objectStore("` + constant("draftsStore") + `").get("` + constant("draftKey") + `")`,
		`objectStore("` + constant("progressStore") + `").get("` + constant("positionKey") + `")`,
	} {
		if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(boot) {
			t.Errorf("web/boot.js does not have %s (from wasm/store.go's constants)", want)
		}
	}
}
