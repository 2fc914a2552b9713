package io.zktoolkit.config.settings;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding that fails on invalid bytes instead of silently replacing them: for data read
 * back from ZooKeeper, a value with replaced characters would be a different value.
 */
public final class StrictUtf8 {
    private StrictUtf8() {
    }

    /**
     * Decodes {@code bytes}.
     *
     * @throws CharacterCodingException when they are not valid UTF-8
     */
    public static String decode(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }
}
