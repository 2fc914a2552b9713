package io.zktoolkit.locks;

/** Told when this participant gains or loses leadership. Called on the election's own thread. */
public interface LeadershipListener {
    /** This participant leads now. */
    void isLeader(Leadership leadership) throws Exception;

    /** This participant no longer leads (stepped down, lost its session, or the connection is in doubt). */
    void notLeader() throws Exception;
}
