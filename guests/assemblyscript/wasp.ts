// The Wasp ABI (docs/ABI.md) for AssemblyScript plugins: allocation, arguments, results,
// host calls, panics and the contract descriptor. docs/guests/assemblyscript.md shows a
// complete plugin and the compiler options it needs.
//
// The plugin's entry file must re-export the allocator, and the compiler must send aborts
// (`throw`, `assert`, runtime errors) here instead of importing `env.abort`:
//
//   export { wasp_alloc } from "./wasp";
//
//   asc plugin.ts -O3 --debug --runtime incremental --exportStart _initialize \
//       --use abort=wasp/abort -o plugin.wasm
//
// (`wasp/abort` names this file's `abort` when asc runs in this file's directory; in general
// it is this file's path relative to where asc runs, without `.ts`, then `/abort`.)
//
// Memory. Blocks crossing the ABI (argument blocks, host function results) are raw TLSF blocks
// from `heap.alloc`: no object header, invisible to the garbage collector, freed by this
// module. `heap.alloc`, unlike allocating a managed object, never runs a collector step. That
// matters because the host calls `wasp_alloc` in the middle of a host function: no collection
// can then happen while a method waits for the host, with managed values (the host function's
// arguments among them) held only in its locals.
// Results handed to the host are ordinary managed buffers, kept alive from a global until the
// next result replaces them, which is after the host has copied them out.

// ---------------------------------------------------------------------------------------------
// Imports

@external("wasp", "panic")
declare function wasp_panic(
  msgPtr: usize,
  msgLen: usize,
  filePtr: usize,
  fileLen: usize,
  line: u32,
  column: u32,
): void;

// ---------------------------------------------------------------------------------------------
// Allocation

// The two newest blocks handed out by `wasp_alloc` that are not freed yet (0: none). Any
// older block belongs to a call that has returned, and is freed.
//
// A call cannot tell by itself whether the host is asking for the argument block of a new call
// or, during a host function, for that function's result: both come through `wasp_alloc`. So
// each `wasp_alloc` frees every pending block but the newest one. Host results are released
// as soon as they are taken (`takeString`, `takeBytes`), so during a call the newest pending
// block is the call's own argument block, which stays readable until the call returns; after
// it returns it survives at most one more `wasp_alloc`. A host result nobody takes is freed
// the same way, so nothing leaks.
let newerBlock: usize = 0;
let olderBlock: usize = 0;

/** The ABI's allocator (section 3): `len` writable bytes, 16-byte aligned. Re-export it. */
export function wasp_alloc(len: usize): usize {
  if (olderBlock != 0) heap.free(olderBlock);
  olderBlock = newerBlock;
  newerBlock = heap.alloc(len);
  return newerBlock;
}

