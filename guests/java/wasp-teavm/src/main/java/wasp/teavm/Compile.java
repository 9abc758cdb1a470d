package wasp.teavm;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.teavm.diagnostics.DefaultProblemTextConsumer;
import org.teavm.diagnostics.Problem;
import org.teavm.diagnostics.ProblemSeverity;
import org.teavm.tooling.TeaVMTargetType;
import org.teavm.tooling.TeaVMTool;
import org.teavm.tooling.TeaVMToolLog;
import org.teavm.vm.TeaVMOptimizationLevel;

/**
 * Compiles a Wasp plugin class to a WebAssembly module with TeaVM's WASI target: the step that
 * TeaVM's own Maven plugin would do, for the TeaVM release whose Maven plugin is not published
 * (docs/guests/java.md). Plugin builds run it from Maven's exec plugin:
 *
 * <pre>
 *   java -cp &lt;the plugin's classes and every dependency&gt; wasp.teavm.Compile \
 *       --main-class wasp.example.greeter.Greeter --output target/greeter-java.wasm \
 *       [--min-heap 4194304] [--max-heap 134217728]
 * </pre>
 *
 * TeaVM reads the plugin's classes from this program's own class path, which therefore holds
 * the plugin, its dependencies and TeaVM's class library. Exits with status 1, after printing
 * TeaVM's diagnostics, when the plugin uses something TeaVM cannot compile.
 */
public final class Compile {
    private Compile() {
    }

    public static void main(String[] args) throws Exception {
        String mainClass = null;
        File output = null;
        // TeaVM's defaults; docs/guests/java.md says what they mean for a plugin.
        int minHeap = 4 << 20;
        int maxHeap = 128 << 20;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--main-class":
                    mainClass = value;
                    break;
                case "--output":
                    output = value == null ? null : new File(value);
                    break;
                case "--min-heap":
                    minHeap = Integer.parseInt(value);
                    break;
                case "--max-heap":
                    maxHeap = Integer.parseInt(value);
                    break;
                default:
                    usage("unknown argument " + args[i]);
                    return;
            }
            i++;
        }
        if (mainClass == null || output == null) {
            usage("--main-class and --output are required");
            return;
        }
        System.exit(compile(mainClass, output, minHeap, maxHeap) ? 0 : 1);
    }

    private static void usage(String problem) {
        System.err.println("wasp.teavm.Compile: " + problem);
        System.err.println("usage: wasp.teavm.Compile --main-class CLASS --output FILE.wasm"
                + " [--min-heap BYTES] [--max-heap BYTES]");
        System.exit(2);
    }

    static boolean compile(String mainClass, File output, int minHeap, int maxHeap) throws Exception {
        File dir = output.getAbsoluteFile().getParentFile();
        // TeaVM writes into a directory of its own, so a failed build never leaves a stale
        // module under the expected name.
        File work = new File(dir, output.getName() + ".teavm");
        Files.createDirectories(work.toPath());
        Files.deleteIfExists(output.toPath());

        TeaVMTool tool = new TeaVMTool();
        tool.setTargetType(TeaVMTargetType.WEBASSEMBLY_WASI);
        tool.setMainClass(mainClass);
        tool.setTargetDirectory(work);
        tool.setTargetFileName(output.getName());
        // ADVANCED rather than FULL: FULL inlines methods into their callers and then records
        // only the caller's line, so an exception would name the call instead of the throw.
        // ADVANCED keeps every frame and, measured on the Greeter, makes a smaller module.
        tool.setOptimizationLevel(TeaVMOptimizationLevel.ADVANCED);
        // Not obfuscated: class, method and file names stay in the module, so that a plugin's
        // exceptions can name the frame they come from. No debug information: it would only
        // add DWARF-like sections that the host does not read.
        tool.setObfuscated(false);
        tool.setDebugInformationGenerated(false);
        tool.setIncremental(false);
        tool.setMinHeapSize(minHeap);
        tool.setMaxHeapSize(maxHeap);
        List<File> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                classPath.add(new File(entry));
            }
        }
        tool.setClassPath(classPath);
        tool.setLog(new Log());
        tool.generate();

        boolean failed = false;
        DefaultProblemTextConsumer text = new DefaultProblemTextConsumer();
        for (Problem problem : tool.getProblemProvider().getProblems()) {
            text.clear();
            problem.render(text);
            boolean severe = problem.getSeverity() == ProblemSeverity.ERROR;
            failed |= severe;
            String where = problem.getLocation() != null && problem.getLocation().getMethod() != null
                    ? " (in " + problem.getLocation().getMethod() + ")"
                    : "";
            System.err.println((severe ? "error: " : "warning: ") + text.getText() + where);
        }
        File built = new File(work, output.getName());
        if (failed || !built.isFile()) {
            System.err.println("wasp.teavm.Compile: TeaVM could not compile " + mainClass);
            return false;
        }
        move(built, output);
        // Empty now, unless TeaVM wrote more than the module; then it stays for a look.
        try {
            Files.deleteIfExists(work.toPath());
        } catch (DirectoryNotEmptyException e) {
            System.err.println("wasp.teavm.Compile: TeaVM also wrote files into " + work);
        }
        return true;
    }

    private static void move(File from, File to) throws IOException {
        Files.move(from.toPath(), to.toPath(), StandardCopyOption.REPLACE_EXISTING);
    }

    /** TeaVM's progress lines are noise in a build; warnings and errors are kept. */
    private static final class Log implements TeaVMToolLog {
        @Override
        public void info(String text) {
        }

        @Override
        public void debug(String text) {
        }

        @Override
        public void warning(String text) {
            System.err.println("teavm: warning: " + text);
        }

        @Override
        public void error(String text) {
            System.err.println("teavm: error: " + text);
        }

        @Override
        public void info(String text, Throwable e) {
        }

        @Override
        public void debug(String text, Throwable e) {
        }

        @Override
        public void warning(String text, Throwable e) {
            warning(text + ": " + e);
        }

        @Override
        public void error(String text, Throwable e) {
            error(text + ": " + e);
        }
    }
}
