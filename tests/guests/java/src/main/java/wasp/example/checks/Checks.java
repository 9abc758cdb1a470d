package wasp.example.checks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.teavm.interop.Export;
import wasp.guest.Postcard;
import wasp.guest.Wasp;

/**
 * The GuestChecks plugin in Java: what the guest library of guests/java does beyond the
 * Greeter, checked by tests/guest_libraries.rs. Exceptions thrown by the plugin and by
 * TeaVM's runtime, log lines at every level, and postcard values of every kind.
 */
public final class Checks {
    private Checks() {
    }

    private static final String CONTRACT = "wasp-contract 1\n"
            + "contract GuestChecks\n"
            + "method panic_with(String)\n"
            + "method element(u32) -> u32\n"
            + "method log_line(u32, String) -> bool\n"
            + "method echo_option(Option<String>) -> Option<String>\n"
            + "method echo_result(Result<u32, String>) -> Result<u32, String>\n"
            + "method echo_vec(Vec<i64>) -> Vec<i64>\n"
            + "method echo_record(Record) -> Record\n"
            + "struct Record { id: u64, name: String, tags: Vec<String>, shape: Shape, inner: Option<Record>,"
            + " scores: Map<String, f64> }\n"
            + "enum Shape { Empty, Circle(f32), Rect { w: u32, h: u32 }, Path(Vec<(i16, i16)>) }\n";

    @Export(name = "wasp_contract")
    public static long contract() {
        return Wasp.contract(CONTRACT);
    }

    @Export(name = "panic_with")
    public static void panicWith(int messagePtr, int messageLen) {
        try {
            refuse(Wasp.string(messagePtr, messageLen));
        } catch (Throwable t) {
            throw Wasp.panic(t);
        }
    }

    /** A frame below the export: the location names this line, where the exception is made. */
    private static void refuse(String message) {
        throw new IllegalStateException(message);
    }

    private static final int[] ELEMENTS = {10, 20, 30};

    @Export(name = "element")
    public static int element(int index) {
        try {
            // Past the end, TeaVM's runtime throws an ArrayIndexOutOfBoundsException.
            return ELEMENTS[index];
        } catch (Throwable t) {
            throw Wasp.panic(t);
        }
    }

    @Export(name = "log_line")
    public static boolean logLine(int level, int messagePtr, int messageLen) {
        try {
            Wasp.Level wanted = Wasp.Level.values()[level - 1];
            String message = Wasp.string(messagePtr, messageLen);
            // The supplier runs only when the host wants the line.
            Wasp.log(wanted, () -> message);
            return Wasp.logEnabled(wanted);
        } catch (Throwable t) {
            throw Wasp.panic(t);
        }
    }

    @Export(name = "echo_option")
    public static long echoOption(int ptr, int len) {
        try {
            Postcard.Reader in = Wasp.reader(ptr, len);
            String value = in.option(Postcard.Reader::string);
            in.finish();
            return Wasp.returnValue(new Postcard.Writer().option(value, Postcard.Writer::string));
        } catch (Throwable t) {
            throw Wasp.panic(t);
        }
    }

    @Export(name = "echo_result")
    public static long echoResult(int ptr, int len) {
        try {
            Postcard.Reader in = Wasp.reader(ptr, len);
            Postcard.Writer out = new Postcard.Writer();
            if (in.variant() == 0) {
                out.ok().varint(in.varint());
            } else {
                out.err().string(in.string());
            }
            in.finish();
            return Wasp.returnValue(out);
        } catch (Throwable t) {
            throw Wasp.panic(t);
        }
    }

    @Export(name = "echo_vec")
    public static long echoVec(int ptr, int len) {
        try {
            Postcard.Reader in = Wasp.reader(ptr, len);
            List<Long> values = in.seq(Postcard.Reader::signed);
            in.finish();
            return Wasp.returnValue(new Postcard.Writer().seq(values, Postcard.Writer::signed));
        } catch (Throwable t) {
            throw Wasp.panic(t);
        }
    }

    @Export(name = "echo_record")
    public static long echoRecord(int ptr, int len) {
        try {
            Postcard.Reader in = Wasp.reader(ptr, len);
            Record record = Record.read(in);
            in.finish();
            Postcard.Writer out = new Postcard.Writer();
            record.write(out);
            return Wasp.returnValue(out);
        } catch (Throwable t) {
            throw Wasp.panic(t);
        }
    }

    /** types_contract::Record, field by field in the struct's order. */
    static final class Record {
        long id;
        String name;
        List<String> tags;
        Shape shape;
        Record inner;
        // Insertion order is the host's order, which a BTreeMap sorts by key.
        Map<String, Double> scores;

        static Record read(Postcard.Reader in) {
            Record r = new Record();
            r.id = in.varint();
            r.name = in.string();
            r.tags = in.seq(Postcard.Reader::string);
            r.shape = Shape.read(in);
            r.inner = in.option(Record::read);
            r.scores = new LinkedHashMap<>();
            for (int n = in.length(); n > 0; n--) {
                String key = in.string();
                r.scores.put(key, in.f64());
            }
            return r;
        }

        void write(Postcard.Writer out) {
            out.varint(id).string(name).seq(tags, Postcard.Writer::string);
            shape.write(out);
            out.option(inner, (w, record) -> record.write(w));
            out.varint(scores.size());
            for (Map.Entry<String, Double> score : scores.entrySet()) {
                out.string(score.getKey()).f64(score.getValue());
            }
        }
    }

    /** types_contract::Shape: the variant index, then the variant's fields. */
    static final class Shape {
        static final int EMPTY = 0;
        static final int CIRCLE = 1;
        static final int RECT = 2;
        static final int PATH = 3;

        int variant;
        float radius;
        long w;
        long h;
        List<short[]> path;

        static Shape read(Postcard.Reader in) {
            Shape s = new Shape();
            s.variant = in.variant();
            switch (s.variant) {
                case EMPTY:
                    break;
                case CIRCLE:
                    s.radius = in.f32();
                    break;
                case RECT:
                    s.w = in.varint();
                    s.h = in.varint();
                    break;
                case PATH:
                    s.path = in.seq(point -> new short[] {(short) point.signed(), (short) point.signed()});
                    break;
                default:
                    throw new IllegalArgumentException("Shape has no variant " + s.variant);
            }
            return s;
        }

        void write(Postcard.Writer out) {
            out.variant(variant);
            switch (variant) {
                case CIRCLE:
                    out.f32(radius);
                    break;
                case RECT:
                    out.varint(w).varint(h);
                    break;
                case PATH:
                    out.seq(path, (w, point) -> w.signed(point[0]).signed(point[1]));
                    break;
                default:
                    break;
            }
        }
    }

    /** TeaVM compiles a program from its main method; the host never calls it. */
    public static void main(String[] args) {
    }
}
