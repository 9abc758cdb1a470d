//! The GuestChecks plugin in Zig: what guests/zig/wasp.zig does beyond the Greeter, checked by
//! tests/guest_libraries.rs. Panics with and without a source location, log lines through
//! std.log and wasp.log, and postcard values of every kind Reader.value and Writer.value
//! handle. `cargo xtask plugins` builds it into tests/wasm/checks-zig.wasm.

const std = @import("std");
const wasp = @import("wasp");

pub const panic = wasp.Panic;
// Debug lines are compiled in, so that the host's level alone decides.
pub const std_options: std.Options = .{ .logFn = wasp.logFn, .log_level = .debug };

comptime {
    wasp.exportContract(
        \\wasp-contract 1
        \\contract GuestChecks
        \\method panic_with(String)
        \\method element(u32) -> u32
        \\method log_line(u32, String) -> bool
        \\method echo_option(Option<String>) -> Option<String>
        \\method echo_result(Result<u32, String>) -> Result<u32, String>
        \\method echo_vec(Vec<i64>) -> Vec<i64>
        \\method echo_record(Record) -> Record
        \\struct Record { id: u64, name: String, tags: Vec<String>, shape: Shape, inner: Option<Record>, scores: Map<String, f64> }
        \\enum Shape { Empty, Circle(f32), Rect { w: u32, h: u32 }, Path(Vec<(i16, i16)>) }
        \\
    );
}

/// types_contract::Shape: a tagged union's fields are the enum's variants, in order.
const Shape = union(enum) {
    Empty,
    Circle: f32,
    Rect: struct { w: u32, h: u32 },
    Path: []const struct { i16, i16 },
};

/// types_contract::Record. A map travels as a sequence of key, value pairs; the box of a
/// recursive field is a pointer.
const Record = struct {
    id: u64,
    name: []const u8,
    tags: []const []const u8,
    shape: Shape,
    inner: ?*const Record,
    scores: []const struct { []const u8, f64 },
};

export fn panic_with(message_ptr: ?[*]u8, message_len: usize) void {
    wasp.panicAt(wasp.string(message_ptr, message_len), @src());
}

const elements = [_]u32{ 10, 20, 30 };

export fn element(index: u32) u32 {
    // ReleaseSafe checks the index: past the end is a panic, not a read of other memory.
    return elements[index];
}

export fn log_line(level: u32, message_ptr: ?[*]u8, message_len: usize) bool {
    defer wasp.freeArgs(message_ptr);
    const message = wasp.string(message_ptr, message_len);
    switch (level) {
        1 => std.log.err("{s}", .{message}),
        2 => std.log.warn("{s}", .{message}),
        3 => std.log.info("{s}", .{message}),
        // A scope goes in front of the line, as Zig's own logger writes it.
        4 => std.log.scoped(.checks).debug("{s}", .{message}),
        // std.log has no trace level; wasp.log has every level of the ABI.
        5 => wasp.log(.trace, "{s}", .{message}),
        else => wasp.panicFmt(@src(), "no log level {d}", .{level}),
    }
    return wasp.logEnabled(@enumFromInt(@as(i32, @intCast(level))));
}

/// Decodes a `T` argument and returns it encoded again: the round trip of the codec.
fn echo(comptime T: type, ptr: ?[*]u8, len: usize) u64 {
    // Byte slices of the decoded value point into the argument block, so it is freed last.
    defer wasp.freeArgs(ptr);
    var arena = std.heap.ArenaAllocator.init(wasp.allocator);
    defer arena.deinit();
    var in = wasp.Reader.init(wasp.bytes(ptr, len));
    const value = in.value(T, arena.allocator());
    in.finish();
    return wasp.returnValue(value);
}

export fn echo_option(ptr: ?[*]u8, len: usize) u64 {
    return echo(?[]const u8, ptr, len);
}

export fn echo_result(ptr: ?[*]u8, len: usize) u64 {
    return echo(wasp.Result(u32, []const u8), ptr, len);
}

export fn echo_vec(ptr: ?[*]u8, len: usize) u64 {
    return echo([]const i64, ptr, len);
}

export fn echo_record(ptr: ?[*]u8, len: usize) u64 {
    return echo(Record, ptr, len);
}
