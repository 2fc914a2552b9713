package io.zktoolkit.benchmarks;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** An in-memory case whose sides return scripted samples, so the harness arithmetic can be checked exactly. */
final class FakeCase implements BenchmarkCase {
    final List<String> calls = new ArrayList<>();
    private final String name;
    private final Direction direction;
    private final int warmups;
    private final Deque<Object> toolkitScript;
    private final Deque<Object> baselineScript;
    boolean tornDown;

    /**
     * Each script item is either a sample (a Double) or an exception the trial throws instead.
     * Scripts cover warmups first, then measured trials.
     */
    FakeCase(String name, Direction direction, int warmups, List<?> toolkitScript, List<?> baselineScript) {
        this.name = name;
        this.direction = direction;
        this.warmups = warmups;
        this.toolkitScript = new ArrayDeque<>(toolkitScript);
        this.baselineScript = new ArrayDeque<>(baselineScript);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String unit() {
        return "ms";
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public int warmups() {
        return warmups;
    }

    @Override
    public int trials() {
        return 10;
    }

    @Override
    public Side toolkit() {
        return new Side("fake toolkit", () -> next("toolkit", toolkitScript));
    }

    @Override
    public Side baseline() {
        return new Side("fake | baseline \"quoted\"", () -> next("baseline", baselineScript));
    }

    @Override
    public void tearDown() {
        tornDown = true;
    }

    private double next(String side, Deque<Object> script) throws Exception {
        calls.add(side);
        Object item = script.removeFirst();
        if (item instanceof Exception e) {
            throw e;
        }
        return ((Number) item).doubleValue();
    }
}
