// The Greeter plugin in AssemblyScript: the same contract as the Rust plugin
// (examples/greeter/contract), written against the ABI with guests/assemblyscript/wasp.ts.
// Built by `cargo xtask plugins` into examples/greeter/plugins/greeter-assemblyscript.wasm.

import {
  readBytes,
  readString,
  returnBytes,
  returnString,
  takeString,
  Writer,
} from "../../../guests/assemblyscript/wasp";

export { wasp_alloc } from "../../../guests/assemblyscript/wasp";

// The contract this plugin implements, exactly as the host describes it (docs/ABI.md section 8).
// AssemblyScript cannot emit custom sections, so the host asks `wasp_contract` for it.
const CONTRACT =
  "wasp-contract 1\n" +
  "contract Greeter\n" +
  "method hello(String) -> String\n" +
  "method sum(i32, i32) -> i32\n" +
  "method reverse(Vec<u8>) -> Vec<u8>\n" +
  "method callback() -> String\n" +
  "method fail() -> Result<(), String>\n" +
  "host GreeterHost\n" +
  "import call_me(String) -> String\n";

export function wasp_contract(): u64 {
  return returnString(CONTRACT);
}

@external("GreeterHost", "call_me")
declare function call_me(ptr: usize, len: usize): u64;

export function hello(ptr: usize, len: usize): u64 {
  return returnString("Hello " + readString(ptr, len));
}

// i32 addition wraps, as the contract's `wrapping_add` does.
export function sum(a: i32, b: i32): i32 {
  return a + b;
}

export function reverse(ptr: usize, len: usize): u64 {
  const data = readBytes(ptr, len);
  data.reverse();
  return returnBytes(data);
}

export function callback(): u64 {
  const name = String.UTF8.encode("Nic");
  return returnString(takeString(call_me(changetype<usize>(name), name.byteLength)));
}

// `Result<(), String>` is a serde value: postcard encodes Err("Ooops") as variant 1, then the
// string.
export function fail(): u64 {
  return returnBytes(new Writer().variant(1).string("Ooops").finish());
}
