package io.zktoolkit.examples.world.sqoop;

/**
 * The machine-readable lines a main prints for the launcher: one line per event, flushed at once,
 * so the launcher can wait on it and a kill -9 loses nothing already said. Logs go to stderr.
 */
final class Console {
    private Console() {
    }

    /** Prints {@code line} on stdout and flushes. */
    static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** The message of {@code e} and its causes, on one line, without stack traces. */
    static String reason(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 600; t = t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (text.indexOf(message) < 0) {
                text.append(text.length() == 0 ? "" : "; caused by: ").append(message);
            }
        }
        return text.toString().replace('\n', ' ').replace('\r', ' ');
    }
}
