package wasp.guest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;
import org.teavm.interop.Address;
import org.teavm.interop.Export;
import org.teavm.interop.Import;

/**
 * The plugin side of the Wasp wire ABI (docs/ABI.md) for Java classes compiled to WebAssembly
 * by TeaVM's {@code WEBASSEMBLY_WASI} target. docs/guests/java.md shows a complete plugin.
 *
 * <p>A plugin is a class whose public static methods, marked {@code @Export(name = "method")},
 * are the contract's methods, with the wasm types of ABI section 2: {@code int}, {@code long},
 * {@code float}, {@code double} for scalars ({@code boolean} and {@code char} travel as
 * {@code int}); a string, byte or serde parameter is two {@code int}s, pointer and length,
 * which {@link #string}, {@link #bytes} and {@link #reader} turn into Java values; a string,
 * byte or serde result is a {@code long} from {@link #returnString}, {@link #returnBytes} or
 * {@link #returnValue}. Every method's body is
 *
 * <pre>{@code
 * try {
 *     ...
 * } catch (Throwable t) {
 *     throw Wasp.panic(t);
 * }
 * }</pre>
 *
 * so that an exception reaches the host as {@code Error::Panic} with its type, message and
 * the plugin's frame it came from; uncaught, TeaVM would end the call with a bare trap.
 *
 * <p><b>Memory.</b> TeaVM's garbage collector moves objects, so a Java array has an address
 * only until the next allocation. The blocks the host writes into ({@code wasp_alloc}) are byte
 * arrays kept here, and a pointer the host passes back is resolved against the address the
 * block had when it was handed out: arguments can be read in any order, at any point of the
 * call. This class keeps the two newest blocks: a call's arguments stay readable for the whole
 * call as long as each host function's result is taken ({@link #takeString},
 * {@link #takeBytes}) before the next host function is called. A result stays referenced here
 * until the next result replaces it, which is after the host has copied it out.
 */
public final class Wasp {
    private Wasp() {
    }

    // ---------------------------------------------------------------------------------------
    // Imports from the host (docs/ABI.md sections 6 and 7)

    @Import(module = "wasp", name = "panic")
    private static native void hostPanic(int msgPtr, int msgLen, int filePtr, int fileLen, int line, int column);

    @Import(module = "wasp", name = "log_level")
    private static native int hostLogLevel();

    @Import(module = "wasp", name = "log")
    private static native void hostLog(int level, int msgPtr, int msgLen);

    // ---------------------------------------------------------------------------------------
    // Allocation

    /** The newest block handed out by wasp_alloc, and the address it had then. */
    private static byte[] newerBlock;
    private static int newerBase;
    /** The one before it: a call's arguments while a host function's result is pending. */
    private static byte[] olderBlock;
    private static int olderBase;

    /**
     * The ABI's allocator export (section 3): {@code len} writable bytes, as a new byte array.
     * The host calls it for the arguments of a call and, during a host function, for its
     * result. Each call lets go of the oldest of the blocks kept, which by then belongs to a
     * call that has returned, or is a host result nobody took.
     */
    @Export(name = "wasp_alloc")
    public static int alloc(int len) {
        try {
            byte[] block = new byte[len];
            olderBlock = newerBlock;
            olderBase = newerBase;
            newerBlock = block;
            // Taken after the allocation above, the last one until the host has written.
            newerBase = Address.ofData(block).toInt();
            return newerBase;
        } catch (Throwable t) {
            throw panic(t);
        }
    }

    /** Offset of {@code (ptr, len)} in a block that started at {@code base}, or -1. */
    private static int offsetIn(byte[] block, int base, int ptr, int len) {
        if (block == null) {
            return -1;
        }
        long offset = (ptr & 0xffffffffL) - (base & 0xffffffffL);
        if (offset < 0 || offset + (len & 0xffffffffL) > block.length) {
            return -1;
        }
        return (int) offset;
    }

    private static IllegalStateException notABlock(int ptr, int len) {
        return new IllegalStateException("Wasp: " + Integer.toUnsignedString(len) + " bytes at 0x"
                + Integer.toHexString(ptr) + " are in no block from wasp_alloc; arguments stay readable only"
                + " while every host function result is taken before the next host function call");
    }

    // ---------------------------------------------------------------------------------------
    // Arguments: a string, byte or serde parameter arrives as (ptr, len), inside the call's
    // argument block.

    /** A string argument, decoded from its UTF-8 bytes. */
    public static String string(int ptr, int len) {
        if (len == 0) {
            return "";
        }
        int offset = offsetIn(newerBlock, newerBase, ptr, len);
        if (offset >= 0) {
            return new String(newerBlock, offset, len, StandardCharsets.UTF_8);
        }
        offset = offsetIn(olderBlock, olderBase, ptr, len);
        if (offset >= 0) {
            return new String(olderBlock, offset, len, StandardCharsets.UTF_8);
        }
        throw notABlock(ptr, len);
    }

