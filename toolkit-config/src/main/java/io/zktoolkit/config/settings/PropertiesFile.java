package io.zktoolkit.config.settings;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads a properties file strictly: UTF-8 only (a stray Latin-1 byte is reported with its line,
 * not turned into a replacement character), and a key written twice is an error, because
 * {@link Properties#load} would silently keep the last one.
 */
public final class PropertiesFile {
    private PropertiesFile() {
    }

    /**
     * Reads {@code file} into an ordered map.
     *
     * @throws SettingsException naming the file when it is missing, is a directory, cannot be
     *         read, is not UTF-8, is malformed, or repeats a key
     */
    public static Map<String, String> read(Path file) {
        String source = file.toAbsolutePath().toString();
        if (!Files.exists(file)) {
            throw new SettingsException(source, "the file does not exist (working directory: "
                    + Path.of("").toAbsolutePath() + ")", null);
        }
        if (Files.isDirectory(file)) {
            throw new SettingsException(source, "this is a directory; expected a properties file", null);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (AccessDeniedException e) {
            throw new SettingsException(source, "the file cannot be read: permission denied", e);
        } catch (NoSuchFileException e) {
            throw new SettingsException(source, "the file does not exist", e);
        } catch (IOException e) {
            throw new SettingsException(source, "the file cannot be read: " + e, e);
        }
        return parse(bytes, source);
    }

    /**
     * Parses the bytes of a properties file: strict UTF-8, then {@link #parse(String, String)}.
     * Separate from {@link #read} so the parser can be exercised (and fuzzed) without a file.
     *
     * @throws SettingsException naming {@code source} when the bytes are not UTF-8, are malformed
     *         or repeat a key
     */
    static Map<String, String> parse(byte[] bytes, String source) {
        String text;
        try {
            text = StrictUtf8.decode(bytes);
        } catch (CharacterCodingException e) {
            throw new SettingsException(source, "the file is not valid UTF-8 (first bad byte on line "
                    + lineOfFirstBadByte(bytes) + ")", e);
        }
        return parse(text, source);
    }

    /** Parses properties text, with the same duplicate-key check, for sources that are not files. */
    public static Map<String, String> parse(String text, String source) {
        List<String> duplicates = new ArrayList<>();
        Map<String, String> ordered = new LinkedHashMap<>();
        Properties recorder = new Properties() {
            private static final long serialVersionUID = 1L;

            @Override
            public synchronized Object put(Object key, Object value) {
                if (ordered.put((String) key, (String) value) != null) {
                    duplicates.add((String) key);
                }
                return super.put(key, value);
            }
        };
        try {
            recorder.load(new StringReader(text));
        } catch (IllegalArgumentException | IOException e) {
            throw new SettingsException(source, "the file is malformed: " + e.getMessage(), e);
        }
        if (!duplicates.isEmpty()) {
            throw new SettingsException(source, duplicates.stream()
                    .map(k -> new SettingsException.Problem(k, "the key is set more than once; keep one line"))
                    .toList());
        }
        return ordered;
    }

    private static int lineOfFirstBadByte(byte[] bytes) {
        int line = 1;
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xff;
            int length = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 0;
            if (length == 0 || i + length > bytes.length) {
                return line;
            }
            for (int k = 1; k < length; k++) {
                if ((bytes[i + k] & 0xc0) != 0x80) {
                    return line;
                }
            }
            if (b == '\n') {
                line++;
            }
            i += length;
        }
        return line;
    }
}