// Frees `ptr` if it is a block from `wasp_alloc` still pending; anything else (an empty
// result's pointer, for one) is left alone.
function release(ptr: usize): void {
  if (ptr == 0) return;
  if (ptr == newerBlock) {
    heap.free(ptr);
    newerBlock = olderBlock;
    olderBlock = 0;
  } else if (ptr == olderBlock) {
    heap.free(ptr);
    olderBlock = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Arguments: a string or byte parameter arrives as (ptr, len), pointing into the call's argument
// block. The block stays valid for the whole call, as long as each host function's result is
// taken before the next host function is called.

/** A string argument, copied out of the argument block. */
export function readString(ptr: usize, len: usize): string {
  return String.UTF8.decodeUnsafe(ptr, len);
}

/** A byte argument (or a serde argument's postcard bytes), copied out of the argument block. */
export function readBytes(ptr: usize, len: usize): Uint8Array {
  const bytes = new Uint8Array(<i32>len);
  memory.copy(bytes.dataStart, ptr, len);
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Results: a string, byte or serde result is returned as a packed i64 (`ptr | len << 32`)
// that must stay valid until the host's next call into the instance.

// The last result. Holding it here keeps the collector away from it; the next result replaces
// it, and by then the host has copied this one out.
let lastResult: ArrayBuffer | null = null;

/** Packs a pointer and a length the way the ABI returns buffers. */
export function pack(ptr: usize, len: usize): u64 {
  return (<u64>(<u32>ptr)) | ((<u64>(<u32>len)) << 32);
}

/** Returns a string result. Unpaired surrogates become U+FFFD, so the host gets valid UTF-8. */
export function returnString(s: string): u64 {
  const utf8 = String.UTF8.encode(s, false, String.UTF8.ErrorMode.REPLACE);
  lastResult = utf8;
  return pack(changetype<usize>(utf8), <usize>utf8.byteLength);
}

/** Returns a byte result, or a serde result's postcard bytes (see `Writer`). */
export function returnBytes(bytes: Uint8Array): u64 {
  lastResult = bytes.buffer;
  return pack(bytes.dataStart, <usize>bytes.byteLength);
}

// ---------------------------------------------------------------------------------------------
// Host functions: declare each one as an import of module <host trait name>, with the wasm
// types of section 2, and pass string arguments as UTF-8:
//
//   @external("GreeterHost", "call_me")
//   declare function call_me(ptr: usize, len: usize): u64;
//
//   const name = String.UTF8.encode("Nic");
//   const answer = takeString(call_me(changetype<usize>(name), name.byteLength));
//
// The host wrote a buffer result into a block it got from `wasp_alloc`; take it straight
// away, before calling the next host function, so that the block is freed and the call's own
// argument block stays alive.

/** Decodes and frees a string that a host function returned. */
export function takeString(packed: u64): string {
  const ptr = <usize>(<u32>packed);
  const s = readString(ptr, <usize>(packed >>> 32));
  release(ptr);
  return s;
}

/** Copies and frees bytes (or postcard bytes) that a host function returned. */
export function takeBytes(packed: u64): Uint8Array {
  const ptr = <usize>(<u32>packed);
  const bytes = readBytes(ptr, <usize>(packed >>> 32));
  release(ptr);
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Failures

/**
 * Ends the call: the host's caller gets `Error::Panic` with this message, and the instance is
 * poisoned. `throw new Error(message)` does the same and adds the source location.
 */
export function panic(message: string): void {
  abort(message, null, 0, 0);
}

// Panic text is encoded into static buffers, not the heap: an abort may come from the
// allocator itself (out of memory), which must not be re-entered.
const MESSAGE_UNITS: i32 = 4096;
const FILE_UNITS: i32 = 512;
// A UTF-16 unit encodes to at most 3 UTF-8 bytes.
const MESSAGE_BUFFER = memory.data(MESSAGE_UNITS * 3);
const FILE_BUFFER = memory.data(FILE_UNITS * 3);

// Encodes at most `units` UTF-16 units of `s` into `buffer`; returns the byte length.
function encodeStatic(s: string | null, buffer: usize, units: i32): usize {
  if (s === null) return 0;
  let length = s.length;
  if (length > units) {
    length = units;
    // Cutting between the halves of a pair would leave a lone surrogate.
    const last = load<u16>(changetype<usize>(s) + ((<usize>length - 1) << 1));
    if ((last & 0xfc00) == 0xd800) length--;
  }
  return String.UTF8.encodeUnsafe(
    changetype<usize>(s),
    length,
    buffer,
    false,
    String.UTF8.ErrorMode.REPLACE,
  );
}

/**
 * The compiler's `abort`, reported through the `wasp.panic` import with its message and
 * `file:line:column`. Build with `--use abort=<path of this file without .ts>/abort`.
 */
export function abort(
  message: string | null,
  fileName: string | null,
  line: u32,
  column: u32,
): void {
  const messageLen = encodeStatic(message, MESSAGE_BUFFER, MESSAGE_UNITS);
  const fileLen = encodeStatic(fileName, FILE_BUFFER, FILE_UNITS);
  wasp_panic(MESSAGE_BUFFER, messageLen, FILE_BUFFER, fileLen, line, column);
  // The import never returns: the host ends the call.
  unreachable();
}

// ---------------------------------------------------------------------------------------------
// Structured values: a postcard 1.x writer (docs/ABI.md section 4) for serde results, such as
// `Result<(), String>`:
//
//   return returnBytes(new Writer().variant(1).string("Ooops").finish()); // Err("Ooops")

export class Writer {
  private buffer: Uint8Array = new Uint8Array(16);
  private length: i32 = 0;

  private reserve(extra: i32): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length << 1;
    while (capacity < needed) capacity <<= 1;
    const grown = new Uint8Array(capacity);
    memory.copy(grown.dataStart, this.buffer.dataStart, <usize>this.length);
    this.buffer = grown;
  }

  /** A `u8` or `i8`: one byte. */
  u8(value: u8): Writer {
    this.reserve(1);
    this.buffer[this.length++] = value;
    return this;
  }

  /** A `bool`: one byte, 0 or 1. */
  bool(value: bool): Writer {
    return this.u8(value ? 1 : 0);
  }

  /** An unsigned integer wider than 8 bits (`u16` to `u64`, `usize`), or a length. */
  varint(value: u64): Writer {
    this.reserve(10);
    while (value >= 0x80) {
      this.buffer[this.length++] = <u8>(value | 0x80);
      value >>>= 7;
    }
    this.buffer[this.length++] = <u8>value;
    return this;
  }

  /** A signed integer wider than 8 bits (`i16` to `i64`, `isize`): zigzag, then varint. */
  zigzag(value: i64): Writer {
    return this.varint(<u64>((value << 1) ^ (value >> 63)));
  }

  /** An enum variant's index (`Ok` is 0 and `Err` 1; `None` is 0 and `Some` 1). */
  variant(index: u32): Writer {
    return this.varint(index);
  }

  /** A `String` inside a structure: its UTF-8 length, then the bytes. */
  string(value: string): Writer {
    const utf8 = String.UTF8.encode(value, false, String.UTF8.ErrorMode.REPLACE);
    return this.raw(changetype<usize>(utf8), utf8.byteLength);
  }

  /** A `Vec<u8>` inside a structure: its length, then the bytes. */
  bytes(value: Uint8Array): Writer {
    return this.raw(value.dataStart, value.byteLength);
  }

  private raw(ptr: usize, len: i32): Writer {
    this.varint(<u64>len);
    this.reserve(len);
    memory.copy(this.buffer.dataStart + <usize>this.length, ptr, <usize>len);
    this.length += len;
    return this;
  }

  /** The encoded value. */
  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}
