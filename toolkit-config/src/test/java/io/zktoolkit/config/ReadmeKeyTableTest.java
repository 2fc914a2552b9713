package io.zktoolkit.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.settings.SettingKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The root README's key table must say exactly what the code declares, so the two cannot drift. */
class ReadmeKeyTableTest {

    static String row(SettingKey<?> key) {
        return "| `" + key.name() + "` | " + key.type().describe() + " | "
                + (key.defaultText() == null ? "(none)" : "`" + key.defaultText() + "`") + " | " + key.meaning() + " |";
    }

    @Test
    void everyKeyHasItsRowAndNoRowNamesAnUndeclaredKey() throws Exception {
        Path readme = Path.of(System.getProperty("basedir", "."), "..", "README.md").normalize();
        List<String> lines = Files.readAllLines(readme);
        for (SettingKey<?> key : ToolkitKeys.ALL) {
            assertThat(lines).as("README row for " + key.name()).contains(row(key));
        }
        List<String> documented = lines.stream().filter(l -> l.startsWith("| `zk."))
                .map(l -> l.substring(3, l.indexOf('`', 3))).toList();
        assertThat(documented).containsExactlyElementsOf(ToolkitKeys.ALL.stream().map(SettingKey::name).toList());
    }
}
