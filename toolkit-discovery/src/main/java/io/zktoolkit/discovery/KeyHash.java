package io.zktoolkit.discovery;

/**
 * The 64-bit hash of keys and ring points: FNV-1a over the UTF-16 units, then MurmurHash3's
 * finalizer so that keys differing in one character land far apart on the ring. No allocation.
 */
public final class KeyHash {
    private KeyHash() {
    }

    /** The hash of {@code key}. */
    public static long of(CharSequence key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** The hash of a number, for keys that already are numbers (record ids, partition keys). */
    public static long of(long key) {
        return mix(key ^ 0x9e3779b97f4a7c15L);
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
