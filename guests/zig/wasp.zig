//! wasp.zig: write Wasp plugins in Zig.
//!
//! One file, no dependencies beyond Zig's standard library. A plugin imports it as the module
//! `wasp` and is built as a WASI reactor (docs/guests/zig.md has the full command):
//!
//!     zig build-exe -target wasm32-wasi -fno-entry -rdynamic -O ReleaseSafe \
//!         --dep wasp -Mroot=plugin.zig -Mwasp=path/to/wasp/guests/zig/wasp.zig
//!
//! It implements docs/ABI.md (the wire ABI, byte by byte), which stays the reference; this file
//! only makes it short to follow. What it gives a plugin, in the order below:
//!
//!     allocator, wasp_alloc           the heap, and the allocator export the host calls
//!     string, bytes                   reading string and byte arguments
//!     freeArgs, takeArgs              releasing or keeping a call's argument block
//!     returnOwned, returnValue, ...   returning strings, bytes and postcard values
//!     take                            adopting what a host function returns
//!     Panic, panicAt, panicFmt        failing a call with a message and a source location
//!     log, logFn                      lines for the host's logging (`std.log` included)
//!     Writer, Reader, Result          postcard, by hand or straight from Zig types
//!     exportContract                  the contract descriptor
//!
//! A plugin's root file also declares, so that Zig's own panics and `std.log` reach the host:
//!
//!     pub const panic = wasp.Panic;
//!     pub const std_options: std.Options = .{ .logFn = wasp.logFn };
//!
//! Who frees what (docs/ABI.md section 3), with this file:
//!
//!     memory                              allocated by            freed by
//!     the argument block of a call        wasp_alloc (host asks)  you: freeArgs(first buffer
//!                                                                 parameter), or takeArgs
//!     a buffer you return (returnOwned)   you, from `allocator`   this file, at your next return
//!     a buffer a host function returns    wasp_alloc (host asks)  you: take(r), then
//!                                                                 allocator.free or returnOwned
//!     a buffer you pass to the host       you                     you, whenever you like

const std = @import("std");
const builtin = @import("builtin");

comptime {
    if (!builtin.target.cpu.arch.isWasm() or builtin.target.ptrBitWidth() != 32) {
        @compileError("wasp.zig builds WebAssembly plugins: compile with -target wasm32-wasi");
    }
}

// ------------------------------------------------------------------------------------------
// Imports from the host (docs/ABI.md sections 6 and 7)

const host = struct {
    extern "wasp" fn panic(
        msg_ptr: [*]const u8,
        msg_len: usize,
        file_ptr: [*]const u8,
        file_len: usize,
        line: u32,
        column: u32,
    ) noreturn;
    extern "wasp" fn log_level() i32;
    extern "wasp" fn log(level: i32, msg_ptr: [*]const u8, msg_len: usize) void;
};

// ------------------------------------------------------------------------------------------
// Packed buffers

/// Packs a string, byte or serde result the way the ABI returns it: the pointer in the low
/// 32 bits, the length in the high 32 bits (docs/ABI.md section 2).
pub fn pack(data: []const u8) u64 {
    if (data.len == 0) return 0;
    return @as(u64, @intFromPtr(data.ptr)) | (@as(u64, data.len) << 32);
}

// ------------------------------------------------------------------------------------------
// Allocation and arguments

/// The plugin's heap: Zig's allocator for single-threaded WebAssembly, which grows the linear
/// memory as it needs and reuses what is freed. Everything this file hands over or takes back
/// (argument blocks, results, host function results) lives here.
pub const allocator: std.mem.Allocator = std.heap.wasm_allocator;

/// Blocks that `wasp_alloc` handed to the host and that nobody has taken yet: the argument
/// block of the current call, and a host function's result until `take` adopts it. Zig's
/// allocator needs a block's length to free it, and the plugin only knows a pointer into it;
/// this list remembers the lengths. It holds one or two blocks in a correct plugin.
var pending: std.ArrayList([]u8) = .empty;