    /**
     * A byte argument (or a serde argument's postcard bytes). When it is the only buffer
     * argument of the call it is the whole block, which belongs to the plugin: it comes back
     * without a copy, and may be changed and returned. Otherwise it is a copy.
     */
    public static byte[] bytes(int ptr, int len) {
        if (len == 0) {
            return new byte[0];
        }
        int offset = offsetIn(newerBlock, newerBase, ptr, len);
        if (offset >= 0) {
            return slice(newerBlock, offset, len);
        }
        offset = offsetIn(olderBlock, olderBase, ptr, len);
        if (offset >= 0) {
            return slice(olderBlock, offset, len);
        }
        throw notABlock(ptr, len);
    }

    private static byte[] slice(byte[] block, int offset, int len) {
        return offset == 0 && len == block.length ? block : Arrays.copyOfRange(block, offset, offset + len);
    }

    /** A serde argument, to read with postcard. */
    public static Postcard.Reader reader(int ptr, int len) {
        return new Postcard.Reader(bytes(ptr, len));
    }

    // ---------------------------------------------------------------------------------------
    // Results: a string, byte or serde result is a packed long, ptr | len << 32, that must stay
    // valid until the host's next call into the instance.

    /** The last result; referenced here so that the collector keeps it until the host read it. */
    private static byte[] lastResult;

    /** Packs a pointer and a length the way the ABI returns buffers (section 2). */
    public static long pack(int ptr, int len) {
        return (ptr & 0xffffffffL) | ((len & 0xffffffffL) << 32);
    }

    /** Returns a byte result, or a serde result's postcard bytes. Do not change {@code bytes} afterwards. */
    public static long returnBytes(byte[] bytes) {
        lastResult = bytes;
        if (bytes.length == 0) {
            return 0;
        }
        // Nothing allocates between here and the host reading the result, so the address holds.
        return pack(Address.ofData(bytes).toInt(), bytes.length);
    }

    /** Returns a string result, as UTF-8. */
    public static long returnString(String s) {
        return returnBytes(utf8(s));
    }

    /** Returns a serde result: what {@code writer} wrote. */
    public static long returnValue(Postcard.Writer writer) {
        return returnBytes(writer.toByteArray());
    }

    // ---------------------------------------------------------------------------------------
    // Host functions: declare each as a native method marked
    // {@code @Import(module = "HostTrait", name = "method")}, with the same wasm types as a
    // method's, and call it with arguments from {@link #address}.

    /** The UTF-8 bytes of {@code s}: a string argument for a host function. */
    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The address of {@code bytes}' first byte, to pass a string, byte or serde argument to a
     * host function: {@code callMe(Wasp.address(name), name.length)}. It holds until the next
     * allocation, which may move the array, so take it in the call's own argument list.
     */
    public static int address(byte[] bytes) {
        return Address.ofData(bytes).toInt();
    }

    /**
     * Adopts the bytes or serde result of a host function (its packed long). The host wrote
     * it into a block from {@code wasp_alloc}, which the returned array is; it is the
     * plugin's.
     */
    public static byte[] takeBytes(long packed) {
        int ptr = (int) packed;
        int len = (int) (packed >>> 32);
        if (len == 0) {
            return new byte[0];
        }
        if (newerBlock != null && newerBase == ptr && newerBlock.length == len) {
            byte[] block = newerBlock;
            newerBlock = olderBlock;
            newerBase = olderBase;
            olderBlock = null;
            return block;
        }
        if (olderBlock != null && olderBase == ptr && olderBlock.length == len) {
            byte[] block = olderBlock;
            olderBlock = null;
            return block;
        }
        throw new IllegalStateException("Wasp: a host function returned " + Integer.toUnsignedString(len)
                + " bytes at 0x" + Integer.toHexString(ptr) + ", which is no block from wasp_alloc");
    }

