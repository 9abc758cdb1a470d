//! The Greeter plugin in Zig: the same contract as examples/greeter/plugin (Rust), written
//! against the ABI with guests/zig/wasp.zig. `cargo xtask plugins` builds it into
//! examples/greeter/plugins/greeter-zig.wasm; docs/guests/zig.md shows how to build it by hand.

const std = @import("std");
const wasp = @import("wasp");

// Zig's panics (safety checks included) and std.log go to the host.
pub const panic = wasp.Panic;
pub const std_options: std.Options = .{ .logFn = wasp.logFn };

// The contract this plugin implements, exactly as the host describes it (docs/ABI.md
// section 8): the host refuses the plugin if it differs in any way.
comptime {
    wasp.exportContract(
        \\wasp-contract 1
        \\contract Greeter
        \\method hello(String) -> String
        \\method sum(i32, i32) -> i32
        \\method reverse(Vec<u8>) -> Vec<u8>
        \\method callback() -> String
        \\method fail() -> Result<(), String>
        \\host GreeterHost
        \\import call_me(String) -> String
        \\
    );
}

/// GreeterHost.call_me(name: String) -> String, provided by the host.
extern "GreeterHost" fn call_me(name: [*]const u8, name_len: usize) u64;

export fn hello(name_ptr: ?[*]u8, name_len: usize) u64 {
    defer wasp.freeArgs(name_ptr);
    const name = wasp.string(name_ptr, name_len);
    const greeting = std.mem.concat(wasp.allocator, u8, &.{ "Hello ", name }) catch wasp.oom(@src());
    return wasp.returnOwned(greeting);
}

export fn sum(a: i32, b: i32) i32 {
    // Wraps, like the Rust plugin's wrapping_add; `+` would panic on overflow.
    return a +% b;
}

export fn reverse(data_ptr: ?[*]u8, data_len: usize) u64 {
    // The argument block is the plugin's: reverse it in place and return it, no copy.
    const data = wasp.takeArgs(data_ptr, data_len);
    std.mem.reverse(u8, data);
    return wasp.returnOwned(data);
}

export fn callback() u64 {
    const name = "Nic";
    // The host's answer is a block the plugin owns; hand it back as the result.
    return wasp.returnOwned(wasp.take(call_me(name, name.len)));
}

export fn fail() u64 {
    // Result<(), String>::Err("Ooops") in postcard: 01 05 4f 6f 6f 70 73.
    return wasp.returnValue(wasp.Result(void, []const u8){ .err = "Ooops" });
}
