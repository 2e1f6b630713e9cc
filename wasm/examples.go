//go:build js && wasm

package main

import (
	"strconv"

	"github.com/ptlab/ptlab/wasm/internal/protocol"
)

// wireExamples fills the Examples menu (the scenario pairs and a
// selection of LKMM litmus tests, each loadable with one click) from the
// worker, which embeds them: keeping them out of the page program keeps
// it small.
func (p *page) wireExamples() {
	sel := byID("examples")
	if sel == nil {
		return
	}
	var all []protocol.Example
	sel.AddEventListener("change", false, func(*event) {
		i, err := strconv.Atoi(value(sel))
		setValue(sel, "")
		if err != nil || i < 0 || i >= len(all) {
			return
		}
		ex := all[i]
		go func() {
			p.manual.leave("")
			if p.exps != nil {
				p.exps.setOpen(nil)
			}
			p.replaceText(ex.Source, "Loaded example "+ex.Name+": "+ex.Note+".")
			setData(body(), "example", ex.Name)
		}()
	})
	p.eng.send(protocol.Request{Type: protocol.ListExamples}, func(r protocol.Response) {
		if r.Type != protocol.Examples {
			p.showMessage("The examples are unavailable: "+r.Message, "", nil)
			return
		}
		all = r.Examples
		groups := map[string]*elem{}
		for i, ex := range all {
			og, ok := groups[ex.Group]
			if !ok {
				og = mk("optgroup", "", "")
				og.SetAttribute("label", ex.Group)
				groups[ex.Group] = og
				sel.AppendChild(og)
			}
			o := mk("option", "", ex.Name)
			o.SetAttribute("value", strconv.Itoa(i))
			o.SetTitle(ex.Note)
			og.AppendChild(o)
		}
		setDisabled(sel, false)
	})
}