/// What `wasp_alloc(0)` returns. The host never asks for zero bytes (docs/ABI.md section 3),
/// but if it did, a null pointer would fail its bounds check.
var empty_block: [1]u8 = .{0};

/// The ABI's allocator export (docs/ABI.md section 3): `len` writable bytes. The host calls it
/// for the arguments of a call, and during a host function for that function's result.
/// Running out of memory is a panic: a null pointer would only reach the host as an
/// unexplained out-of-bounds error.
export fn wasp_alloc(len: usize) [*]u8 {
    if (len == 0) return &empty_block;
    pending.ensureUnusedCapacity(allocator, 1) catch oom(@src());
    const block = allocator.alloc(u8, len) catch oom(@src());
    pending.appendAssumeCapacity(block);
    return block.ptr;
}

/// Removes the pending block that starts at `ptr` and returns it; newest first, because the
/// block asked for is nearly always the newest.
fn takePending(ptr: [*]const u8) ?[]u8 {
    var i = pending.items.len;
    while (i > 0) {
        i -= 1;
        if (pending.items[i].ptr == ptr) return pending.orderedRemove(i);
    }
    return null;
}

/// A string argument: `(ptr, len)` as the host passed it, valid UTF-8 without a terminator.
/// Declare buffer parameters as `ptr: ?[*]u8, len: usize`: when every buffer of a call is
/// empty the host passes a null pointer. The slice points into the argument block, so it is
/// valid until the block is freed (`freeArgs`).
pub fn string(ptr: ?[*]const u8, len: usize) []const u8 {
    const p = ptr orelse return "";
    return p[0..len];
}

/// A byte argument, or a serde argument's postcard bytes (see `Reader`), as `string`. The
/// argument block belongs to the plugin, so the bytes may be changed in place.
pub fn bytes(ptr: ?[*]u8, len: usize) []u8 {
    const p = ptr orelse return &.{};
    return p[0..len];
}

/// Frees the argument block of the current call. The host writes all string, byte and serde
/// arguments of one call back to back into one block from `wasp_alloc`, so the first buffer
/// parameter points at the whole block: pass that one, once per call (`defer` suits it).
/// Calls whose buffers are all empty pass null, which is fine here. Instead of freeing the
/// block, a method may keep it with `takeArgs`.
pub fn freeArgs(first_buffer_argument: ?[*]const u8) void {
    const ptr = first_buffer_argument orelse return;
    if (ptr == &empty_block) return;
    const block = takePending(ptr) orelse
        panicAt("wasp.freeArgs: not the start of a pending argument block (freed twice, or not the first buffer parameter?)", @src());
    allocator.free(block);
}

/// Takes the whole argument block of the current call as memory the plugin owns (free it with
/// `allocator.free`, or return it with `returnOwned`). `len` is the block's size: the sum of
/// the lengths of the call's buffer arguments, which is the length of the only one when there
/// is one. So a method can change its byte argument in place and return it, without a copy.
pub fn takeArgs(first_buffer_argument: ?[*]u8, len: usize) []u8 {
    const ptr = first_buffer_argument orelse return &.{};
    if (ptr == &empty_block) return &.{};
    const block = takePending(ptr) orelse
        panicAt("wasp.takeArgs: not the start of a pending argument block", @src());
    if (block.len != len) {
        panicFmt(@src(), "wasp.takeArgs: the argument block has {d} bytes, not {d}", .{ block.len, len });
    }
    return block;
}

// ------------------------------------------------------------------------------------------
// Results

/// The last result returned with `returnOwned` (or `returnValue`, `returnCopy`). The host
/// reads a result before its next call into the plugin (docs/ABI.md section 3), so it must
/// outlive the call that returns it; the next return frees it.
var last_result: []u8 = &.{};

