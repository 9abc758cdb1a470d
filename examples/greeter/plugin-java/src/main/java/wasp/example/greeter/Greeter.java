package wasp.example.greeter;

import org.teavm.interop.Export;
import org.teavm.interop.Import;
import wasp.guest.Postcard;
import wasp.guest.Wasp;

/**
 * The Greeter plugin in Java: the same contract as examples/greeter/plugin (Rust), written
 * against the ABI with the guest library of guests/java. `cargo xtask plugins` builds it with
 * TeaVM into examples/greeter/plugins/greeter-java.wasm; docs/guests/java.md shows how to build
 * it by hand.
 */
public final class Greeter {
    private Greeter() {
    }

    /**
     * The contract this plugin implements, exactly as the host describes it (docs/ABI.md
     * section 8): the host refuses the plugin if it differs in any way.
     */
    private static final String CONTRACT = "wasp-contract 1\n"
            + "contract Greeter\n"
            + "method hello(String) -> String\n"
            + "method sum(i32, i32) -> i32\n"
            + "method reverse(Vec<u8>) -> Vec<u8>\n"
            + "method callback() -> String\n"
            + "method fail() -> Result<(), String>\n"
            + "host GreeterHost\n"
            + "import call_me(String) -> String\n";

    @Export(name = "wasp_contract")
    public static long contract() {
        return Wasp.contract(CONTRACT);
    }

    /** GreeterHost.call_me(name: String) -> String, provided by the host. */
    @Import(module = "GreeterHost", name = "call_me")
    private static native long callMe(int namePtr, int nameLen);

    @Export(name = "hello")
    public static long hello(int namePtr, int nameLen) {
        try {
            return Wasp.returnString("Hello " + Wasp.string(namePtr, nameLen));
        } catch (Throwable t) {
            throw Wasp.panic(t);
        }
    }

    @Export(name = "sum")
    public static int sum(int a, int b) {
        // Java's int addition wraps, like the Rust plugin's wrapping_add.
        return a + b;
    }

    @Export(name = "reverse")
    public static long reverse(int dataPtr, int dataLen) {
        try {
            // The only buffer argument is the whole argument block: no copy, reversed in place.
            byte[] data = Wasp.bytes(dataPtr, dataLen);
            for (int i = 0, j = data.length - 1; i < j; i++, j--) {
                byte b = data[i];
                data[i] = data[j];
                data[j] = b;
            }
            return Wasp.returnBytes(data);
        } catch (Throwable t) {
            throw Wasp.panic(t);
        }
    }

    @Export(name = "callback")
    public static long callback() {
        try {
            byte[] name = Wasp.utf8("Nic");
            return Wasp.returnString(Wasp.takeString(callMe(Wasp.address(name), name.length)));
        } catch (Throwable t) {
            throw Wasp.panic(t);
        }
    }

    @Export(name = "fail")
    public static long fail() {
        try {
            // Result<(), String>::Err("Ooops") in postcard: 01 05 4f 6f 6f 70 73.
            return Wasp.returnValue(new Postcard.Writer().err().string("Ooops"));
        } catch (Throwable t) {
            throw Wasp.panic(t);
        }
    }

    /** TeaVM compiles a program from its main method; the host never calls it. */
    public static void main(String[] args) {
    }
}
