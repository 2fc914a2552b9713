package io.zktoolkit.examples.world.sqoop;

import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.settings.SettingType;
import java.time.Duration;

/**
 * The import workers' live tuning, as one version of their configuration set holds it. Absent
 * keys take their defaults; a value of the wrong type is an error naming the key and the version.
 *
 * @param version the set's version (0 when the set was never published)
 * @param mappers {@value #MAPPERS}: Sqoop's --num-mappers (default 1); more than one splits on {@code id}
 * @param fetchSize {@value #FETCH_SIZE}: Sqoop's --fetch-size, rows per round trip (default 1000)
 * @param sourceMaxMappers {@value #SOURCE_MAX_MAPPERS}: the most mappers all imports may hold on the source at once (default 4)
 * @param delay {@value #DELAY}: for demos only, a pause with the table's guard held before Sqoop starts (default 0),
 *     so that a worker can be killed in the middle of an import on cue
 */
record WorkerTuning(long version, int mappers, int fetchSize, int sourceMaxMappers, Duration delay) {
    static final String MAPPERS = "import.mappers";
    static final String FETCH_SIZE = "import.fetch-size";
    static final String SOURCE_MAX_MAPPERS = "source.max-mappers";
    static final String DELAY = "import.delay";

    /**
     * The tuning of {@code snapshot}.
     *
     * @throws io.zktoolkit.config.live.ConfigValueException naming the key and version at fault
     */
    static WorkerTuning of(ConfigSnapshot snapshot) {
        return new WorkerTuning(snapshot.version(),
                snapshot.get(MAPPERS, SettingType.integer(1, 256), 1),
                snapshot.get(FETCH_SIZE, SettingType.integer(1, 1_000_000), 1000),
                snapshot.get(SOURCE_MAX_MAPPERS, SettingType.integer(1, 1024), 4),
                snapshot.getDuration(DELAY, Duration.ZERO));
    }

    /** The {@code CONFIG} line: {@code CONFIG <version> mappers=<m> fetch-size=<f> cap=<c>}, then {@code delay=} when set. */
    String line() {
        return "CONFIG " + version + " mappers=" + mappers + " fetch-size=" + fetchSize + " cap=" + sourceMaxMappers
                + (delay.isZero() ? "" : " delay=" + delay.toMillis() + "ms");
    }
}