/// Returns `owned`, memory from `allocator` that this file now owns, as a string, byte or
/// serde result: it stays valid until the host has read it and is freed by the next return.
/// Strings must be UTF-8 and serde values postcard; the host checks both.
pub fn returnOwned(owned: []u8) u64 {
    if (last_result.ptr != owned.ptr) allocator.free(last_result);
    last_result = owned;
    return pack(owned);
}

/// Returns a copy of `data`, which stays the caller's.
pub fn returnCopy(data: []const u8) u64 {
    return returnOwned(allocator.dupe(u8, data) catch oom(@src()));
}

/// Returns `data` without copying or ever freeing it: for static data, such as a literal.
pub fn returnStatic(data: []const u8) u64 {
    allocator.free(last_result);
    last_result = &.{};
    return pack(data);
}

/// Returns `value` as a serde result, encoded with postcard (see `Writer.value` for how each
/// Zig type travels).
pub fn returnValue(value: anytype) u64 {
    var w: Writer = .{};
    w.value(value);
    return returnOwned(w.finish());
}

// ------------------------------------------------------------------------------------------
// Host functions
//
// Declare each as an `extern` function of the host trait's module, with the wasm types of
// docs/ABI.md section 5: a string or byte argument is two parameters (`[*]const u8, usize`),
// a string, byte or serde result is a `u64`.
//
//     extern "GreeterHost" fn call_me(name: [*]const u8, name_len: usize) u64;

/// Adopts the string, byte or serde result of a host function. The host wrote it into a block
/// it asked `wasp_alloc` for, which the returned slice now owns: free it with
/// `allocator.free`, or return it with `returnOwned`. Panics if the host answered with memory
/// that `wasp_alloc` did not hand out.
pub fn take(host_result: u64) []u8 {
    const len: usize = @intCast(host_result >> 32);
    if (len == 0) return &.{};
    const addr: usize = @truncate(host_result);
    const block = takePending(@ptrFromInt(addr)) orelse
        panicFmt(@src(), "wasp.take: a host function returned {d} bytes at 0x{x}, which is no block from wasp_alloc", .{ len, addr });
    if (block.len != len) {
        panicFmt(@src(), "wasp.take: a host function returned {d} bytes in a block of {d}", .{ len, block.len });
    }
    return block;
}

// ------------------------------------------------------------------------------------------
// Panics (docs/ABI.md section 6)

/// Zig's panic handler for plugins: `pub const panic = wasp.Panic;` in the root file sends
/// every panic, `@panic` and safety checks (overflow, out-of-bounds index, `unreachable`,
/// unwrapping null) included, to the host, whose caller gets `Error::Panic` with the message.
/// Zig gives a panic handler no source location, so these carry none; `panicAt` does.
pub const Panic = std.debug.FullPanic(onPanic);

fn onPanic(msg: []const u8, first_trace_addr: ?usize) noreturn {
    _ = first_trace_addr;
    host.panic(msg.ptr, msg.len, "", 0, 0, 0);
}

/// Fails the current call with `msg` at `src` (pass `@src()`): the host's caller gets
/// `Error::Panic` with the message and `file:line:column`, and the instance is poisoned.
/// For bugs and impossible states; an expected failure is a value (see `Result`).
pub fn panicAt(msg: []const u8, src: std.builtin.SourceLocation) noreturn {
    host.panic(msg.ptr, msg.len, src.file.ptr, src.file.len, src.line, src.column);
}

/// `panicAt` with a formatted message, cut at 1 KiB. Formats on the stack, so it works when
/// the heap is exhausted.
pub fn panicFmt(src: std.builtin.SourceLocation, comptime fmt: []const u8, args: anytype) noreturn {
    var buf: [1024]u8 = undefined;
    const msg = std.fmt.bufPrint(&buf, fmt, args) catch buf[0..];
    panicAt(msg, src);
}

/// Out of memory, at `src`: what this file does when `allocator` fails, and what plugins can
/// do too (`catch wasp.oom(@src())`). When the host's memory limit was what stopped the
/// growth, the host reports `Error::MemoryLimit` instead of this panic.
pub fn oom(src: std.builtin.SourceLocation) noreturn {
    panicAt("out of memory", src);
}

