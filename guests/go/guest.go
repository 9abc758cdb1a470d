// Package guest implements the plugin side of the Wasp wire ABI (docs/ABI.md) for Go programs
// built with GOOS=wasip1 GOARCH=wasm -buildmode=c-shared (Go 1.24 or newer).
//
// Importing it exports wasp_alloc and wasp_contract from the plugin. A plugin then
//
//   - registers its contract descriptor with [SetContract] from an init function;
//   - writes one //go:wasmexport function per contract method, whose first statement is
//     defer [Recover]();
//   - takes string arguments as Go string parameters, and byte arguments as a *byte and a
//     uint32 length that [Bytes] turns into a slice;
//   - returns strings and bytes through [ReturnString] and [ReturnBytes], and serde values
//     (postcard) as bytes built with the Append functions of this package;
//   - declares host functions with //go:wasmimport, passing strings as Go strings and bytes
//     through [BytesArg], and adopts their buffer results with [TakeString] and [TakeBytes].
//
// Memory follows the ABI's ownership rules without copies: a block that wasp_alloc hands to
// the host is referenced here until the plugin owns it as a Go value (a parameter, or what
// TakeString returns); from then on the garbage collector keeps it alive exactly as long as
// the plugin uses it. Go's collector never moves heap objects, so addresses stay valid.
//
// The package also paces the collector for plugin instances (heap.go): Recover collects
// between calls once the plugin has allocated the larger of 512 KiB and its live heap, and
// start-up reserves the heap that this needs, so an instance that keeps little has the same
// linear memory after its first call as after its millionth. It sets runtime.MemProfileRate to
// 0 (a plugin's heap profile cannot be read out); a plugin may set it again in its own init.
package guest

import (
	"runtime"
	"strconv"
	"strings"
	"unsafe"
)

// Blocks that wasp_alloc handed to the host. The host holds them only as integers, which the
// garbage collector does not see, so these references keep them alive until the plugin owns
// them: an argument block until the method returns (Recover), a host function's result until
// TakeString or TakeBytes adopts it.
var pending [][]byte

// The last buffer result. The ABI requires it to stay valid until the host's next call into
// the instance; the host copies it out before that, so the next result may replace it.
var result []byte

var descriptor string

//go:wasmimport wasp panic
func hostPanic(message string, file string, line, column uint32)

//go:wasmexport wasp_alloc
func alloc(size uint32) *byte {
	// One spare byte: an empty argument at the end of the block points just past its last
	// byte, and as a Go pointer that address must still lie inside this object, not in the
	// next one or in free memory (which the garbage collector reports as a fatal error).
	block := make([]byte, uint64(size)+1)
	pending = append(pending, block)
	return &block[0]
}

//go:wasmexport wasp_contract
func contract() uint64 {
	defer Recover()
	if descriptor == "" {
		panic("guest: the plugin has no contract descriptor; call guest.SetContract from an init function")
	}
	return ReturnString(descriptor)
}

// SetContract registers the contract descriptor that the plugin carries (docs/ABI.md
// section 8): the exact text of the host's contract, one item per line, each ending in "\n".
// Call it from an init function; the host reads it through the wasp_contract export once the
// Go runtime is initialised.
func SetContract(text string) {
	descriptor = text
}

// Recover must be deferred first thing in every exported method: defer guest.Recover().
//
// When the method returns it releases the call's argument block (which stays alive for as
// long as the plugin keeps a string or slice that points into it), and collects garbage when
// enough has accumulated (see heap.go). When the method panics it reports the panic, with its
// message and the file and line where it was raised, to the host, which ends the call with a
// Panic error instead of letting the Go runtime exit the instance.
func Recover() {
	clear(pending)
	pending = pending[:0]
	// recover works only when called directly by the deferred function, which this is.
	r := recover()
	if r == nil {
		pace()
		return
	}
	file, line := panicLocation()
	hostPanic(panicMessage(r), file, uint32(line), 0)
	// wasp.panic never returns to the plugin; if a host let it, the Go runtime's own report
	// (and its exit) is still better than carrying on as if nothing happened.
	panic(r)
}

// Bytes returns the byte argument at ptr with size bytes, as passed to an exported method by
// the host. The slice aliases the argument block, which belongs to the plugin: it may be
// modified, returned or kept.
func Bytes(ptr *byte, size uint32) []byte {
	if size == 0 {
		return nil
	}
	return unsafe.Slice(ptr, size)
}

