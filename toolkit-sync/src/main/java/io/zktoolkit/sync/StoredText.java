package io.zktoolkit.sync;

import io.zktoolkit.config.settings.StrictUtf8;
import java.nio.charset.CharacterCodingException;

/** Reading the text every znode of this module holds, strictly, so damage is reported instead of read. */
public final class StoredText {
    private StoredText() {
    }

    /**
     * Strict UTF-8: a value with replaced characters would be a different value.
     *
     * @throws CorruptSyncDataException naming {@code path} when the data is empty or not UTF-8
     */
    public static String decode(String path, byte[] data) {
        if (data == null || data.length == 0) {
            throw new CorruptSyncDataException(path, "the znode is empty");
        }
        try {
            return StrictUtf8.decode(data);
        } catch (CharacterCodingException e) {
            throw new CorruptSyncDataException(path, "the data is not UTF-8 text (" + data.length + " bytes)");
        }
    }

    /** The start of a line, short enough for an error message. */
    public static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }
}
