package io.zktoolkit.it.harness;

/** A child JVM for {@link ChildJvmTest}: prints "tick N" every 100 ms until killed. */
public final class TickingMain {

    private TickingMain() {
    }

    /**
     * Prints ticks forever.
     *
     * @param args ignored
     * @throws InterruptedException never in practice; the process is killed from outside
     */
    public static void main(String[] args) throws InterruptedException {
        for (int tick = 1; ; tick++) {
            System.out.println("tick " + tick);
            Thread.sleep(100);
        }
    }
}
