package io.zktoolkit.examples;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Output and exit code of one launcher run, made as a user makes it: the same entry point as
 * {@code main}, with the output captured.
 */
record LauncherRun(int code, String out, String err) {
    static LauncherRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ZkToolkitLauncher.run(new PrintWriter(out), new PrintWriter(err), args);
        return new LauncherRun(code, out.toString(), err.toString());
    }
}