// ------------------------------------------------------------------------------------------
// Logging (docs/ABI.md section 7)

/// The host's log levels; the numbers are the ABI's.
pub const Level = enum(i32) { err = 1, warn = 2, info = 3, debug = 4, trace = 5 };

/// Whether the host wants lines at `level` now. It asks the host every time: the answer may
/// change between calls.
pub fn logEnabled(level: Level) bool {
    return @intFromEnum(level) <= host.log_level();
}

/// Sends one line at `level` to the host's logging, formatted as `std.fmt` does. A line the
/// host does not want is not formatted; one that cannot be formatted for lack of memory is
/// dropped.
pub fn log(level: Level, comptime fmt: []const u8, args: anytype) void {
    if (!logEnabled(level)) return;
    const line = std.fmt.allocPrint(allocator, fmt, args) catch return;
    defer allocator.free(line);
    host.log(@intFromEnum(level), line.ptr, line.len);
}

/// `std.log` for plugins: `pub const std_options: std.Options = .{ .logFn = wasp.logFn };` in
/// the root file sends `std.log.err`, `warn`, `info` and `debug` to the host at the same
/// level. A scope other than the default goes in front, as Zig's own logger writes it. Zig
/// drops lines below `std_options.log_level` at compile time (`.info` unless set).
pub fn logFn(
    comptime level: std.log.Level,
    comptime scope: @EnumLiteral(),
    comptime format: []const u8,
    args: anytype,
) void {
    const wasp_level: Level = switch (level) {
        .err => .err,
        .warn => .warn,
        .info => .info,
        .debug => .debug,
    };
    const prefix = if (scope == .default) "" else "(" ++ @tagName(scope) ++ ") ";
    log(wasp_level, prefix ++ format, args);
}

// ------------------------------------------------------------------------------------------
// Postcard (docs/ABI.md section 4)

/// Rust's `Result<T, E>` as a Zig type: postcard encodes `Ok` as variant 0 and `Err` as
/// variant 1, which is this union's field order.
///
///     return wasp.returnValue(wasp.Result(void, []const u8){ .err = "Ooops" });
pub fn Result(comptime T: type, comptime E: type) type {
    return union(enum) { ok: T, err: E };
}

