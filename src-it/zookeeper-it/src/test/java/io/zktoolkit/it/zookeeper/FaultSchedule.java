package io.zktoolkit.it.zookeeper;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The faults of {@link ChaosSoakIT}, drawn from a seeded {@link Random}: the same seed gives the same
 * faults, targets, holds and calm gaps in the same order, so a failing run can be replayed with
 * {@code -Dsoak.seed=N}. What a seed cannot fix is timing: which server leads when "the leader" is
 * killed, and where each workload is when a fault lands.
 *
 * <p>Faults come in two lanes that run side by side. The server lane takes one server down at a time
 * (kill -9, SIGSTOP, restart) and brings it back before the next, so two of three servers always form
 * a quorum; the client lane kills, freezes and expires clients.
 */
final class FaultSchedule {
    /** A sequence of faults, one at a time. */
    enum Lane {
        SERVERS, CLIENTS
    }

    /** What a fault does; {@code weight} is its share among its lane's draws. */
    enum Kind {
        /** kill -9 of a ZooKeeper server, down for the hold, then restarted on its data. */
        SERVER_KILL9(Lane.SERVERS, 45, 500, 3_000),
        /** SIGSTOP of a server for the hold, then SIGCONT: sockets open, nothing answered. */
        SERVER_PAUSE(Lane.SERVERS, 35, 500, 4_000),
        /** A server's process replaced at once by a new one on the same data. */
        SERVER_RESTART(Lane.SERVERS, 20, 0, 0),
        /** kill -9 of a fleet worker JVM, restarted under the same member id after the hold. */
        WORKER_KILL9(Lane.CLIENTS, 25, 500, 4_000),
        /** SIGSTOP of a fleet worker for the hold (about half the time past its session). */
        WORKER_PAUSE(Lane.CLIENTS, 20, 1_000, 6_000),
        /** SIGSTOP of the fenced counter's lock holder past its session: its late write must be refused. */
        LOCK_HOLDER_PAUSE(Lane.CLIENTS, 20, 0, 0),
        /** kill -9 of a lock client, replaced after the hold by a new client with a new id. */
        LOCK_CLIENT_KILL9(Lane.CLIENTS, 15, 500, 2_000),
        /** The session of an in-process client (config watcher, publisher, discovery) expired from the server side. */
        SESSION_EXPIRY(Lane.CLIENTS, 20, 0, 0);

        final Lane lane;
        final int weight;
        final int minHoldMillis;
        final int maxHoldMillis;

        Kind(Lane lane, int weight, int minHoldMillis, int maxHoldMillis) {
            this.lane = lane;
            this.weight = weight;
            this.minHoldMillis = minHoldMillis;
            this.maxHoldMillis = maxHoldMillis;
        }
    }

    /** A server fault's target meaning "whichever server leads when the fault lands". */
    static final int LEADER = -1;

    /**
     * One planned fault.
     *
     * @param number its position in its lane, from 1
     * @param target a server index or {@link #LEADER}, a worker or lock client slot, an in-process client
     *     index; unused for {@link Kind#LOCK_HOLDER_PAUSE}
     * @param calmBefore how long the lane waits before injecting it
     * @param hold how long the target stays down or frozen
     */
    record Fault(int number, Kind kind, int target, Duration calmBefore, Duration hold) {
        @Override
        public String toString() {
            String who = kind.lane == Lane.SERVERS && target == LEADER ? "leader" : Integer.toString(target);
            return String.format(Locale.ROOT, "%s #%d %s target %s hold %d ms after %d ms calm", kind.lane, number, kind,
                    who, hold.toMillis(), calmBefore.toMillis());
        }
    }

    /** How many of each target there are to draw from. */
    record Targets(int servers, int workers, int lockClients, int inProcessClients) {
    }

    /** The shortest and longest calm gap before a fault, per lane, in ms. */
    private static final Map<Lane, int[]> CALM_MILLIS = Map.of(Lane.SERVERS, new int[] {1_000, 3_000},
            Lane.CLIENTS, new int[] {500, 2_500});

    private final long seed;
    private final Targets targets;
    private final Duration lockHolderPause;
    private final Map<Lane, Random> randoms = new EnumMap<>(Lane.class);
    private final Map<Lane, Integer> drawn = new EnumMap<>(Lane.class);

    /**
     * @param lockHolderPause how long a frozen lock holder stays frozen: past its session timeout
     */
    FaultSchedule(long seed, Targets targets, Duration lockHolderPause) {
        this.seed = seed;
        this.targets = targets;
        this.lockHolderPause = lockHolderPause;
        Random root = new Random(seed);
        for (Lane lane : Lane.values()) {
            randoms.put(lane, new Random(root.nextLong()));
            drawn.put(lane, 0);
        }
    }

    long seed() {
        return seed;
    }

    /** The lane's next fault; each lane's sequence depends on the seed alone, not on the other lane. */
    synchronized Fault next(Lane lane) {
        Random random = randoms.get(lane);
        List<Kind> kinds = List.of(Kind.values()).stream().filter(k -> k.lane == lane).toList();
        int total = kinds.stream().mapToInt(k -> k.weight).sum();
        int draw = random.nextInt(total);
        Kind kind = kinds.get(0);
        for (Kind k : kinds) {
            if (draw < k.weight) {
                kind = k;
                break;
            }
            draw -= k.weight;
        }
        int target = switch (kind) {
            case SERVER_KILL9, SERVER_PAUSE, SERVER_RESTART ->
                    random.nextInt(3) == 0 ? LEADER : random.nextInt(targets.servers());
            case WORKER_KILL9, WORKER_PAUSE -> random.nextInt(targets.workers());
            case LOCK_CLIENT_KILL9 -> random.nextInt(targets.lockClients());
            case SESSION_EXPIRY -> random.nextInt(targets.inProcessClients());
            case LOCK_HOLDER_PAUSE -> 0;
        };
        Duration hold = kind == Kind.LOCK_HOLDER_PAUSE ? lockHolderPause
                : Duration.ofMillis(kind.minHoldMillis + random.nextInt(kind.maxHoldMillis - kind.minHoldMillis + 1));
        int[] calm = CALM_MILLIS.get(lane);
        Duration calmBefore = Duration.ofMillis(calm[0] + random.nextInt(calm[1] - calm[0] + 1));
        int number = drawn.merge(lane, 1, Integer::sum);
        return new Fault(number, kind, target, calmBefore, hold);
    }
}
