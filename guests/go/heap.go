package guest

import (
	"runtime"
	"runtime/metrics"
)

// Go's collector is tuned for programs, not for the many small instances a host keeps: it lets
// the heap reach 4 MiB before its first collection, so a plugin's memory grows through its first
// tens of thousands of calls, by 4 MiB and more per instance, before it levels off. So the guest
// collects by itself, between calls, whenever the plugin has allocated the larger of minRunway
// and its live heap since the last collection: GOGC=100 with a 512 KiB minimum instead of
// 4 MiB. A lower GOGC would not do: it shrinks the runway of large heaps as well, and in a
// reactor the collector's background workers run only while an export runs, so the heap
// overshoots its goal anyway.
//
// Start-up then makes the heap and the collector's own tables as large as this pacing needs, so
// that a plugin that keeps little uses the same linear memory after its first call as after its
// millionth.
const (
	minRunway = 512 << 10
	// Reserved once at start-up so that the heap need not grow while collections keep it
	// within minRunway of its live size.
	ballastSize = 1 << 20
	// The longest interval between two looks at the allocation counter; a look costs about as
	// much as a call into the plugin, so the interval shrinks only for calls that allocate a
	// lot.
	maxCheckInterval = 256
)

var (
	samples = []metrics.Sample{
		{Name: "/gc/heap/allocs:bytes"},
		{Name: "/gc/heap/live:bytes"},
	}
	// The allocation counter's value at which to collect.
	collectAt uint64
	// The counter at the last look, and calls since then, to estimate bytes per call.
	lastAllocs    uint64
	callsSince    uint32
	checkInterval uint32 = 1
	ballast       []byte
)

func init() {
	// Heap profiles cannot be read out of a plugin, and their sampling buckets are memory that
	// keeps growing as new call stacks are sampled. A plugin may set it again in its own init.
	runtime.MemProfileRate = 0
	// The heap grows to hold the ballast and keeps those pages once it is collected; wasm
	// memory never shrinks, so they are the plugin's from now on either way.
	ballast = make([]byte, ballastSize)
	ballast = nil
	// The first collections allocate the collector's own tables (mark bits for three
	// generations among them); doing them now keeps that growth out of the plugin's calls.
	runtime.GC()
	collect()
	lastAllocs = samples[0].Value.Uint64()
}

// collect runs a full collection and sets the next one a runway further.
func collect() {
	runtime.GC()
	metrics.Read(samples)
	collectAt = samples[0].Value.Uint64() + max(minRunway, samples[1].Value.Uint64())
}

// pace runs at the end of every call.
func pace() {
	callsSince++
	if callsSince < checkInterval {
		return
	}
	metrics.Read(samples[:1])
	allocs := samples[0].Value.Uint64()
	perCall := max((allocs-lastAllocs)/uint64(callsSince), 1)
	if allocs >= collectAt {
		collect()
		allocs = samples[0].Value.Uint64()
	}
	lastAllocs = allocs
	callsSince = 0
	// Look again after about a quarter of the remaining runway, at the current rate.
	next := (collectAt - min(allocs, collectAt)) / 4 / perCall
	checkInterval = uint32(min(max(next, 1), maxCheckInterval))
}
