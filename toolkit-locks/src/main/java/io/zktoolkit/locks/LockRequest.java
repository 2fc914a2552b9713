package io.zktoolkit.locks;

import java.util.List;
import java.util.Objects;

/**
 * A request for a lock on an object of a {@link HierarchyLock}: the object as a path of segments
 * below the tree's root (none for the root itself, {@code [orders, ds=1]} for a partition of
 * table {@code orders}) and the mode.
 *
 * <p>Conflicts follow Hive's lock manager, where a lock on an object implies a shared lock on
 * each of its ancestors: two requests conflict when they are on the same object in conflicting
 * modes, or when one is exclusive and the other is on an object inside it. A shared lock on a
 * table therefore waits for an exclusive one on its database and blocks an exclusive one on the
 * table, but not an exclusive one on one of its partitions.
 *
 * @param object the segments from the root; none may be empty or contain {@code /}
 * @param mode how the object is held
 */
public record LockRequest(List<String> object, LockMode mode) {

    /** @throws IllegalArgumentException naming the bad segment */
    public LockRequest {
        Objects.requireNonNull(mode, "mode");
        object = List.copyOf(object);
        for (String segment : object) {
            if (segment.isEmpty() || segment.contains("/")) {
                throw new IllegalArgumentException("Invalid object segment '" + segment + "' in " + object
                        + ": segments must be non-empty and must not contain '/'");
            }
        }
    }

    /** Whether this request and {@code other} may not be granted at once. */
    public boolean conflictsWith(LockRequest other) {
        if (object.equals(other.object)) {
            return mode.conflictsWith(other.mode);
        }
        return (mode == LockMode.EXCLUSIVE && other.isInside(object))
                || (other.mode == LockMode.EXCLUSIVE && isInside(other.object));
    }

    private boolean isInside(List<String> ancestor) {
        return object.size() > ancestor.size() && object.subList(0, ancestor.size()).equals(ancestor);
    }

    /** The object as a path, {@code /} for the root. */
    public String objectPath() {
        return "/" + String.join("/", object);
    }
}
