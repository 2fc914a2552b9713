package io.zktoolkit.locks.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the commit marker reader: a commit decision rests on it, so any bytes either read as a
 * marker (which then re-encodes to the same marker) or fail with {@link IllegalStateException}
 * naming the marker's path; never another exception. Seeds in {@code CommitMarkerFuzzTestInputs/}.
 */
class CommitMarkerFuzzTest {
    private static final String PATH = "/jobs/fuzz/commits/stage-1/part-00003";

    @FuzzTest(maxDuration = "60s")
    void markerBytes(byte[] data) {
        CommitMarker read;
        try {
            read = CommitMarker.decode(PATH, data);
        } catch (IllegalStateException e) {
            assertThat(e.getMessage()).startsWith("Commit marker " + PATH + " does not hold a commit record");
            return;
        }
        assertThat(CommitMarker.decode(PATH, read.encode())).isEqualTo(read);
    }
}
