package report

// Trace is one execution, step by step: what the playground draws as
// swimlanes and what the world view shows at each step. It is plain data.
type Trace struct {
	Threads  []string  `json:"threads"`  // column titles: "P0", "P1", ..., and "RCU" when the script queues RCU callbacks
	Steps    []Step    `json:"steps"`    //
	Findings []Finding `json:"findings"` // what this execution reported
	End      string    `json:"end"`      // "complete", "deadlock", "crash", "step bound", ...
	Token    string    `json:"token"`    //
	Initial  World     `json:"initial"`  // the world before the first step
}

// Step is one visible operation of a trace.
type Step struct {
	Thread int     `json:"thread"`
	Op     string  `json:"op"`     // the primitive as written: "spin_lock", "READ_ONCE", ...
	Line   int     `json:"line"`   // script position; for a step inside a prelude call, the call site
	Col    int     `json:"col"`    //
	Text   string  `json:"text"`   // e.g. "spin_lock(ptlock(pte0))", "READ_ONCE(x) = 1"
	Stack  []Frame `json:"stack"`  // outermost first: Stack[0] is the thread body; more frames mean inside calls
	Span   string  `json:"span"`   // "acquire"/"release" (locks, rwsems), "rcu-enter"/"rcu-exit", "irq-off"/"irq-on", or ""
	Lock   string  `json:"lock"`   // the lock or section Span refers to
	Failed bool    `json:"failed"` // a failed trylock or cmpxchg: it only read
	World  World   `json:"world"`  // the world after this step
}

// Frame is one call-stack frame of a step.
type Frame struct {
	Func    string `json:"func"`
	Line    int    `json:"line"` // in the script, or in the prelude when Prelude
	Col     int    `json:"col"`
	Prelude bool   `json:"prelude"`
	Call    int    `json:"call"` // the call's number within its thread (0: the thread body): two calls from one site differ
}

// World is the page-table world at one point of a trace.
type World struct {
	PMDs      []PMDEntry `json:"pmds"`      // every declared or non-none PMD entry
	Tables    []Table    `json:"tables"`    // every allocated PTE table
	Locks     []Lock     `json:"locks"`     // locks and rwsems held
	RCU       []int      `json:"rcu"`       // threads inside an RCU read-side section
	IRQOff    []int      `json:"irq_off"`   // threads running with interrupts disabled
	Callbacks int        `json:"callbacks"` // RCU callbacks queued
}

// PMDEntry is one PMD entry.
type PMDEntry struct {
	Name  string `json:"name"`
	State string `json:"state"` // "none", "table", "huge", "nonpresent", "bad"
	Table string `json:"table"` // the PTE table it points to, when State is "table"
}

// Table is one PTE table.
type Table struct {
	Name      string   `json:"name"`
	State     string   `json:"state"`      // "attached", "detached", "free-pending", "freed"
	PTEs      []string `json:"ptes"`       // non-none entries, e.g. "[3] = 7"
	LockOwner int      `json:"lock_owner"` // thread holding its split lock, -1 if free
}

// Lock is one held lock or rwsem.
type Lock struct {
	Name    string `json:"name"`
	Owner   int    `json:"owner"`   // exclusive holder, -1 if held only by readers
	Readers []int  `json:"readers"` // threads holding it for read
}
