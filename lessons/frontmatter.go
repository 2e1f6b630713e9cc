package lessons

import (
	"fmt"
	"strconv"
	"strings"
)

// Source is one kernel document or source file a lesson draws on.
type Source struct {
	Title string
	URL   string
}

// frontMatter is the header of a lesson file, between two "---" lines:
//
//	---
//	title: Mapping a PTE table
//	order: 2
//	sources:
//	  - title: Split page table lock
//	    url: https://docs.kernel.org/mm/split_page_table_lock.html
//	---
//
// A small fixed subset of YAML: these three keys, one value per line,
// optionally double-quoted.
type frontMatter struct {
	Title   string
	Order   int
	Sources []Source
}

// splitFrontMatter parses the front matter of src and returns it with
// the body and the number of lines the front matter took (so that body
// line n is file line n+skip). Errors are "file:line: message".
func splitFrontMatter(file, src string) (fm frontMatter, body string, skip int, err error) {
	lines := strings.SplitAfter(src, "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return fm, "", 0, fmt.Errorf("%s:1: a lesson starts with front matter (a line \"---\", title:, order:, sources:, then \"---\")", file)
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "---" {
			end = i
			break
		}
	}
	if end < 0 {
		return fm, "", 0, fmt.Errorf("%s:1: front matter has no closing \"---\"", file)
	}
	if err := fm.parse(file, lines[1:end]); err != nil {
		return fm, "", 0, err
	}
	return fm, strings.Join(lines[end+1:], ""), end + 1, nil
}

// parse reads the lines between the two "---" (file line i+2 is lines[i]).
func (fm *frontMatter) parse(file string, lines []string) error {
	seen := map[string]bool{}
	inSources := false
	for i, raw := range lines {
		line := strings.TrimRight(raw, "\r\n")
		errf := func(format string, a ...any) error {
			return fmt.Errorf("%s:%d: %s", file, i+2, fmt.Sprintf(format, a...))
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		indented := line[0] == ' ' || line[0] == '\t'
		key, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			return errf("want \"key: value\", got %q", line)
		}
		val = unquote(strings.TrimSpace(val))
		if indented {
			if !inSources {
				return errf("unexpected indented line %q", line)
			}
			if err := fm.sourceField(key, val); err != nil {
				return errf("%v", err)
			}
			continue
		}
		inSources = false
		if seen[key] {
			return errf("duplicate key %q", key)
		}
		seen[key] = true
		switch key {
		case "title":
			fm.Title = val
		case "order":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return errf("order must be a positive integer, got %q", val)
			}
			fm.Order = n
		case "sources":
			if val != "" {
				return errf("sources: takes a list on the following lines (\"  - title: ...\" and \"    url: ...\")")
			}
			inSources = true
		default:
			return errf("unknown key %q (want title, order, sources)", key)
		}
	}
	switch {
	case fm.Title == "":
		return fmt.Errorf("%s: front matter has no title", file)
	case fm.Order == 0:
		return fmt.Errorf("%s: front matter has no order", file)
	case len(fm.Sources) == 0:
		return fmt.Errorf("%s: front matter lists no sources", file)
	}
	for _, s := range fm.Sources {
		if s.Title == "" || s.URL == "" {
			return fmt.Errorf("%s: every source needs a title and a url (got %+v)", file, s)
		}
	}
	return nil
}

// sourceField handles "- title: x", "title: x" and "url: y" inside sources.
func (fm *frontMatter) sourceField(key, val string) error {
	if k, ok := strings.CutPrefix(key, "- "); ok {
		fm.Sources = append(fm.Sources, Source{})
		key = strings.TrimSpace(k)
	}
	if len(fm.Sources) == 0 {
		return fmt.Errorf("a source starts with \"- \"")
	}
	s := &fm.Sources[len(fm.Sources)-1]
	switch key {
	case "title":
		s.Title = val
	case "url":
		s.URL = val
	default:
		return fmt.Errorf("unknown source key %q (want title, url)", key)
	}
	return nil
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
	}
	return s
}