// ReturnString returns s as a method's string result: the packed i64 of docs/ABI.md section 2.
// s stays alive until the next result replaces it, which is after the host has copied it out.
func ReturnString(s string) uint64 {
	return ReturnBytes(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// ReturnBytes returns b as a method's bytes or serde result (a packed i64), keeping it alive
// until the next result replaces it. The plugin must not modify b afterwards.
func ReturnBytes(b []byte) uint64 {
	if len(b) == 0 {
		result = nil
		return 0
	}
	result = b
	return Pack(unsafe.SliceData(b), len(b))
}

// BytesArg passes b to a host function declared with //go:wasmimport as (ptr *byte,
// size uint32). b stays alive during the call because the caller still holds it.
func BytesArg(b []byte) (*byte, uint32) {
	if len(b) == 0 {
		return nil, 0
	}
	return unsafe.SliceData(b), uint32(len(b))
}

// TakeString adopts the string result of a host function (its packed i64). The host wrote it
// into a block from wasp_alloc, which the returned string now owns.
func TakeString(packed uint64) string {
	b := TakeBytes(packed)
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// TakeBytes adopts the bytes or serde result of a host function (its packed i64). The slice
// owns the block that the host filled, so it may be modified or kept.
func TakeBytes(packed uint64) []byte {
	ptr, size := uintptr(uint32(packed)), uintptr(packed>>32)
	if size == 0 {
		return nil
	}
	// Looking the block up, instead of turning the integer into a pointer, checks that the
	// host returned memory that wasp_alloc gave it; the newest block is the likeliest.
	for i := len(pending) - 1; i >= 0; i-- {
		block := pending[i]
		start := uintptr(unsafe.Pointer(unsafe.SliceData(block)))
		usable := uintptr(len(block) - 1)
		if ptr >= start && ptr-start <= usable && size <= usable-(ptr-start) {
			last := len(pending) - 1
			pending[i] = pending[last]
			pending[last] = nil
			pending = pending[:last]
			offset := ptr - start
			return block[offset : offset+size : offset+size]
		}
	}
	panic("guest: a host function returned " + strconv.FormatUint(uint64(size), 10) +
		" bytes at 0x" + strconv.FormatUint(uint64(ptr), 16) + ", outside every block from wasp_alloc")
}

// Pack makes the packed i64 of docs/ABI.md section 2, ptr | size << 32, for a buffer that the
// plugin keeps alive by other means (a static one, for example).
func Pack(ptr *byte, size int) uint64 {
	return uint64(uintptr(unsafe.Pointer(ptr))) | uint64(size)<<32
}

func panicMessage(r any) string {
	switch v := r.(type) {
	case error:
		return v.Error()
	case string:
		return v
	case interface{ String() string }:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.FormatInt(int64(v), 10)
	case int8:
		return strconv.FormatInt(int64(v), 10)
	case int16:
		return strconv.FormatInt(int64(v), 10)
	case int32:
		return strconv.FormatInt(int64(v), 10)
	case int64:
		return strconv.FormatInt(v, 10)
	case uint:
		return strconv.FormatUint(uint64(v), 10)
	case uint8:
		return strconv.FormatUint(uint64(v), 10)
	case uint16:
		return strconv.FormatUint(uint64(v), 10)
	case uint32:
		return strconv.FormatUint(uint64(v), 10)
	case uint64:
		return strconv.FormatUint(v, 10)
	case uintptr:
		return strconv.FormatUint(uint64(v), 10)
	case float32:
		return strconv.FormatFloat(float64(v), 'g', -1, 32)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	default:
		// Naming the type needs reflect or fmt, about as large as the rest of a plugin.
		return "panic with a value that is not a string, error, Stringer or number"
	}
}

// panicLocation finds where the panic was raised: the first frame below runtime.gopanic that
// is not the runtime's own (runtime errors such as an index out of range pass through helpers
// like runtime.goPanicIndex first).
func panicLocation() (string, int) {
	var pcs [64]uintptr
	// Skips runtime.Callers, panicLocation and Recover.
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	panicking := false
	for {
		frame, more := frames.Next()
		if panicking && !isRuntime(frame.Function) {
			return frame.File, frame.Line
		}
		if frame.Function == "runtime.gopanic" {
			panicking = true
		}
		if !more {
			return "", 0
		}
	}
}

func isRuntime(function string) bool {
	return strings.HasPrefix(function, "runtime.") || strings.HasPrefix(function, "internal/")
}
