package io.zktoolkit.config;

/**
 * What ZooKeeper accepts in one znode, and how to show a rejected name. A request larger than
 * {@code jute.maxbuffer} is not refused with an error: the server drops the connection, the
 * client retries the same request and loses the connection again, so every module checks its
 * data against {@link #requireFits} before writing.
 */
public final class ZnodeLimits {
    /** Room kept in a request for the path, the header and a transaction's framing. */
    public static final int REQUEST_OVERHEAD = 16 * 1024;

    private ZnodeLimits() {
    }

    /** ZooKeeper's request size limit as this JVM's client sees it ({@code jute.maxbuffer}). */
    public static int juteMaxBuffer() {
        return Integer.getInteger("jute.maxbuffer", 0xfffff);
    }

    /** The most data one znode write of this toolkit may carry. */
    public static int maxDataBytes() {
        return juteMaxBuffer() - REQUEST_OVERHEAD;
    }

    /**
     * Returns {@code data} if it fits one znode write.
     *
     * @param what the znode or value, for the message (for example {@code "Checkpoint sqoop/orders (/checkpoints/sqoop/orders)"})
     * @throws IllegalArgumentException naming {@code what}, its size and the limit; nothing was written
     */
    public static byte[] requireFits(String what, byte[] data) {
        if (data.length > maxDataBytes()) {
            throw new IllegalArgumentException(what + " would be " + data.length + " bytes, over the node size limit of "
                    + maxDataBytes() + " bytes (jute.maxbuffer " + juteMaxBuffer() + " less " + REQUEST_OVERHEAD
                    + " for the request). Nothing was written");
        }
        return data;
    }

    /** {@code text} with control characters shown as {@code \\uXXXX}, so a bad name cannot garble the message quoting it. */
    public static String printable(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
