package io.zktoolkit.config.live;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the values of secret keys with AES-256-GCM before they reach ZooKeeper, so anyone who
 * can read the znode (or a backup of the ensemble) sees only ciphertext. The set name and key are
 * bound in as associated data: a ciphertext copied to another key or set fails to decrypt.
 *
 * <p>The 32-byte key is supplied by the job, base64-encoded, from a file or an environment
 * variable; {@link #generateKey()} makes one.
 */
public final class SecretCodec {
    /** Prefix of every encrypted value as stored. */
    public static final String PREFIX = "enc:v1:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    private SecretCodec(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("an AES-256 key has 32 bytes, this one has " + raw.length
                    + "; make one with SecretCodec.generateKey()");
        }
        this.key = new SecretKeySpec(raw, "AES");
    }

    /** A codec from a base64-encoded 32-byte key. */
    public static SecretCodec fromBase64(String base64) {
        try {
            return new SecretCodec(Base64.getDecoder().decode(base64.trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The configuration secret key is not valid: " + e.getMessage());
        }
    }

    /** A codec whose key is the base64 text in {@code file}. */
    public static SecretCodec fromKeyFile(Path file) {
        try {
            return fromBase64(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("The configuration secret key file " + file.toAbsolutePath()
                    + " cannot be read: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (in " + file.toAbsolutePath() + ")", e);
        }
    }

    /** A codec whose key is the base64 text in environment variable {@code name}. */
    public static SecretCodec fromEnvironment(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Environment variable " + name + " holding the configuration secret key is not set");
        }
        try {
            return fromBase64(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (in environment variable " + name + ")", e);
        }
    }

    /** A new random key, base64-encoded, to keep in a file or secret manager. */
    public static String generateKey() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    /** Whether a stored value is ciphertext made by this class. */
    public static boolean isEncrypted(String stored) {
        return stored.startsWith(PREFIX);
    }

    String encrypt(ConfigSetName set, String configKey, String plain) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(associatedData(set, configKey));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(iv, IV_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    String decrypt(ConfigSetName set, String configKey, String stored) {
        if (!isEncrypted(stored)) {
            throw new ConfigValueException("Key '" + configKey + "' of configuration set " + set
                    + " is marked secret but its stored value is not encrypted");
        }
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
            cipher.updateAAD(associatedData(set, configKey));
            return new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigValueException("Key '" + configKey + "' of configuration set " + set
                    + " cannot be decrypted: wrong secret key, or the value was copied from another key or set");
        }
    }

    private static byte[] associatedData(ConfigSetName set, String configKey) {
        return (set.value() + "\n" + configKey).getBytes(StandardCharsets.UTF_8);
    }
}
