// The Greeter plugin in Go: the same contract as examples/greeter/plugin (Rust). `cargo xtask
// plugins` builds it into examples/greeter/plugins/greeter-go.wasm; docs/guests/go.md shows how
// to build it by hand.
package main

import "wasp.example/guest"

// The Greeter contract, byte for byte as the host's (docs/ABI.md section 8): the host refuses
// the plugin if it differs in any way.
const contract = "wasp-contract 1\n" +
	"contract Greeter\n" +
	"method hello(String) -> String\n" +
	"method sum(i32, i32) -> i32\n" +
	"method reverse(Vec<u8>) -> Vec<u8>\n" +
	"method callback() -> String\n" +
	"method fail() -> Result<(), String>\n" +
	"host GreeterHost\n" +
	"import call_me(String) -> String\n"

func init() {
	guest.SetContract(contract)
}

// GreeterHost.call_me(name: String) -> String, provided by the host.
//
//go:wasmimport GreeterHost call_me
func callMe(name string) uint64

//go:wasmexport hello
func hello(name string) uint64 {
	defer guest.Recover()
	return guest.ReturnString("Hello " + name)
}

//go:wasmexport sum
func sum(a, b int32) int32 {
	defer guest.Recover()
	// Go's integer arithmetic wraps, like the Rust plugin's wrapping_add.
	return a + b
}

//go:wasmexport reverse
func reverse(ptr *byte, size uint32) uint64 {
	defer guest.Recover()
	// In place: the argument block belongs to the plugin.
	data := guest.Bytes(ptr, size)
	for i, j := 0, len(data)-1; i < j; i, j = i+1, j-1 {
		data[i], data[j] = data[j], data[i]
	}
	return guest.ReturnBytes(data)
}

//go:wasmexport callback
func callback() uint64 {
	defer guest.Recover()
	return guest.ReturnString(guest.TakeString(callMe("Nic")))
}

//go:wasmexport fail
func fail() uint64 {
	defer guest.Recover()
	// Result<(), String>::Err("Ooops") in postcard: 01 05 4f 6f 6f 70 73.
	return guest.ReturnBytes(guest.ResultErr("Ooops"))
}

// A c-shared (reactor) module never runs main, but package main must have one.
func main() {}
