package io.zktoolkit.config.settings;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.zktoolkit.config.ToolkitSettings;
import java.nio.file.Path;
import java.util.Map;

/**
 * Fuzzes the properties-file reader and the {@code zk.*} settings parser with arbitrary bytes.
 * Property: the bytes either become valid {@link ToolkitSettings} or a {@link SettingsException}
 * naming the source with a message; never another exception. Valid settings written back as
 * text (their {@code describe()}) parse to the same settings. In a normal build this replays
 * {@code SettingsFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (see the module README).
 */
class SettingsFuzzTest {
    private static final String SOURCE = "/fuzz/job.properties";
    /** No environment, no system properties, {@code ${file:...}} relative to a folder that does not exist. */
    private static final Interpolator NOTHING = new Interpolator(k -> null, k -> null, Path.of("/nonexistent-zktoolkit-fuzz"));

    @FuzzTest(maxDuration = "60s")
    void propertiesFileBytes(byte[] data) {
        ToolkitSettings settings;
        try {
            Map<String, String> raw = PropertiesFile.parse(data, SOURCE);
            settings = ToolkitSettings.fromMap(raw, SOURCE, NOTHING);
        } catch (SettingsException e) {
            assertThat(e.getMessage()).startsWith("Invalid settings in " + SOURCE).hasSizeGreaterThan(30);
            assertThat(e.problems()).isNotEmpty().allSatisfy(p -> assertThat(p.message()).isNotBlank());
            return;
        }
        Map<String, String> described = settings.describe();
        if (described.containsValue(Secret.mask())) {
            return; // a masked secret cannot be read back, by design
        }
        Map<String, String> asWritten = new java.util.LinkedHashMap<>();
        described.forEach((k, v) -> asWritten.put(k, v.replace("${", "$${"))); // a resolved value is literal text
        ToolkitSettings again = ToolkitSettings.fromMap(asWritten, SOURCE, NOTHING);
        assertThat(again.describe()).isEqualTo(described);
    }
}