/// Writes postcard values into a growable buffer on `allocator`; `finish` hands the bytes
/// over. Running out of memory panics. Item by item (as Rust types):
///
///     u8, i8            byte              u16..u128, usize    varint
///     i16..i128, isize  signed (zigzag)   bool                boolean
///     f32, f64          float32, float64  String, Vec<u8>     string (length, then bytes)
///     Vec<T>, maps      length, then each item (a map's as key, value)
///     Option            variant(0) = None; variant(1), then the value = Some
///     Result            variant(0), value = Ok; variant(1), error = Err
///     enums             variant(index), then the variant's fields
///     structs, tuples   their fields in order; (), unit structs: nothing
///
/// or all at once from a Zig value with `value`.
pub const Writer = struct {
    buf: std.ArrayList(u8) = .empty,

    fn append(self: *Writer, data: []const u8) void {
        self.buf.appendSlice(allocator, data) catch oom(@src());
    }

    pub fn byte(self: *Writer, b: u8) void {
        self.append(&.{b});
    }

    pub fn boolean(self: *Writer, b: bool) void {
        self.byte(@intFromBool(b));
    }

    /// An unsigned varint (LEB128): unsigned integers wider than 8 bits, lengths, variants.
    pub fn varint(self: *Writer, v: u128) void {
        var rest = v;
        while (rest >= 0x80) : (rest >>= 7) {
            self.byte(@as(u8, @truncate(rest)) | 0x80);
        }
        self.byte(@intCast(rest));
    }

    /// A signed integer wider than 8 bits: zigzag, then varint.
    pub fn signed(self: *Writer, v: i128) void {
        const bits: u128 = @bitCast(v);
        self.varint((bits << 1) ^ @as(u128, @bitCast(v >> 127)));
    }

    pub fn float32(self: *Writer, v: f32) void {
        var le: [4]u8 = undefined;
        std.mem.writeInt(u32, &le, @bitCast(v), .little);
        self.append(&le);
    }

    pub fn float64(self: *Writer, v: f64) void {
        var le: [8]u8 = undefined;
        std.mem.writeInt(u64, &le, @bitCast(v), .little);
        self.append(&le);
    }

    /// A string or byte sequence with its length: `String`, `Vec<u8>`.
    pub fn string(self: *Writer, s: []const u8) void {
        self.varint(s.len);
        self.append(s);
    }

    /// An enum's variant index (Option: None 0, Some 1; Result: Ok 0, Err 1).
    pub fn variant(self: *Writer, index: u32) void {
        self.varint(index);
    }

    /// Writes any Zig value whose type maps onto a Rust one:
    ///
    ///     Zig                                Rust (postcard)
    ///     void                               ()
    ///     bool, f32, f64                     bool, f32, f64
    ///     u8, i8; other integers to 128 bits u8, i8; varint or zigzag varint
    ///     u21                                char (Zig's code point type)
    ///     []const u8                         String or Vec<u8>
    ///     []const T                          Vec<T>, and a map as []const struct { k, v }
    ///     [n]T                               [T; n]
    ///     ?T                                 Option<T>
    ///     *const T                           Box<T> (recursive types need it)
    ///     struct, tuple                      struct, tuple (fields in declaration order)
    ///     enum                               enum of unit variants (in declaration order)
    ///     union(enum)                        enum (variants in declaration order), Result
    pub fn value(self: *Writer, v: anytype) void {
        const T = @TypeOf(v);
        switch (@typeInfo(T)) {
            .void => {},
            .bool => self.boolean(v),
            .float => |f| switch (f.bits) {
                32 => self.float32(v),
                64 => self.float64(v),
                else => @compileError("postcard has no " ++ @typeName(T)),
            },
            .int => |i| {
                if (T == u21) {
                    var utf8: [4]u8 = undefined;
                    const n = std.unicode.utf8Encode(v, &utf8) catch
                        panicAt("wasp.Writer: a u21 that is not a Unicode scalar value", @src());
                    self.string(utf8[0..n]);
                } else if (i.bits == 8) {
                    self.byte(@bitCast(v));
                } else if (i.bits > 128) {
                    @compileError("postcard has no " ++ @typeName(T));
                } else if (i.signedness == .signed) {
                    self.signed(v);
                } else {
                    self.varint(v);
                }
            },
            .pointer => |p| switch (p.size) {
                .one => self.value(v.*),
                .slice => if (p.child == u8) self.string(v) else {
                    self.varint(v.len);
                    for (v) |item| self.value(item);
                },
                else => @compileError("postcard cannot encode the many-item pointer " ++ @typeName(T) ++ "; use a slice"),
            },
            .array => for (v) |item| self.value(item),
            .optional => if (v) |some| {
                self.variant(1);
                self.value(some);
            } else self.variant(0),
            .@"struct" => |s| inline for (s.field_names) |name| self.value(@field(v, name)),
            .@"enum" => |e| inline for (e.field_names, 0..) |name, index| {
                if (v == @field(T, name)) self.variant(index);
            },
            .@"union" => |u| {
                if (u.tag_type == null) @compileError("postcard needs a tagged union(enum), not " ++ @typeName(T));
                switch (v) {
                    inline else => |payload, tag| {
                        self.variant(comptime variantIndex(T, @tagName(tag)));
                        self.value(payload);
                    },
                }
            },
            else => @compileError("postcard cannot encode " ++ @typeName(T)),
        }
    }

    /// The bytes written, as memory from `allocator` that the caller owns (`returnOwned` takes
    /// it). The writer is empty afterwards.
    pub fn finish(self: *Writer) []u8 {
        return self.buf.toOwnedSlice(allocator) catch oom(@src());
    }

    /// Frees what was written, for a writer whose bytes are not wanted after all.
    pub fn deinit(self: *Writer) void {
        self.buf.deinit(allocator);
    }
};