    /** Adopts the string result of a host function (its packed long). */
    public static String takeString(long packed) {
        return new String(takeBytes(packed), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------------------------------
    // Panics (docs/ABI.md section 6)

    /**
     * Reports {@code t} to the host, which ends the call: its caller gets {@code Error::Panic}
     * with the exception's type and message ({@code java.lang.IllegalStateException: ...}) and
     * the location of the plugin's own frame it came from, the first below the JDK, TeaVM and
     * this library ({@code wasp/example/greeter/Greeter.java:42}; column 0, which Java does not
     * record). The instance is poisoned afterwards. Never returns; declared to return an error
     * so that a method can {@code throw Wasp.panic(t)} and satisfy the compiler.
     */
    public static Error panic(Throwable t) {
        String message = describe(t);
        StackTraceElement frame = pluginFrame(t.getStackTrace());
        String file = "";
        int line = 0;
        if (frame != null) {
            file = sourcePath(frame);
            line = Math.max(frame.getLineNumber(), 0);
        }
        byte[] msg = utf8(message);
        byte[] path = utf8(file);
        // No allocation from here to the import: the addresses stay valid.
        hostPanic(address(msg), msg.length, address(path), path.length, line, 0);
        // wasp.panic never returns; a host that let it would otherwise see the call go on.
        throw new Error(message, t);
    }

    /** The exception's type and message, as Throwable.toString gives them on a JVM. */
    static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null ? typeName(t) : typeName(t) + ": " + message;
    }

    /**
     * The exception's class name. TeaVM keeps a class's name only when its program asks for
     * it, which it cannot see for the exceptions its runtime raises itself (an array index or
     * a null pointer checked by the compiled code); those are named here instead.
     */
    static String typeName(Throwable t) {
        String name = t.getClass().getName();
        if (name != null) {
            return name;
        }
        if (t instanceof ArrayIndexOutOfBoundsException) {
            return "java.lang.ArrayIndexOutOfBoundsException";
        } else if (t instanceof NullPointerException) {
            return "java.lang.NullPointerException";
        } else if (t instanceof ClassCastException) {
            return "java.lang.ClassCastException";
        } else if (t instanceof ArithmeticException) {
            return "java.lang.ArithmeticException";
        } else if (t instanceof NegativeArraySizeException) {
            return "java.lang.NegativeArraySizeException";
        } else if (t instanceof ArrayStoreException) {
            return "java.lang.ArrayStoreException";
        } else if (t instanceof OutOfMemoryError) {
            return "java.lang.OutOfMemoryError";
        } else if (t instanceof StackOverflowError) {
            return "java.lang.StackOverflowError";
        } else if (t instanceof RuntimeException) {
            return "java.lang.RuntimeException";
        } else if (t instanceof Error) {
            return "java.lang.Error";
        }
        return "java.lang.Throwable";
    }

    /**
     * The frame to blame: the first one of the plugin's own code. The frames above it are the
     * exception's constructors, TeaVM's helpers that raise runtime exceptions, the JDK method
     * the plugin called, or this library, none of which the plugin's author can change.
     */
    static StackTraceElement pluginFrame(StackTraceElement[] frames) {
        if (frames == null) {
            return null;
        }
        for (StackTraceElement frame : frames) {
            String cls = frame.getClassName();
            if (cls != null && !cls.isEmpty() && !cls.startsWith("java.") && !cls.startsWith("javax.")
                    && !cls.startsWith("jdk.") && !cls.startsWith("sun.") && !cls.startsWith("org.teavm.")
                    && !cls.startsWith("wasp.guest.")) {
                return frame;
            }
        }
        return null;
    }

    /** {@code wasp/example/greeter/Greeter.java}: the frame's file under its package's directory. */
    static String sourcePath(StackTraceElement frame) {
        String file = frame.getFileName();
        String cls = frame.getClassName();
        if (file == null) {
            return cls.replace('.', '/') + ".java";
        }
        int dot = cls.lastIndexOf('.');
        return dot < 0 ? file : cls.substring(0, dot).replace('.', '/') + "/" + file;
    }

    // ---------------------------------------------------------------------------------------
    // Logging (docs/ABI.md section 7)

    /** The host's log levels, most severe first; their ordinals are the ABI's numbers minus one. */
    public enum Level {
        ERROR, WARN, INFO, DEBUG, TRACE;

        int abi() {
            return ordinal() + 1;
        }
    }

    /** Whether the host wants lines at {@code level} now; it may change between calls. */
    public static boolean logEnabled(Level level) {
        return level.abi() <= hostLogLevel();
    }

    /** Sends one line to the host's logging at {@code level}, if the host wants it. */
    public static void log(Level level, String line) {
        if (logEnabled(level)) {
            send(level, line);
        }
    }

    /** As {@link #log(Level, String)}, building the line only when the host wants it. */
    public static void log(Level level, Supplier<String> line) {
        if (logEnabled(level)) {
            send(level, line.get());
        }
    }

    private static void send(Level level, String line) {
        byte[] text = utf8(line);
        hostLog(level.abi(), address(text), text.length);
    }

    public static void error(String line) {
        log(Level.ERROR, line);
    }

    public static void warn(String line) {
        log(Level.WARN, line);
    }

    public static void info(String line) {
        log(Level.INFO, line);
    }

    public static void debug(String line) {
        log(Level.DEBUG, line);
    }

    public static void trace(String line) {
        log(Level.TRACE, line);
    }

    // ---------------------------------------------------------------------------------------
    // The contract descriptor (docs/ABI.md section 8)

    /**
     * The body of the plugin's {@code wasp_contract} export: TeaVM cannot emit custom sections,
     * so the host asks the plugin for its descriptor, the exact text of the host's contract.
     *
     * <pre>{@code
     * @Export(name = "wasp_contract")
     * public static long contract() {
     *     return Wasp.contract(CONTRACT);
     * }
     * }</pre>
     */
    public static long contract(String descriptor) {
        try {
            return returnString(descriptor);
        } catch (Throwable t) {
            throw panic(t);
        }
    }
}