fn variantIndex(comptime T: type, comptime name: []const u8) u32 {
    for (@typeInfo(T).@"union".field_names, 0..) |field, index| {
        if (std.mem.eql(u8, field, name)) return index;
    }
    unreachable;
}

/// Reads postcard values: serde arguments of a method and serde results of host functions,
/// the same items `Writer` writes. The host only sends values that encode the contract's type,
/// so input that does not decode means the plugin reads the wrong type: a bug, which panics
/// instead of returning an error to check.
///
///     var in = wasp.Reader.init(wasp.bytes(ptr, len));   // an Option<String> argument
///     const name: ?[]const u8 = in.value(?[]const u8, arena);
///     in.finish();
pub const Reader = struct {
    input: []const u8,
    pos: usize = 0,

    pub fn init(input: []const u8) Reader {
        return .{ .input = input };
    }

    /// The next `n` bytes, which stay in the input.
    pub fn raw(self: *Reader, n: usize) []const u8 {
        if (self.input.len - self.pos < n) panicAt("postcard: unexpected end of input", @src());
        defer self.pos += n;
        return self.input[self.pos..][0..n];
    }

    pub fn byte(self: *Reader) u8 {
        return self.raw(1)[0];
    }

    pub fn boolean(self: *Reader) bool {
        return switch (self.byte()) {
            0 => false,
            1 => true,
            else => panicAt("postcard: a bool that is neither 0 nor 1", @src()),
        };
    }

    /// An unsigned varint that must fit in `T`.
    pub fn varint(self: *Reader, comptime T: type) T {
        var v: u128 = 0;
        var shift: u8 = 0;
        while (true) : (shift += 7) {
            const b = self.byte();
            if (shift >= 128 or (shift == 126 and b > 3)) break;
            v |= @as(u128, b & 0x7f) << @intCast(shift);
            if (b & 0x80 == 0) {
                return std.math.cast(T, v) orelse
                    panicFmt(@src(), "postcard: {d} does not fit in {s}", .{ v, @typeName(T) });
            }
        }
        panicAt("postcard: a varint longer than 128 bits", @src());
    }

    /// A zigzag varint that must fit in `T`.
    pub fn signed(self: *Reader, comptime T: type) T {
        const z = self.varint(u128);
        const v: i128 = @bitCast((z >> 1) ^ (0 -% (z & 1)));
        return std.math.cast(T, v) orelse
            panicFmt(@src(), "postcard: {d} does not fit in {s}", .{ v, @typeName(T) });
    }

    pub fn float32(self: *Reader) f32 {
        return @bitCast(std.mem.readInt(u32, self.raw(4)[0..4], .little));
    }

    pub fn float64(self: *Reader) f64 {
        return @bitCast(std.mem.readInt(u64, self.raw(8)[0..8], .little));
    }

    /// A length-prefixed string or byte sequence; points into the input.
    pub fn string(self: *Reader) []const u8 {
        return self.raw(self.varint(usize));
    }

    /// An enum's variant index (Option: None 0, Some 1; Result: Ok 0, Err 1).
    pub fn variant(self: *Reader) u32 {
        return self.varint(u32);
    }

    /// Reads a value of type `T`, the inverse of `Writer.value`. Byte slices point into the
    /// input, so they live as long as it does; other slices and pointers are allocated from
    /// `arena` (an `std.heap.ArenaAllocator` freed after the call is the easy way).
    pub fn value(self: *Reader, comptime T: type, arena: std.mem.Allocator) T {
        switch (@typeInfo(T)) {
            .void => return {},
            .bool => return self.boolean(),
            .float => |f| return switch (f.bits) {
                32 => self.float32(),
                64 => self.float64(),
                else => @compileError("postcard has no " ++ @typeName(T)),
            },
            .int => |i| {
                if (T == u21) {
                    const utf8 = self.string();
                    const len = std.unicode.utf8ByteSequenceLength(if (utf8.len > 0) utf8[0] else 0xff) catch 0;
                    if (len == 0 or len != utf8.len) panicAt("postcard: a char that is not one UTF-8 sequence", @src());
                    return std.unicode.utf8Decode(utf8) catch
                        panicAt("postcard: a char that is not one UTF-8 sequence", @src());
                }
                if (i.bits == 8) return @bitCast(self.byte());
                if (i.signedness == .signed) return self.signed(T);
                return self.varint(T);
            },
            .pointer => |p| switch (p.size) {
                .one => {
                    const item = arena.create(p.child) catch oom(@src());
                    item.* = self.value(p.child, arena);
                    return item;
                },
                .slice => {
                    if (p.child == u8) {
                        if (!p.attrs.@"const") @compileError("byte slices point into the input: read them as []const u8");
                        return self.string();
                    }
                    const n = self.varint(usize);
                    // Every item takes at least one byte, so a count beyond what is left is a
                    // lie; checking first keeps a bad length from asking for gigabytes.
                    if (n > self.input.len - self.pos and @sizeOf(p.child) > 0) panicAt("postcard: a sequence longer than its input", @src());
                    const items = arena.alloc(p.child, n) catch oom(@src());
                    for (items) |*item| item.* = self.value(p.child, arena);
                    return items;
                },
                else => @compileError("postcard cannot decode the many-item pointer " ++ @typeName(T) ++ "; use a slice"),
            },
            .array => |a| {
                var items: T = undefined;
                for (&items) |*item| item.* = self.value(a.child, arena);
                return items;
            },
            .optional => |o| return switch (self.variant()) {
                0 => null,
                1 => self.value(o.child, arena),
                else => panicAt("postcard: an Option tag that is neither 0 nor 1", @src()),
            },
            .@"struct" => |s| {
                var v: T = undefined;
                inline for (s.field_names, s.field_types) |name, FieldType| {
                    @field(v, name) = self.value(FieldType, arena);
                }
                return v;
            },
            .@"enum" => |e| {
                const index = self.variant();
                inline for (e.field_names, 0..) |name, i| {
                    if (index == i) return @field(T, name);
                }
                panicFmt(@src(), "postcard: variant {d} of {s}, which has {d}", .{ index, @typeName(T), e.field_names.len });
            },
            .@"union" => |u| {
                if (u.tag_type == null) @compileError("postcard needs a tagged union(enum), not " ++ @typeName(T));
                const index = self.variant();
                inline for (u.field_names, u.field_types, 0..) |name, FieldType, i| {
                    if (index == i) return @unionInit(T, name, self.value(FieldType, arena));
                }
                panicFmt(@src(), "postcard: variant {d} of {s}, which has {d}", .{ index, @typeName(T), u.field_names.len });
            },
            else => @compileError("postcard cannot decode " ++ @typeName(T)),
        }
    }

    /// Checks that the whole input was read: a value is exactly its encoding.
    pub fn finish(self: *const Reader) void {
        if (self.pos != self.input.len) panicAt("postcard: bytes left over after the value", @src());
    }
};

// ------------------------------------------------------------------------------------------
// The contract descriptor (docs/ABI.md section 8)

/// Exports `wasp_contract`, which returns `descriptor`: the exact text of the host's contract,
/// one item per line, each ending in "\n". Call it once, in a `comptime` block of the root
/// file. A Rust host prints the text with `<dyn C as wasp::Contract>::descriptor().render()`.
/// (Zig cannot put a custom section into a module, which the host would read first.)
pub fn exportContract(comptime descriptor: []const u8) void {
    const S = struct {
        fn contract() callconv(.c) u64 {
            return pack(descriptor);
        }
    };
    @export(&S.contract, .{ .name = "wasp_contract" });
}
